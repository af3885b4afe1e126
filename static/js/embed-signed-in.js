// End of a sign-in started from an embedded UI, in its pop-up. The iframe (same
// origin as this page) opened it with `?opener=frame` and is told by postMessage;
// the element on a host page (another origin) is not posted to (a target origin
// that is not the opener's is an error in the console) and notices by itself,
// asking /bff/session. BroadcastChannel reaches a same-origin UI where storage is
// not partitioned.
const channel = "BroadcastChannel" in window ? new BroadcastChannel("selfserve") : null;
channel?.postMessage("signed-in");
channel?.close();
const toFrame = new URLSearchParams(location.search).get("opener") === "frame";
if (window.opener && toFrame) {
  window.opener.postMessage({ type: "selfserve:signed-in" }, location.origin);
}
if (window.opener) window.close();
