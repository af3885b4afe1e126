"""`selfserve check`: checks a configuration against its tenant and says what to fix.

Contract: `run_checks(settings) -> list[CheckResult]`, each PASS, WARN, FAIL or SKIP
(the check does not apply to this configuration) with a one-line fix. Only requests
that change nothing are made: discovery, JWKS, `/authorize` requests whose redirects
are not followed (they sign nobody in), and one token request with a made-up code
(it tells whether the client's credentials are right without any user), and one with
a made-up refresh token for the My Account API's audience (then, if refused, a silent
`/authorize` for that audience, not followed either). The passkeys line makes no
request: the rp.id the tenant really uses is only seen in a passkey enrollment, which
needs a user's token, so it is derived from the settings (docs/passkeys.md).
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .auth.flow import requested_scopes
from .auth.my_account import NOT_GRANTED, authorize_scopes
from .config import ConfigError, Settings, is_loopback_host


@dataclass(frozen=True)
class CheckResult:
    status: str  # "PASS", "WARN", "FAIL" or "SKIP"
    name: str
    message: str

    def line(self) -> str:
        return f"{self.status:4} {self.name}: {self.message}"


def _check_discovery(settings: Settings, http: requests.Session) -> tuple[list, dict | None]:
    url = settings.issuer + ".well-known/openid-configuration"
    try:
        response = http.get(url, timeout=settings.http_timeout)
        response.raise_for_status()
        doc = response.json()
    except (requests.RequestException, ValueError) as error:
        return [CheckResult("FAIL", "discovery", f"{url} did not answer with JSON ({error});"
                            " check AUTH0_DOMAIN")], None
    results = []
    if doc.get("issuer") != settings.issuer:
        results.append(CheckResult("FAIL", "discovery", f"issuer is {doc.get('issuer')!r}, expected"
                                   f" {settings.issuer!r}; check AUTH0_DOMAIN (a custom domain?)"))
    else:
        results.append(CheckResult("PASS", "discovery", f"issuer {settings.issuer}"))
    wanted = "code" if settings.flow == "code" else "token id_token"
    if wanted not in doc.get("response_types_supported", []):
        results.append(CheckResult("FAIL", "flow", f"the tenant does not offer response_type"
                                   f" {wanted!r}; set AUTH0_FLOW to another flow"))
    if settings.flow == "code" and "S256" not in doc.get("code_challenge_methods_supported", []):
        results.append(CheckResult("FAIL", "flow", "the tenant does not announce PKCE S256"))
    if settings.flow == "implicit" and "form_post" not in doc.get("response_modes_supported", []):
        results.append(CheckResult("FAIL", "flow", "the implicit flow needs response_mode"
                                   " form_post, which the tenant does not announce"))
    return results, doc


def _check_jwks(settings: Settings, http: requests.Session, doc: dict) -> CheckResult:
    url = doc.get("jwks_uri", "")
    try:
        response = http.get(url, timeout=settings.http_timeout)
        response.raise_for_status()
        keys = response.json().get("keys", [])
    except (requests.RequestException, ValueError, AttributeError) as error:
        return CheckResult("FAIL", "jwks", f"{url} is not a readable JWKS ({error})")
    usable = [k for k in keys if k.get("kty") == "RSA" and k.get("kid")]
    if not usable:
        return CheckResult("FAIL", "jwks", f"{url} publishes no RSA key with a kid")
    return CheckResult("PASS", "jwks", f"{len(usable)} RSA signing key(s) published")


_REFUSED_SIGN_IN = "the tenant refused the sign-in"
CALLBACK_PATHS = ("/callback", "/link/callback")


#: A fixed PKCE challenge: the probes' redirects are never followed, so no code is used.
_PROBE_CHALLENGE = {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                    "code_challenge_method": "S256"}
_REDIRECTS = (301, 302, 303)


def _authorize_probe(settings: Settings, http: requests.Session, doc: dict,
                     params: dict[str, str]) -> tuple[requests.Response, dict | None]:
    """`/authorize` with `params` (and fresh state, nonce, the fixed PKCE challenge), its
    redirect not followed: the answer, and the query of a redirect to
    `params["redirect_uri"]` (None for any other answer). Raises
    `requests.RequestException` when the tenant does not answer."""
    url = doc.get("authorization_endpoint", settings.issuer + "authorize")
    query = {**params, "state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16),
             **_PROBE_CHALLENGE}
    response = http.get(url + "?" + urlencode(query), allow_redirects=False,
                        timeout=settings.http_timeout)
    location = response.headers.get("Location", "")
    if response.status_code in _REDIRECTS and location.startswith(params["redirect_uri"]):
        return response, parse_qs(urlsplit(location).query)
    return response, None


def _check_callback(
    settings: Settings, http: requests.Session, doc: dict, path: str
) -> CheckResult:
    """Ask `/authorize` for a sign-in to `path` without following it: the tenant's answer
    tells whether it knows the client, the callback URL and the audience. Any redirect
    (PASS, or FAIL with "the tenant refused the sign-in") means the client id is known."""
    redirect_uri = settings.public_url + path
    params = {
        "client_id": settings.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code" if settings.flow == "code" else "token id_token",
        "response_mode": "query" if settings.flow == "code" else "form_post",
        "scope": " ".join(requested_scopes(settings, "login")),  # what a sign-in asks
        "audience": settings.audience,
    }
    try:
        response, query = _authorize_probe(settings, http, doc, params)
    except requests.RequestException as error:
        return CheckResult("FAIL", f"callback {path}", f"/authorize did not answer ({error})")
    if query is not None:
        error = query.get("error", ["?"])[0]
        description = query.get("error_description", [""])[0]
        return CheckResult("FAIL", f"callback {path}", f"{_REFUSED_SIGN_IN}:"
                           f" {error} {description}; allow the API audience and scopes for"
                           " this application")
    if response.status_code in _REDIRECTS:
        return CheckResult("PASS", f"callback {path}", f"{redirect_uri} is an allowed callback")
    return CheckResult("FAIL", f"callback {path}", f"the tenant answered {response.status_code}:"
                       f" add {redirect_uri} to the Allowed Callback URLs of client"
                       f" {settings.client_id} (and check AUTH0_CLIENT_ID)")


#: What a token endpoint answers for a made-up code once the client is authenticated:
#: the local tenant says 400, Auth0 403 (both `invalid_grant`).
_BAD_CODE_ANSWERS = (400, 403)
#: How a token endpoint refuses the client itself: Auth0 answers 401 `access_denied`
#: ("Unauthorized"), RFC 6749 servers 401 (or 400) `invalid_client`.
_BAD_CLIENT_ERRORS = ("access_denied", "invalid_client")


def _check_client_credentials(
    settings: Settings, http: requests.Session, doc: dict, client_known: bool
) -> CheckResult:
    """Redeem a made-up code: the tenant authenticates the client before it looks at the
    code, so `invalid_grant` means the id and secret are right, and a client refusal
    that they are not. Nobody is signed in; the code matches no sign-in."""
    name = "client credentials"
    if settings.client_secret is None:
        return CheckResult("SKIP", name, "does not apply: no AUTH0_CLIENT_SECRET, so this is a"
                           " public client (PKCE only)")
    if settings.flow != "code":
        return CheckResult("SKIP", name, "does not apply: AUTH0_FLOW=implicit never sends"
                           " AUTH0_CLIENT_SECRET to the tenant")
    url = doc.get("token_endpoint", settings.issuer + "oauth/token")
    form = {
        "grant_type": "authorization_code",
        "code": "selfserve-check-" + secrets.token_urlsafe(24),
        "redirect_uri": settings.public_url + "/callback",
        "code_verifier": secrets.token_urlsafe(48),
    }
    try:
        # HTTP Basic, as the BFF authenticates (oauth_client.py: client_secret_basic).
        response = http.post(url, data=form, auth=(settings.client_id, settings.client_secret),
                             timeout=settings.http_timeout)
        answer = response.json()
        error = answer.get("error") if isinstance(answer, dict) else None
    except (requests.RequestException, ValueError) as failure:
        return CheckResult("FAIL", name, f"{url} did not answer with JSON ({failure})")
    if response.status_code in _BAD_CODE_ANSWERS and error == "invalid_grant":
        return CheckResult("PASS", name, f"the tenant accepts the secret of client"
                           f" {settings.client_id} (a made-up code was refused, as it must be)")
    if response.status_code == 401 or error in _BAD_CLIENT_ERRORS:
        wrong = (
            "AUTH0_CLIENT_SECRET is wrong: copy the Client Secret of"
            f" {settings.client_id} from the dashboard (Applications > your app > Settings)"
            if client_known else
            "AUTH0_CLIENT_ID or AUTH0_CLIENT_SECRET is wrong (the callback checks do not"
            " recognise the client either): copy both from the dashboard"
        )
        return CheckResult("FAIL", name, f"the tenant refused the client's credentials"
                           f" ({response.status_code} {error}); {wrong}")
    if error == "unauthorized_client":
        return CheckResult("FAIL", name, "the application may not use the authorization code"
                           " grant: enable it under Advanced > Grant Types")
    return CheckResult("WARN", name, f"unexpected answer from {url}: {response.status_code}"
                       f" {error or ''}; the credentials could not be checked")


def _check_my_account(settings: Settings, http: requests.Session, doc: dict) -> CheckResult:
    """Whether a My Account API token can be had by multi-resource refresh: a refresh
    with a made-up refresh token for the `/me/` audience. The local tenant checks the
    audience against the application's client grant and refresh token policy before it
    looks at the token (`invalid_grant` then means "allowed"); a real tenant may check
    the token first, so a PASS there is best-effort (docs/myaccount.md). When that is
    refused (code flow), whether the BFF's fallback, the silent `/authorize`, would give
    one: `_silent_authorize_answer`."""
    name = "my account"
    if settings.my_account == "off":
        return CheckResult("SKIP", name, "does not apply: AUTH0_MYACCOUNT=off")
    api = settings.my_account_audience + "v1/factors"
    try:
        probe = http.get(api, timeout=settings.http_timeout)
    except requests.RequestException as error:
        return CheckResult("WARN", name, f"{api} did not answer ({error})")
    if probe.status_code == 404:
        return CheckResult("WARN", name, f"{api} answers 404: activate the My Account API"
                           " (Authentication > APIs); the page shows the MFA enrollments only")
    url = doc.get("token_endpoint", settings.issuer + "oauth/token")
    form = {"grant_type": "refresh_token",
            "refresh_token": "selfserve-check-" + secrets.token_urlsafe(24),
            "audience": settings.my_account_audience,
            "scope": " ".join(settings.my_account_scopes)}
    auth = None
    if settings.client_secret:
        auth = (settings.client_id, settings.client_secret)
    else:
        form["client_id"] = settings.client_id
    try:
        response = http.post(url, data=form, auth=auth, timeout=settings.http_timeout)
        answer = response.json()
    except (requests.RequestException, ValueError) as failure:
        return CheckResult("WARN", name, f"{url} did not answer with JSON ({failure})")
    error = answer.get("error") if isinstance(answer, dict) else None
    description = answer.get("error_description", "") if isinstance(answer, dict) else ""
    if response.status_code in _BAD_CODE_ANSWERS and error == "invalid_grant":
        return CheckResult("PASS", name, f"a {settings.my_account_audience} token can be had"
                           " by multi-resource refresh (a made-up refresh token was refused"
                           " for itself, not for the audience)")
    if error in NOT_GRANTED:  # what the BFF itself takes as "try the silent /authorize"
        silent = (_silent_authorize_answer(settings, http, doc)
                  if settings.flow == "code" else None)
        if silent in _SILENT_WOULD_WORK:
            return CheckResult("PASS", name, f"a {settings.my_account_audience} token can be"
                               f" had by a silent /authorize (prompt=none) after each sign-in:"
                               f" multi-resource refresh is refused ({description}), but the"
                               f" client grant lists the My Account API (the tenant answered"
                               f" {silent} without a tenant session); listing the API in the"
                               " refresh token policy would save that second redirect")
        if silent is not None and silent[0] == "access_denied":
            description = silent[1] or description
        return CheckResult("WARN", name, f"the tenant gives this application no"
                           f" {settings.my_account_audience} token ({description}): give"
                           f" {settings.client_id} a client grant for the My Account API with"
                           " the me: scopes (and list it in the application's refresh token"
                           " policy, or the BFF needs a silent /authorize after each sign-in);"
                           " until then the page shows the MFA enrollments only")
    return CheckResult("WARN", name, f"unexpected answer from {url}: {response.status_code}"
                       f" {error or ''}; whether a My Account token can be had is unknown")


#: A silent `/authorize` without a tenant session answers one of these when the audience
#: itself is allowed: the client grant lists the API.
_SILENT_WOULD_WORK = frozenset({"login_required", "consent_required", "interaction_required"})


def _silent_authorize_answer(settings: Settings, http: requests.Session,
                             doc: dict) -> tuple[str, str] | str | None:
    """The silent `/authorize` for the `/me/` audience the BFF falls back to, asked without
    a tenant session (redirect not followed, nobody signed in): the `error` the tenant sends
    to the callback (a str in `_SILENT_WOULD_WORK`), or `(error, description)` for another,
    or None when it did not answer so. The local tenant checks the client grant before the
    session, as Auth0 does at `/authorize`; a real tenant's order is best-effort here."""
    params = {
        "client_id": settings.client_id, "redirect_uri": settings.public_url + "/callback",
        "response_type": "code", "prompt": "none",
        "scope": " ".join(authorize_scopes(settings)),  # what the BFF's own attempt asks
        "audience": settings.my_account_audience,
    }
    try:
        _response, query = _authorize_probe(settings, http, doc, params)
    except requests.RequestException:
        return None
    if query is None:
        return None
    error = query.get("error", [""])[0]
    if error in _SILENT_WOULD_WORK:
        return error
    return (error, query.get("error_description", [""])[0]) if error else None


