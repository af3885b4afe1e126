"""POST /users/{id}/identities (link) and DELETE .../identities/{provider}/{user_id}."""

from __future__ import annotations

import pytest

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.tenant_management.support import user_path

GITHUB_ALICE = "github|1000001"
GOOGLE_DAVE = "google-oauth2|100000000000000000002"


def link(mgmt, token, body):
    return mgmt.call("POST", user_path(ALICE_ID, "/identities"), token, json=body)


def test_link_a_social_account(mgmt, alice_token):
    secondary = mgmt.sign_in_social("github", "alice-gh")
    assert secondary == GITHUB_ALICE
    # The secondary has metadata of its own, which linking must not merge.
    mgmt.call("PATCH", user_path(secondary), mgmt.access_token(sub=secondary),
             json={"user_metadata": {"from_github": True}}).raise_for_status()

    response = link(mgmt, alice_token, {"link_with": mgmt.id_token(secondary)})

    assert response.status_code == 201
    main, linked = response.json()
    assert main == {"connection": "Username-Password-Authentication", "provider": "auth0",
                    "user_id": ALICE_ID.split("|")[1], "isSocial": False}
    assert linked["provider"] == "github" and linked["connection"] == "github"
    assert linked["user_id"] == 1000001  # GitHub ids are numbers, as Auth0 returns them
    assert linked["isSocial"] is True
    assert linked["profileData"]["email"] == "alice@example.com"
    user = mgmt.call("GET", user_path(ALICE_ID), alice_token).json()
    assert user["identities"] == response.json()
    assert "from_github" not in user["user_metadata"]
    # The secondary user is gone, and its account now signs in as alice.
    gone = mgmt.call("GET", user_path(secondary), mgmt.access_token(sub=secondary))
    assert gone.status_code == 404
    assert mgmt.sign_in_social("github", "alice-gh") == ALICE_ID


def test_link_a_database_account(mgmt, alice_token):
    response = link(mgmt, alice_token, {"link_with": mgmt.id_token(BOB_ID)})
    assert response.status_code == 201
    assert [identity["user_id"] for identity in response.json()] == [
        ALICE_ID.split("|")[1], BOB_ID.split("|")[1]]
    assert mgmt.authenticate("bob@example.com", "bob-demo-password") == ALICE_ID


def test_link_the_same_account_twice(mgmt, alice_token):
    secondary = mgmt.sign_in_social("google-oauth2", "dave.example")
    token = mgmt.id_token(secondary)
    assert link(mgmt, alice_token, {"link_with": token}).status_code == 201
    response = link(mgmt, alice_token, {"link_with": token})
    assert response.status_code == 409
    assert response.json() == {"statusCode": 409, "error": "Conflict",
                               "message": "Specified identity already exists."}


def test_link_with_itself(mgmt, alice_token):
    response = link(mgmt, alice_token, {"link_with": mgmt.id_token(ALICE_ID)})
    assert response.status_code == 400
    assert response.json()["message"] == "Main identity and the new one are the same."


def test_link_an_account_that_never_signed_in(mgmt, alice_token):
    response = link(mgmt, alice_token, {"link_with": mgmt.id_token("github|1000002")})
    assert response.status_code == 400
    assert response.json()["message"] == "Provided secondary account not found."


LINK_WITH_ERRORS = [
    (lambda api: "garbage", "Invalid token (link_with)."),
    (lambda api: api.id_token(GITHUB_ALICE, sign="rogue"), "Invalid token (link_with)."),
    (lambda api: api.id_token(GITHUB_ALICE, sign="hs256_pubkey"),
     "JWT (link_with) must have an alg of RS256."),
    (lambda api: api.id_token(GITHUB_ALICE, sign="none"),
     "JWT (link_with) must have an alg of RS256."),
    (lambda api: api.id_token(GITHUB_ALICE, iss="https://other.example/"),
     "JWT (link_with) must have the same issuer as the calling user."),
    (lambda api: api.id_token(GITHUB_ALICE, aud="another-client"),
     "JWT (link_with) must have an aud claim that matches that of the calling token's azp."),
    (lambda api: api.id_token(GITHUB_ALICE, aud=None),
     "JWT (link_with) contains an invalid aud claim."),
    (lambda api: api.id_token(None), "JWT (link_with) must contains sub claim."),
    (lambda api: api.id_token(42), "JWT (link_with) contains an invalid sub claim."),
    (lambda api: api.id_token(GITHUB_ALICE, exp=1000, iat=900), "Invalid token (link_with)."),
]


@pytest.mark.parametrize(("make_token", "message"), LINK_WITH_ERRORS)
def test_link_with_is_checked(mgmt, alice_token, make_token, message):
    mgmt.sign_in_social("github", "alice-gh")
    response = link(mgmt, alice_token, {"link_with": make_token(mgmt)})
    assert response.status_code == 400, response.text
    assert response.json()["message"] == message
    assert mgmt.call("GET", user_path(GITHUB_ALICE),
                    mgmt.access_token(sub=GITHUB_ALICE)).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "Payload validation error: 'Too few properties defined (0), minimum 1'."),
        ({"link_with": 5}, 400, "Payload validation error: 'Expected type string but found"
         " type integer' on property link_with."),
        ({"link_with": "x", "scopes": "all"}, 400,
         "Payload validation error: 'Additional properties not allowed: scopes'."),
        ({"provider": "github", "user_id": "1000001"}, 403,
         "Insufficient scope, expected any of: update:users"),
    ],
)
def test_link_bodies(mgmt, alice_token, body, status, message):
    response = link(mgmt, alice_token, body)
    assert response.status_code == status
    assert response.json()["message"] == message


def test_unlink_gives_the_account_back(mgmt, alice_token):
    secondary = mgmt.sign_in_social("google-oauth2", "alice.example")
    link(mgmt, alice_token, {"link_with": mgmt.id_token(secondary)}).raise_for_status()

    response = mgmt.call(
        "DELETE", user_path(ALICE_ID, "/identities/google-oauth2/100000000000000000001"),
        alice_token)

    assert response.status_code == 200
    assert [identity["provider"] for identity in response.json()] == ["auth0"]
    restored = mgmt.call("GET", user_path(secondary), mgmt.access_token(sub=secondary))
    assert restored.status_code == 200
    assert restored.json()["email"] == "alice@example.com"
    assert restored.json()["identities"][0]["user_id"] == "100000000000000000001"
    assert mgmt.sign_in_social("google-oauth2", "alice.example") == secondary


def test_main_identity_cannot_be_removed(mgmt, alice_token):
    path = user_path(ALICE_ID, "/identities/auth0/" + ALICE_ID.split("|")[1])
    response = mgmt.call("DELETE", path, alice_token)
    assert response.status_code == 400
    assert response.json()["message"] == "Main identity cannot be removed."


def test_unlink_an_identity_that_is_not_linked(mgmt, alice_token):
    mgmt.sign_in_social("github", "octo-carol")
    response = mgmt.call("DELETE", user_path(ALICE_ID, "/identities/github/1000002"),
                        alice_token)
    assert response.status_code == 400
    assert mgmt.sign_in_social("github", "octo-carol") == "github|1000002"


def test_unlink_unknown_provider(mgmt, alice_token):
    response = mgmt.call("DELETE", user_path(ALICE_ID, "/identities/myspace/1"), alice_token)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalid_uri"
