"""Sign in through the BFF with plain `requests`, the way a browser without JavaScript would.

`sign_in(http, bff_url, ...)` drives `/login` -> the tenant's login form -> the
callback (following a `form_post` page in the implicit flow) and returns the last
response (the redirect target's page, normally the SPA shell). It raises
`AssertionError` with the page's text when the tenant shows its login form again
(wrong password) or an error.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

TIMEOUT = 10


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "",
                               "method": (attributes.get("method") or "get").lower(),
                               "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            fields = self.forms[-1]["fields"]
            fields.setdefault(attributes["name"], attributes.get("value") or "")


def forms_in(response: requests.Response) -> list[dict]:
    parser = _Forms()
    parser.feed(response.text)
    return parser.forms


def submit(http: requests.Session, response: requests.Response, form: dict,
           **values: str) -> requests.Response:
    """Submit `form` (from `forms_in(response)`) with its hidden fields plus `values`."""
    action = urljoin(response.url, form["action"] or response.url)
    fields = {**form["fields"], **values}
    if form["method"] == "post":
        return http.post(action, data=fields, timeout=TIMEOUT)
    return http.get(action, params=fields, timeout=TIMEOUT)


def _login_form(forms: list[dict]) -> dict | None:
    return next((f for f in forms if "password" in f["fields"]), None)


def _form_post(forms: list[dict]) -> dict | None:
    return next((f for f in forms if "state" in f["fields"] and (
        "id_token" in f["fields"] or "error" in f["fields"] or "code" in f["fields"])), None)


def sign_in(
    http: requests.Session,
    bff_url: str,
    username: str = "alice@example.com",
    password: str = "alice-demo-password",
    return_to: str = "/",
    *,
    start_path: str | None = None,
) -> requests.Response:
    """Sign in as `username`; `start_path` replaces `/login?returnTo=...` (e.g. a link URL)."""
    start = bff_url + (start_path or "/login")
    params = None if start_path else {"returnTo": return_to}
    response = http.get(start, params=params, timeout=TIMEOUT)
    for _ in range(4):
        forms = forms_in(response) if "html" in response.headers.get("Content-Type", "") else []
        login = _login_form(forms)
        posted = _form_post(forms)
        if login is not None:
            response = submit(http, response, login, username=username, password=password)
            if _login_form(forms_in(response)) is not None:
                raise AssertionError(f"the tenant refused the sign-in: {response.text[:500]}")
        elif posted is not None:
            response = submit(http, response, posted)
        else:
            return response
    raise AssertionError("sign-in did not finish")
