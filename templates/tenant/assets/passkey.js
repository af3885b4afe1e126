// The tenant's passkey sign-in: challenge -> navigator.credentials.get() -> verify -> back
// to the tenant's own origin with a one-time ticket (the CSP allows no inline script).
const status = document.getElementById("passkey-status");
const state = status.dataset.state;

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error_description || "the tenant refused");
  return data;
}

async function signIn() {
  status.textContent = "Waiting for your passkey…";
  try {
    if (!window.PublicKeyCredential?.parseRequestOptionsFromJSON) {
      throw new Error("this browser cannot use passkeys here");
    }
    const options = await postJson("/u/passkey/options", { state });
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    const answer = await postJson("/u/passkey/verify", { state, credential: credential.toJSON() });
    status.textContent = "Signed in.";
    window.location.assign(answer.redirect);
  } catch (error) {
    status.textContent = "No passkey sign-in: " + error.message;
    status.classList.add("error");
  }
}

document.getElementById("passkey-start").addEventListener("click", signIn);
signIn();