def _check_cookies(settings: Settings) -> CheckResult:
    host = urlsplit(settings.public_url).hostname
    if settings.secure_cookies:
        return CheckResult("PASS", "cookies", "served over https: Secure, __Host- prefixed,"
                           " HttpOnly, SameSite=Lax")
    if is_loopback_host(host):
        return CheckResult("WARN", "cookies", "PUBLIC_URL is plain http on loopback: fine for a"
                           " demo; use https in production so cookies are Secure")
    # Only reachable with ALLOW_INSECURE_HTTP=1 (start-up refuses it otherwise): the
    # operator chose it for a lab, so it is not a failure, but it must not go unnoticed.
    return CheckResult("WARN", "cookies", f"INSECURE: ALLOW_INSECURE_HTTP=1 serves PUBLIC_URL"
                       f" {settings.public_url} over plain http. Cookies are neither Secure nor"
                       " __Host- prefixed: anyone on the network reads them, and a page on"
                       f" another port or subdomain of {host} can plant a session cookie (login"
                       " CSRF). For a lab only: serve https and remove ALLOW_INSECURE_HTTP in"
                       " production")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _under(host: str, rp_id: str) -> bool:
    """WebAuthn's rule: the page's host is the rp.id or a subdomain of it."""
    return host == rp_id or host.endswith("." + rp_id)


