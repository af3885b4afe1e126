"""The social connections' stand-in accounts, and signing in with them.

Contract: each social connection (`github`, `google-oauth2`) has a fixed list of
stand-in accounts; `sign_in_social` finds or creates the user for one, and once
that account was linked to another user it signs in as that primary user.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.tenant.directory import identities, users
from app.tenant.directory.identities import Identity

SOCIAL_CONNECTIONS = ("github", "google-oauth2")


@dataclass(frozen=True)
class StandInAccount:
    """An account of the local stand-in for a social provider."""

    connection: str
    login: str  # what the stand-in page posts as `account`
    provider_user_id: str  # the provider's own id: the part after `|` in the user_id
    name: str
    email: str
    email_verified: bool
    given_name: str | None = None
    family_name: str | None = None

    @property
    def user_id(self) -> str:
        return f"{self.connection}|{self.provider_user_id}"

    def profile(self) -> dict[str, Any]:
        """The profile Auth0 builds from the provider's answer."""
        if self.connection == "github":
            nickname = self.login
            picture = f"https://avatars.githubusercontent.com/u/{self.provider_user_id}?v=4"
        else:
            nickname = self.email.split("@")[0]
            picture = users.default_picture(self.email, self.name)
        profile = {
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "nickname": nickname,
            "picture": picture,
            "given_name": self.given_name,
            "family_name": self.family_name,
        }
        return {key: value for key, value in profile.items() if value is not None}


STAND_IN_ACCOUNTS = (
    StandInAccount("github", "alice-gh", "1000001", "Alice Example", "alice@example.com", True),
    StandInAccount("github", "octo-carol", "1000002", "Carol Octo", "carol@example.org", True),
    StandInAccount("google-oauth2", "alice.example", "100000000000000000001", "Alice Example",
                   "alice@example.com", True, given_name="Alice", family_name="Example"),
    StandInAccount("google-oauth2", "dave.example", "100000000000000000002", "Dave Example",
                   "dave@example.net", False, given_name="Dave", family_name="Example"),
)


#: Preferences a stand-in account has from its first sign-in on: alice-gh's show what
#: linking does to the other account's own preferences (lost, unless copied first).
STAND_IN_METADATA = {"alice-gh": {"editor": "vim", "theme": "light"}}


def stand_in_account(connection: str, login: str) -> StandInAccount | None:
    for account in STAND_IN_ACCOUNTS:
        if account.connection == connection and account.login == login:
            return account
    return None


def social_accounts(connection: str) -> list[dict[str, str]]:
    """The stand-in accounts of `connection` (login, name, email); [] for an unknown one."""
    return [
        {"login": account.login, "name": account.name, "email": account.email}
        for account in STAND_IN_ACCOUNTS
        if account.connection == connection
    ]


def sign_in_social(conn: sqlite3.Connection, connection: str, login: str) -> str | None:
    """The user_id signed in by the stand-in account, created on its first sign-in.

    None when `connection` has no such account.
    """
    account = stand_in_account(connection, login)
    if account is None:
        return None
    existing = identities.find_identity(conn, connection, account.provider_user_id)
    if existing is not None:
        return existing.owner_id
    profile = account.profile()
    identity = Identity(
        provider=connection,
        provider_user_id=account.provider_user_id,
        connection=connection,
        is_social=True,
        owner_id=account.user_id,
        profile_data=profile,
    )
    return users.create_user(conn, identity, profile, login=account.login,
                             user_metadata=STAND_IN_METADATA.get(account.login))
