// The page tests/conformance/test_spa_sdk.py drives: Auth0's SPA SDK, configured as its
// documentation says, pointed at the local tenant. The test calls window.spa and reads
// window.spaReady (a promise that settles once a sign-in callback, if any, is handled).
// Served at / the SDK renews tokens with its iframe; at /refresh/ with refresh tokens.
(function () {
  var body = document.body;
  var tenant = body.dataset.tenant;
  var status = document.getElementById("status");
  var here = window.location.pathname;
  var client = new auth0.Auth0Client({
    domain: tenant,
    clientId: body.dataset.clientId,
    cacheLocation: "memory",
    useRefreshTokens: here === "/refresh/",
    // Without it the SDK reports a refused refresh token instead of trying its iframe.
    useRefreshTokensFallback: true,
    authorizationParams: {
      redirect_uri: window.location.origin + here,
      audience: tenant + "/api/v2/",
      scope: "openid profile email read:current_user",
    },
  });
  window.spa = client;
  window.managementApi = function (path, accessToken) {
    return fetch(tenant + "/api/v2" + path, {
      headers: { Authorization: "Bearer " + accessToken },
    }).then(function (answer) {
      return answer.json().then(function (json) { return { status: answer.status, body: json }; });
    });
  };
  var query = new URLSearchParams(window.location.search);
  var handled = query.has("code") || query.has("error")
    ? client.handleRedirectCallback().then(function () {
        window.history.replaceState({}, "", here);
        return "signed-in";
      })
    : Promise.resolve("no-callback");
  window.spaReady = handled.then(
    function (what) { status.textContent = what; return what; },
    function (error) { status.textContent = "error: " + error.message; throw error; }
  );
})();
