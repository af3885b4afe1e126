// End of a sign-in started from the iframe: tell the iframe (same origin) and close.
const channel = "BroadcastChannel" in window ? new BroadcastChannel("selfserve") : null;
channel?.postMessage("signed-in");
channel?.close();
if (window.opener) {
  try {
    window.opener.postMessage({ type: "selfserve:signed-in" }, location.origin);
  } catch (error) {
    console.warn("selfserve: could not reach the opener", error);
  }
  window.close();
}
