"""Driving the tenant's login up to its second-factor page and answering it by hand."""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from tests.support.tenant import TIMEOUT, authorize, parse_forms, submit_form

BFF = "selfserve-demo-bff"


def to_second_factor(tenant, bff_url: str, user) -> tuple[requests.Session, requests.Response]:
    """A browser-like session that gave `user`'s password; the page the tenant showed next."""
    http = requests.Session()
    start = authorize(http, tenant.url, client_id=BFF, response_type="code", state="st",
                      redirect_uri=bff_url + "/callback", scope="openid",
                      code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                      code_challenge_method="S256")
    page = http.get(urljoin(start.url, start.headers["Location"]), timeout=TIMEOUT)
    answer = submit_form(http, page, username=user[0], password=user[1], allow_redirects=True)
    return http, answer


def code_form(page: requests.Response, method_id: str | None = None) -> int:
    forms = parse_forms(page.text)
    return next(i for i, f in enumerate(forms) if "code" in f.fields
                and (method_id is None or f.fields["method"] == method_id))


def answer(http: requests.Session, page: requests.Response, code: str) -> requests.Response:
    """Submit `code` on the second-factor page; the tenant's (unfollowed) answer."""
    return submit_form(http, page, form_index=code_form(page), code=code)


def send_code(http: requests.Session, page: requests.Response) -> requests.Response:
    forms = parse_forms(page.text)
    index = next(i for i, f in enumerate(forms) if ("action", "send") in f.buttons)
    return submit_form(http, page, form_index=index, allow_redirects=True, action="send")


def finished(response: requests.Response, bff_url: str) -> bool:
    """True when the answer resumes /authorize (the login is over)."""
    return response.status_code == 302 and "/authorize/resume" in response.headers["Location"]
