"""Sign in through the BFF with plain `requests`, the way a browser without JavaScript would.

`sign_in(http, bff_url, ...)` drives `/login` -> the tenant's login form -> the
callback (answering the tenant's second-factor page with the authenticator code of
`totp_secret`, alice's seeded one by default; submitting the `form_post` page in the
implicit flow) and returns the last
response (the page the BFF sends the user to, normally the SPA shell, or the BFF's
error page). It raises `AssertionError` with the page's text when the tenant shows
its login form again (wrong password).
"""

from __future__ import annotations

import time

import requests

from tests.support.tenant import (
    ALICE_TOTP_SECRET,
    Form,
    answer_second_factor,
    parse_forms,
    second_factor_form,
    submit_form,
)

TIMEOUT = 10


def _find(forms: list[Form], test) -> int | None:
    return next((i for i, form in enumerate(forms) if test(form)), None)


def _is_login(form: Form) -> bool:
    return "password" in form.fields


def _is_form_post(form: Form) -> bool:
    return "state" in form.fields and bool({"id_token", "code", "error"} & set(form.fields))


def sign_in(
    http: requests.Session,
    bff_url: str,
    username: str = "alice@example.com",
    password: str = "alice-demo-password",
    return_to: str = "/",
    *,
    start_path: str | None = None,
    totp_secret: str = ALICE_TOTP_SECRET,
) -> requests.Response:
    """Sign in as `username`; `start_path` replaces `/login?returnTo=...` (e.g. `/link/github`)."""
    params = None if start_path else {"returnTo": return_to}
    response = http.get(bff_url + (start_path or "/login"), params=params, timeout=TIMEOUT)
    for _ in range(5):
        html = "html" in response.headers.get("Content-Type", "")
        forms = parse_forms(response.text) if html else []
        login = _find(forms, _is_login)
        posted = _find(forms, _is_form_post)
        if login is not None:
            response = submit_form(http, response, form_index=login, allow_redirects=True,
                                   username=username, password=password)
            if _find(parse_forms(response.text), _is_login) is not None:
                raise AssertionError(f"the tenant refused the sign-in: {response.text[:500]}")
        elif second_factor_form(response) is not None:
            response = answer_second_factor(http, response, totp_secret=totp_secret)
            if second_factor_form(response) is not None:
                raise AssertionError(f"the tenant refused the code: {response.text[:500]}")
        elif posted is not None:
            response = submit_form(http, response, form_index=posted, allow_redirects=True)
        else:
            return response
    raise AssertionError("sign-in did not finish")


def wait_for_the_next_second(after: float) -> None:
    """ID tokens' `auth_time` has whole seconds: wait until the clock has left the second
    of `after`, so that a sign-in started now is later than an authentication before it."""
    deadline = time.monotonic() + 5
    while int(time.time()) <= int(after):
        assert time.monotonic() < deadline, "the clock did not advance to the next second"
        time.sleep(0.05)
