"""What `/bff/session` says of the My Account API token (issue 13, contract A), over real HTTP.

The token itself never reaches the browser: only `available`, `how`, `reason`, `detail`,
`scopes` and the `sign_in_methods` feature.
"""

from __future__ import annotations

from app.auth import MY_ACCOUNT_SCOPES

MEMBERS = {"available", "how", "reason", "detail", "scopes"}


def test_the_session_describes_the_my_account_token_without_holding_it(signed_in):
    body = signed_in.get(signed_in.bff_url + "/bff/session", timeout=10).json()
    assert set(body["my_account"]) == MEMBERS
    assert body["my_account"]["available"] in (None, True, False)
    assert "sign_in_methods" in body["features"]
    assert body["features"]["sign_in_methods"] is bool(body["my_account"]["available"])
    assert "sign_in_methods" in body["missing_scopes"]


def test_the_default_scopes_are_all_me_scopes():
    assert MY_ACCOUNT_SCOPES
    assert all(":me:" in scope for scope in MY_ACCOUNT_SCOPES)
