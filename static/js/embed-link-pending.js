// End of a link started from an embedded UI (the element or the iframe), in its
// pop-up: tell the window that opened it, and only at the origin the BFF checked
// (the postMessage target, so no other page can read it); then close. The
// embedded UI shows the confirmation step itself.
const origin = document.querySelector("[data-opener-origin]")?.dataset.openerOrigin;
if (window.opener && origin) {
  window.opener.postMessage({ source: "selfserve", type: "link-pending" }, origin);
  window.close();
}
