"""Driving the local tenant from tests: its `/__test__/` hooks, and a browser-like client.

- `TenantHooks(base_url)`: one method per test hook (JSON over HTTP, with timeouts).
  Extend it with more methods as hooks are added.
- `parse_forms(html)` / `submit_form(session, response, **fields)`: submit an HTML form
  the way a browser would (action resolved against the page URL, hidden and prefilled
  inputs kept, `fields` added or overriding).
- `submit_login(session, response, ...)`: from a tenant login page to wherever the tenant
  sends the browser next (the client's callback, not followed), answering the second
  factor the tenant asks for (alice's seeded authenticator, or `totp_secret`);
  `authorize_and_sign_in(...)` runs a whole /authorize with the login page if shown.
- `answer_second_factor(session, response)` / `past_second_factor(session, answer)`:
  for code that posts the login form itself: submit the authenticator code when the
  response is (or redirects to) the tenant's second-factor page; anything else is
  returned as it is.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pyotp
import requests

from app.tenant.directory import ALICE_TOTP_SECRET
from tests.support.waiting import wait_until

TIMEOUT = 10

ALICE = ("alice@example.com", "alice-demo-password")
BOB = ("bob@example.com", "bob-demo-password")


class TenantHooks:
    """The tenant's test hooks (the tenant must run with testing=True)."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = session or requests.Session()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(
            method, f"{self.base_url}/__test__/{path}", json=body, timeout=TIMEOUT
        )
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Demo data back to the seed; sessions, codes, tokens, faults, tweaks cleared."""
        self._call("POST", "reset")

    def fault(
        self,
        path: str,
        *,
        method: str | None = None,
        status: int | None = None,
        times: int = 1,
        delay: float = 0,
        drop: bool = False,
        retry_after: int | None = None,
        ratelimit_reset_in: int | None = None,
        body: Any = None,
    ) -> None:
        """Fault the next `times` requests whose path starts with `path`."""
        self._call("POST", "faults", {
            "path": path, "method": method, "status": status, "times": times, "delay": delay,
            "drop": drop, "retry_after": retry_after, "ratelimit_reset_in": ratelimit_reset_in,
            "body": body,
        })

    faults = fault

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def tweak_tokens(
        self,
        *,
        id_token: dict[str, Any] | None = None,
        access_token: dict[str, Any] | None = None,
        logout_token: dict[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        """Tweak the next issued tokens: each spec is {"set", "unset", "sign"}."""
        body: dict[str, Any] = {"times": times}
        for kind, spec in (("id_token", id_token), ("access_token", access_token),
                           ("logout_token", logout_token)):
            if spec is not None:
                body[kind] = spec
        self._call("POST", "tweak-tokens", body)

    def clear_tweaks(self) -> None:
        self._call("DELETE", "tweak-tokens")

    def mint(
        self, claims: dict[str, Any], *, sign: str = "current", header: dict | None = None
    ) -> str:
        """A JWT of exactly `claims`, signed as `sign` says (see app.tenant.testing)."""
        return self._call("POST", "mint", {"claims": claims, "sign": sign,
                                           "header": header or {}})["token"]

    def rotate_keys(self) -> str:
        """Publish a new signing key beside the old one; its kid."""
        return self._call("POST", "rotate-keys")["kid"]

    def settings(self, **values: int) -> dict[str, int]:
        """Partial update of access_token_ttl, id_token_ttl, refresh_token_ttl (seconds)."""
        return self._call("POST", "settings", values)

    def client_urls(self, client_id: str, **urls: Any) -> dict[str, Any]:
        """Replace some of a client's `callbacks`, `allowed_logout_urls`, `web_origins`
        (lists) and `backchannel_logout_uri` (a URL or None); `reset()` undoes it."""
        return self._call("POST", f"clients/{client_id}/urls", urls)

    def backchannel_deliveries(self) -> list[dict[str, Any]]:
        """The back-channel logout tokens whose delivery is over (the tenant sends them
        from a queue, a little after the logout, and retries a failed one)."""
        return self._call("GET", "backchannel-deliveries")

    def wait_for_deliveries(
        self, count: int = 1, *, uri: str | None = None, seconds: float = 30
    ) -> list[dict[str, Any]]:
        """Wait until `count` deliveries (to `uri`, if given) are over; those deliveries."""

        def delivered() -> list[dict[str, Any]]:
            seen = [d for d in self.backchannel_deliveries() if uri in (None, d["uri"])]
            return seen if len(seen) >= count else []

        return wait_until(delivered, f"{count} back-channel deliveries to {uri or 'any URI'}",
                          seconds)

    def user(self, user_id: str) -> dict[str, Any] | None:
        """The stored user as the Management API returns it, None when there is none."""
        response = self.http.get(f"{self.base_url}/__test__/users/{user_id}", timeout=TIMEOUT)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def rate_limit(self, limit: int | None = None, window: float | None = None) -> None:
        """The Management API's per-token rate limit (no arguments: the defaults)."""
        body = {k: v for k, v in (("limit", limit), ("window", window)) if v is not None}
        self._call("POST", "rate-limit", body)


# -- forms -----------------------------------------------------------------------------


