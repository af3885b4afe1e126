"""The directory's contract with the OAuth side: sign-in, profile claims, login record."""

from __future__ import annotations

import pytest

from app.tenant import db, directory


@pytest.fixture
def conn(tmp_path):
    path = tmp_path / "tenant.sqlite3"
    db.init_db(path)
    connection = db.connect(path)
    directory.seed_demo(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("connection", "username", "password", "expected"),
    [
        (directory.DATABASE_CONNECTION, "alice@example.com", "alice-demo-password",
         directory.ALICE_ID),
        (directory.DATABASE_CONNECTION, " Alice@Example.com ", "alice-demo-password",
         directory.ALICE_ID),
        (directory.DATABASE_CONNECTION, "bob@example.com", "bob-demo-password", directory.BOB_ID),
        (directory.DATABASE_CONNECTION, "alice@example.com", "bob-demo-password", None),
        (directory.DATABASE_CONNECTION, "carol@example.org", "alice-demo-password", None),
        ("github", "alice@example.com", "alice-demo-password", None),
    ],
)
def test_authenticate(conn, connection, username, password, expected):
    assert directory.authenticate(conn, connection, username, password) == expected


def test_social_accounts_of_each_connection():
    assert directory.SOCIAL_CONNECTIONS == ("github", "google-oauth2")
    assert [a["login"] for a in directory.social_accounts("github")] == [
        "alice-gh", "octo-carol"]
    assert [a["email"] for a in directory.social_accounts("google-oauth2")] == [
        "alice@example.com", "dave@example.net"]
    assert directory.social_accounts("twitter") == []


def test_social_sign_in_creates_the_user_once(conn):
    user_id = directory.sign_in_social(conn, "google-oauth2", "dave.example")
    assert user_id == "google-oauth2|100000000000000000002"
    assert directory.sign_in_social(conn, "google-oauth2", "dave.example") == user_id
    claims = directory.profile_claims(conn, user_id)
    assert claims["email"] == "dave@example.net"
    assert claims["email_verified"] is False
    assert directory.sign_in_social(conn, "github", "dave.example") is None


def test_profile_claims(conn):
    claims = directory.profile_claims(conn, directory.ALICE_ID)
    assert set(claims) >= {"name", "nickname", "email", "email_verified", "picture",
                           "updated_at"}
    assert claims["email_verified"] is True
    assert claims["updated_at"].endswith("Z")
    assert directory.profile_claims(conn, "auth0|nobody") is None


def test_record_login(conn):
    assert "logins_count" not in directory.get_user(conn, directory.ALICE_ID)
    directory.record_login(conn, directory.ALICE_ID)
    directory.record_login(conn, directory.ALICE_ID)
    user = directory.get_user(conn, directory.ALICE_ID)
    assert user["logins_count"] == 2
    assert user["last_login"].endswith("Z")


def test_reset_demo_restores_the_seed(conn):
    directory.sign_in_social(conn, "github", "octo-carol")
    directory.merge_user_metadata(conn, directory.ALICE_ID, {})
    directory.remove_provider(conn, directory.ALICE_ID, "google-authenticator")
    directory.reset_demo(conn)
    assert not directory.user_exists(conn, "github|1000002")
    alice = directory.get_user(conn, directory.ALICE_ID)
    assert alice["user_metadata"]["theme"] == "dark"
    assert alice["multifactor"] == ["google-authenticator"]
    assert directory.user_exists(conn, directory.BOB_ID)


def test_write_inside_a_callers_transaction_is_left_to_the_caller(conn):
    conn.execute("BEGIN IMMEDIATE")
    directory.record_login(conn, directory.BOB_ID)
    conn.rollback()
    assert "logins_count" not in directory.get_user(conn, directory.BOB_ID)
