// The seed's "get a token from the frontend", written out so that its costs show:
// the access token lands in this page's URL fragment and in its memory, and any script
// running here (an injected one too) can read it and call the Management API with it.
const body = document.body;
const tenant = body.dataset.tenant;
const clientId = body.dataset.clientId;
const status = document.getElementById("status");
const profile = document.getElementById("profile");

function randomString() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function signIn() {
  const state = randomString();
  const nonce = randomString();
  sessionStorage.setItem("example.state", state);
  sessionStorage.setItem("example.nonce", nonce);
  const url = new URL(tenant + "/authorize");
  url.search = new URLSearchParams({
    response_type: "token id_token",
    client_id: clientId,
    redirect_uri: window.location.origin + "/",
    scope: "openid profile email read:current_user",
    audience: tenant + "/api/v2/",
    state,
    nonce,
  }).toString();
  window.location.assign(url.toString());
}

function claimsOf(idToken) {
  // Only to read `sub` and `nonce`: this page cannot verify the signature itself
  // (a server can, with the tenant's JWKS), which is one more reason not to do this.
  const part = idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part));
}

async function handleCallback() {
  const answer = new URLSearchParams(window.location.hash.slice(1));
  history.replaceState({}, "", "/");  // the token should not stay in the address bar
  if (answer.get("error")) throw new Error(answer.get("error_description") || answer.get("error"));
  if (answer.get("state") !== sessionStorage.getItem("example.state")) {
    throw new Error("the answer's state is not the one this page sent");
  }
  const claims = claimsOf(answer.get("id_token"));
  if (claims.nonce !== sessionStorage.getItem("example.nonce")) {
    throw new Error("the ID token's nonce is not the one this page sent");
  }
  const reply = await fetch(`${tenant}/api/v2/users/${encodeURIComponent(claims.sub)}`, {
    headers: { Authorization: `Bearer ${answer.get("access_token")}` },
  });
  if (!reply.ok) throw new Error(`the Management API answered ${reply.status}`);
  return reply.json();
}

document.getElementById("sign-in").addEventListener("click", signIn);
if (window.location.hash.includes("access_token") || window.location.hash.includes("error")) {
  status.textContent = "reading your profile…";
  handleCallback().then(
    (user) => {
      status.textContent = `signed in as ${user.email}`;
      profile.textContent = JSON.stringify(user, null, 2);
    },
    (error) => { status.textContent = `failed: ${error.message}`; },
  );
}