def passkey_rp_id(settings: Settings) -> tuple[str, str]:
    """(the rp.id the tenant's passkeys use, where that comes from). AUTH0_PASSKEY_RP_ID
    when set; else the AUTH0_DOMAIN host, as on Auth0 without a relying party identifier
    of a custom domain's own; `localhost` for a tenant on an IP address, as the local
    tenant does (app/tenant/mfa/relying_party.py: an IP cannot be an rp.id)."""
    if settings.passkey_rp_id:
        return settings.passkey_rp_id, "AUTH0_PASSKEY_RP_ID"
    host = (urlsplit(settings.tenant_url).hostname or "").lower()
    if _is_ip(host):
        return "localhost", f"the local tenant's, as AUTH0_DOMAIN is the IP address {host}"
    return host, "the AUTH0_DOMAIN host; set AUTH0_PASSKEY_RP_ID if the tenant's differs"


def check_passkeys(settings: Settings) -> CheckResult:
    """Whether the account page (PUBLIC_URL) can create passkeys with the tenant's rp.id:
    WebAuthn needs a secure context (https, or http on localhost), a host name (no IP
    address) and the page's host equal to the rp.id or under it."""
    name = "passkeys"
    if settings.my_account == "off":
        return CheckResult("SKIP", name, "does not apply: AUTH0_MYACCOUNT=off (passkeys are"
                           " added through the My Account API)")
    page = urlsplit(settings.public_url)
    host = (page.hostname or "").lower()
    rp_id, source = passkey_rp_id(settings)
    tenant_host = (urlsplit(settings.tenant_url).hostname or "").lower()
    problems = []
    if _is_ip(host):
        port = f":{page.port}" if page.port else ""
        problems.append(f"PUBLIC_URL's host {host} is an IP address, where browsers offer no"
                        " passkeys (WebAuthn needs a host name): serve the account page on a"
                        f" host name (http://localhost{port} for a local demo)")
    elif page.scheme != "https" and not _under(host, "localhost"):
        problems.append(f"PUBLIC_URL {settings.public_url} is plain http, not a secure"
                        " context, where browsers offer no passkeys: serve it over https")
    if not _is_ip(host) and not _under(host, rp_id):
        parent = host.split(".", 1)[1] if host.count(".") >= 2 else host
        elsewhere = (
            f"only Auth0 serves pages under {rp_id}, so a custom domain is the way"
            if _under(rp_id, "auth0.com") else
            f"or serve the account page on {rp_id} or a subdomain of it"
        )
        problems.append(
            f"the account page's host {host} is neither the rp.id {rp_id} ({source}) nor"
            " under it, so browsers refuse to create passkeys there: give the tenant a"
            f" custom domain whose passkey relying party identifier is {host} or a parent"
            f" of it (e.g. custom domain login.{parent} with identifier {parent}), then set"
            " AUTH0_DOMAIN to that custom domain and AUTH0_PASSKEY_RP_ID to that"
            f" identifier; {elsewhere}"
        )
    if settings.passkey_rp_id and not _under(tenant_host, rp_id) and not _is_ip(tenant_host):
        problems.append(f"the tenant's login at {tenant_host} (AUTH0_DOMAIN) is not under"
                        f" AUTH0_PASSKEY_RP_ID {rp_id}: Auth0's relying party identifier is"
                        " the custom domain or a parent of it, so set AUTH0_DOMAIN to the"
                        " custom domain it belongs to")
    if problems:
        return CheckResult("WARN", name, "; ".join(problems))
    return CheckResult("PASS", name, f"the account page at {host} can create passkeys for"
                       f" rp.id {rp_id} ({source})")