@dataclass
class Form:
    action: str | None
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    attrs: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        if tag == "form":
            self._current = Form(attrs.get("action"), attrs.get("method", "get").lower(),
                                 attrs=attrs)
            self.forms.append(self._current)
            return
        form = self._current
        if form is None or "name" not in attrs:
            return
        name = attrs["name"]
        kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "button" or kind == "submit":
            form.buttons.append((name, attrs.get("value", "")))
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                form.fields[name] = attrs.get("value", "on")
        elif tag in ("input", "textarea", "select"):
            form.fields.setdefault(name, attrs.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def submit_form(
    session: requests.Session,
    response: requests.Response,
    *,
    form_index: int = 0,
    allow_redirects: bool = False,
    **fields: str,
) -> requests.Response:
    """Submit the page's form as a browser would, with `fields` filled in."""
    forms = parse_forms(response.text)
    assert forms, f"no form on {response.url}: {response.text[:300]}"
    form = forms[form_index]
    action = urljoin(response.url, form.action or response.url)
    data = {**form.fields, **fields}
    if form.method == "post":
        return session.post(action, data=data, allow_redirects=allow_redirects, timeout=TIMEOUT)
    return session.get(action, params=data, allow_redirects=allow_redirects, timeout=TIMEOUT)


# -- flows -----------------------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def follow_to(
    session: requests.Session, response: requests.Response, stop_prefix: str
) -> requests.Response:
    """Follow redirects until one points at `stop_prefix` (that one is returned unfollowed)."""
    for _ in range(10):
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303, 307, 308) or location is None:
            return response
        if urljoin(response.url, location).startswith(stop_prefix):
            return response
        response = session.get(urljoin(response.url, location), allow_redirects=False,
                               timeout=TIMEOUT)
    raise AssertionError("too many redirects")


def second_factor_form(response: requests.Response) -> int | None:
    """The index of the tenant's second-factor code form on the page, or None."""
    if "html" not in response.headers.get("Content-Type", ""):
        return None
    forms = parse_forms(response.text)
    return next((i for i, f in enumerate(forms) if {"code", "method"} <= set(f.fields)), None)


def answer_second_factor(
    session: requests.Session,
    response: requests.Response,
    *,
    totp_secret: str = ALICE_TOTP_SECRET,
    allow_redirects: bool = True,
) -> requests.Response:
    """Submit the current authenticator code when `response` is the second-factor page."""
    index = second_factor_form(response)
    if index is None:
        return response
    return submit_form(session, response, form_index=index, allow_redirects=allow_redirects,
                       code=pyotp.TOTP(totp_secret).now())


def past_second_factor(
    session: requests.Session, answer: requests.Response, *,
    totp_secret: str = ALICE_TOTP_SECRET,
) -> requests.Response:
    """For an unfollowed redirect after the login form: when it goes to the second-factor
    page, answer it and return the tenant's next (unfollowed) redirect."""
    location = answer.headers.get("Location", "")
    if answer.status_code != 302 or "/u/mfa" not in location:
        return answer
    page = session.get(urljoin(answer.url, location), allow_redirects=False, timeout=TIMEOUT)
    return answer_second_factor(session, page, totp_secret=totp_secret, allow_redirects=False)


def submit_login(
    session: requests.Session,
    login_page: requests.Response,
    username: str = ALICE[0],
    password: str = ALICE[1],
    *,
    totp_secret: str = ALICE_TOTP_SECRET,
) -> requests.Response:
    """Post the login form (and the second factor, if asked); returns the tenant's answer
    after resuming /authorize."""
    answer = submit_form(session, login_page, username=username, password=password)
    assert answer.status_code == 302, answer.text[:500]
    answer = past_second_factor(session, answer, totp_secret=totp_secret)
    assert answer.status_code == 302, answer.text[:500]
    return session.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False,
                       timeout=TIMEOUT)


def redirect_params(response: requests.Response) -> dict[str, str]:
    """The parameters a client receives: from the redirect's query or fragment."""
    location = response.headers["Location"]
    parts = urlsplit(location)
    raw = parts.fragment or parts.query
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def form_post_params(response: requests.Response) -> tuple[str, dict[str, str]]:
    """(action, fields) of a response_mode=form_post page."""
    form = parse_forms(response.text)[0]
    assert form.action is not None
    return form.action, form.fields


def authorize(
    session: requests.Session, tenant_url: str, **params: str
) -> requests.Response:
    """GET /authorize with `params` (redirects not followed)."""
    return session.get(f"{tenant_url}/authorize", params=params, allow_redirects=False,
                       timeout=TIMEOUT)


def authorize_and_sign_in(
    session: requests.Session,
    tenant_url: str,
    user: tuple[str, str] = ALICE,
    *,
    totp_secret: str = ALICE_TOTP_SECRET,
    **params: str,
) -> requests.Response:
    """/authorize, then the login page if the tenant shows one; the answer to the client
    (a redirect to its callback, or a form_post page)."""
    response = authorize(session, tenant_url, **params)
    if response.status_code == 302 and "/u/login" in response.headers["Location"]:
        page = session.get(urljoin(response.url, response.headers["Location"]),
                           allow_redirects=False, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:300]
        response = submit_login(session, page, *user, totp_secret=totp_secret)
    return response


def verify_jwt(tenant_url: str, token: str, audience: str, **options: Any) -> dict[str, Any]:
    """Verify an RS256 token against the tenant's published JWKS (as a relying party)."""
    import jwt

    jwks = requests.get(f"{tenant_url}/.well-known/jwks.json", timeout=TIMEOUT).json()
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    return jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=audience,
                      issuer=f"{tenant_url}/", options=options)
