"""Which connection a user id belongs to, read from its provider prefix (app/auth/flow.py)."""

import pytest

from app.auth.flow import sub_belongs_to


@pytest.mark.parametrize(
    ("sub", "connection", "belongs"),
    [
        ("github|4242", "github", True),
        ("google-oauth2|1029", "google-oauth2", True),
        ("auth0|65f0a1c2", "Username-Password-Authentication", True),
        ("samlp|acme-sso|bob@acme.example", "acme-sso", True),
        ("auth0|65f0a1c2", "github", False),  # a password account is not a GitHub identity
        ("google-oauth2|1029", "github", False),
        ("github|4242", "Username-Password-Authentication", False),
        ("samlp|other-sso|bob@acme.example", "acme-sso", False),
        ("auth0|acme-sso|x", "acme-sso", False),  # a database id never names a connection
        ("github", "github", False),  # no id part at all
        ("", "github", False),
    ],
)
def test_sub_belongs_to_the_chosen_connection(sub, connection, belongs):
    assert sub_belongs_to(sub, connection) is belongs
