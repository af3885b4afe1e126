// response_mode=web_message: hand the authorization response to the window that framed
// (silent sign-in) or opened (popup) this page, for the application's origin only.
(function () {
  var message = JSON.parse(document.getElementById("web-message-response").textContent);
  var target = window.opener || window.parent;
  target.postMessage({ type: "authorization_response", response: message.response },
                     message.target_origin);
})();