def _redacted(url: str) -> str:
    """`url` without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else ""
    )
    return parts._replace(netloc=netloc).geturl()


def _check_session_store(settings: Settings) -> CheckResult:
    if settings.session_type != "redis":
        return CheckResult("PASS", "sessions", f"SQLite store in {settings.data_dir}"
                           " (one server; use SESSION_TYPE=redis for several)")
    import redis

    from .auth.store_redis import redis_client

    where = ("the cluster at " + " ".join(f"{h}:{p}" for h, p in settings.redis_cluster_nodes)
             if settings.redis_cluster_nodes else _redacted(settings.redis_url))
    try:
        redis_client(settings).ping()
    except (redis.RedisError, ConfigError) as error:
        return CheckResult("FAIL", "sessions", f"Redis at {where} does not answer ({error})")
    return CheckResult("PASS", "sessions", f"Redis at {where} answers")


def run_checks(settings: Settings) -> list[CheckResult]:
    with requests.Session() as http:
        results, doc = _check_discovery(settings, http)
        if doc is not None:
            results.append(_check_jwks(settings, http, doc))
            callbacks = [_check_callback(settings, http, doc, path) for path in CALLBACK_PATHS]
            results.extend(callbacks)
            client_known = any(
                r.status == "PASS" or r.message.startswith(_REFUSED_SIGN_IN) for r in callbacks
            )
            results.append(_check_client_credentials(settings, http, doc, client_known))
            results.append(_check_my_account(settings, http, doc))
    results.append(check_passkeys(settings))
    results.append(_check_cookies(settings))
    results.append(_check_session_store(settings))
    return results
