"""The tenant's registered applications (OAuth clients) and the demo seed.

Contract: `seed_clients(conn, bff_url)` (re)registers the demo clients at every start, so
their URLs follow the BFF's URL, while a confidential client's secret is generated once
per data folder and kept. `get_client(conn, client_id)` returns a `Client` (authlib's
`ClientMixin`) or None. `set_client_urls(conn, client_id, urls)` replaces some of a
client's URLs (a test hook uses it to serve the BFF on another port).

Demo clients (DESIGN.md "Demo data"):
- `selfserve-demo-bff`: confidential (secret by post or basic), code and implicit flows,
  refresh tokens when `offline_access` is asked for.
- `selfserve-demo-bff-public`: the same URLs as a public client (no secret, PKCE
  required); the BFF's tests use it to run as a public client.
- `selfserve-demo-spa`: public (PKCE or implicit), callback and web origin the BFF root.
All three are first-party and have a client grant for the My Account API (every `me:`
scope); the two BFF clients also have it in their refresh token policy, so a refresh
token from a sign-in for the Management API gets My Account tokens too (MRRT).
`client_grants` maps an API's name (`app.tenant.apis`) to the scopes the client may ask
for; `refresh_token_policies` lists `(api name, scopes)`. `set_api_access` replaces both
(a test hook uses it).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import ClientMixin

from app.tenant.db import register_schema
from app.tenant.oauth.scopes import MY_ACCOUNT_SCOPES, allowed_scope

register_schema(
    """
    CREATE TABLE IF NOT EXISTS tenant_clients (
        client_id TEXT PRIMARY KEY,
        client_secret TEXT,
        name TEXT NOT NULL,
        config TEXT NOT NULL
    );
    """
)

DEMO_BFF_CLIENT_ID = "selfserve-demo-bff"
DEMO_BFF_PUBLIC_CLIENT_ID = "selfserve-demo-bff-public"
DEMO_SPA_CLIENT_ID = "selfserve-demo-spa"

_CONFIDENTIAL_AUTH_METHODS = frozenset({"client_secret_post", "client_secret_basic"})


@dataclass(frozen=True)
class Client(ClientMixin):
    """A registered application, as authlib's grants expect it."""

    client_id: str
    name: str
    client_secret: str | None
    callbacks: tuple[str, ...]
    allowed_logout_urls: tuple[str, ...]
    web_origins: tuple[str, ...] = ()
    backchannel_logout_uri: str | None = None
    grant_types: frozenset[str] = field(default_factory=frozenset)
    client_grants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    refresh_token_policies: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def granted_scopes(self, api_name: str) -> tuple[str, ...] | None:
        """The scopes the client's grant for the API allows, None without a grant."""
        return dict(self.client_grants).get(api_name)

    def refresh_policy_scopes(self, api_name: str) -> tuple[str, ...] | None:
        """The scopes its refresh token policy allows for the API, None if not in it."""
        return dict(self.refresh_token_policies).get(api_name)

    @property
    def is_public(self) -> bool:
        return self.client_secret is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # Auth0 needs redirect_uri on every request; there is no default to fall back to.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        return allowed_scope(scope)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.callbacks

    def check_client_secret(self, client_secret: str) -> bool:
        if self.client_secret is None:
            return False
        return secrets.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == "none"
        return method in _CONFIDENTIAL_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        """A code needs the authorization_code grant; tokens at /authorize need the
        implicit grant (hybrid response types need both)."""
        parts = set(response_type.split())
        if "code" in parts and "authorization_code" not in self.grant_types:
            return False
        return parts <= {"code"} or "implicit" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types

    def allows_logout_url(self, url: str) -> bool:
        """True when `url` matches one of the Allowed Logout URLs (`logout_url_matches`)."""
        return any(logout_url_matches(allowed, url) for allowed in self.allowed_logout_urls)

    @property
    def default_logout_url(self) -> str | None:
        """Where /v2/logout goes without returnTo: the first Allowed Logout URL."""
        return self.allowed_logout_urls[0] if self.allowed_logout_urls else None

    @property
    def origins(self) -> set[str]:
        """The origins of this client's callbacks, logout URLs and web origins."""
        out = set()
        for url in (*self.callbacks, *self.allowed_logout_urls, *self.web_origins):
            parts = urlsplit(url)
            out.add(f"{parts.scheme}://{parts.netloc}")
        return out


def logout_url_matches(allowed: str, url: str) -> bool:
    """Auth0's logout URL comparison: scheme and host case-insensitively (a leading `*.`
    in the allowed host stands for one or more subdomain labels), then port, path and
    query exactly; an empty path is `/`."""
    want, got = urlsplit(allowed), urlsplit(url)
    if want.scheme.lower() != got.scheme.lower() or got.fragment:
        return False
    want_host, got_host = (want.hostname or "").lower(), (got.hostname or "").lower()
    if want_host.startswith("*."):
        suffix = want_host[1:]  # ".example.com"
        host_ok = got_host.endswith(suffix) and len(got_host) > len(suffix)
    else:
        host_ok = want_host == got_host
    try:
        same_port = want.port == got.port
    except ValueError:  # a port that is no number
        return False
    return (host_ok and same_port and (want.path or "/") == (got.path or "/")
            and want.query == got.query)


def _demo_clients(bff_url: str) -> list[dict]:
    root = bff_url.rstrip("/")
    bff_urls = {
        "callbacks": [f"{root}/callback", f"{root}/link/callback"],
        "allowed_logout_urls": [f"{root}/"],
        "web_origins": [root],
        "backchannel_logout_uri": f"{root}/backchannel-logout",
    }
    my_account = {"my_account": list(MY_ACCOUNT_SCOPES)}
    bff_api_access = {"client_grants": my_account, "refresh_token_policies": my_account}
    return [
        {
            "client_id": DEMO_BFF_CLIENT_ID,
            "name": "selfserve demo (BFF, confidential)",
            "confidential": True,
            **bff_urls,
            **bff_api_access,
            "grant_types": ["authorization_code", "implicit", "refresh_token"],
        },
        {
            "client_id": DEMO_BFF_PUBLIC_CLIENT_ID,
            "name": "selfserve demo (BFF as a public client, PKCE)",
            "confidential": False,
            **bff_urls,
            **bff_api_access,
            "grant_types": ["authorization_code", "implicit", "refresh_token"],
        },
        {
            "client_id": DEMO_SPA_CLIENT_ID,
            "name": "selfserve demo (single-page app)",
            "confidential": False,
            "callbacks": [f"{root}/"],
            "allowed_logout_urls": [f"{root}/"],
            "web_origins": [root],
            "backchannel_logout_uri": None,
            "client_grants": my_account,
            "grant_types": ["authorization_code", "implicit", "refresh_token"],
        },
    ]


def seed_clients(conn: sqlite3.Connection, bff_url: str) -> None:
    """Register the demo clients for `bff_url`, keeping secrets already generated."""
    for spec in _demo_clients(bff_url):
        spec = dict(spec)
        client_id = spec.pop("client_id")
        name = spec.pop("name")
        confidential = spec.pop("confidential")
        secret = client_secret(conn, client_id)
        if confidential and not secret:
            secret = secrets.token_urlsafe(48)
        conn.execute(
            "INSERT INTO tenant_clients (client_id, client_secret, name, config)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET"
            " client_secret = excluded.client_secret, name = excluded.name,"
            " config = excluded.config",
            (client_id, secret if confidential else None, name, json.dumps(spec)),
        )
    conn.commit()


#: The URL fields of a client's registration that `set_client_urls` may replace.
URL_FIELDS = ("callbacks", "allowed_logout_urls", "web_origins", "backchannel_logout_uri")


def set_client_urls(conn: sqlite3.Connection, client_id: str, urls: dict) -> Client | None:
    """Replace the given `URL_FIELDS` of `client_id`'s registration (lists of URLs, and
    one URL or None for `backchannel_logout_uri`); None when there is no such client.
    The caller validates the values; `seed_clients` restores the demo registration."""
    row = conn.execute(
        "SELECT config FROM tenant_clients WHERE client_id = ?", (client_id,)
    ).fetchone()
    if row is None:
        return None
    config = {**json.loads(row["config"]), **urls}
    conn.execute("UPDATE tenant_clients SET config = ? WHERE client_id = ?",
                 (json.dumps(config), client_id))
    conn.commit()
    return get_client(conn, client_id)


def set_api_access(
    conn: sqlite3.Connection, client_id: str, client_grants: dict, refresh_token_policies: dict
) -> Client | None:
    """Replace a client's client grants and refresh token policy ({api name: [scopes]});
    None when there is no such client. `seed_clients` restores the demo registration."""
    row = conn.execute(
        "SELECT config FROM tenant_clients WHERE client_id = ?", (client_id,)
    ).fetchone()
    if row is None:
        return None
    config = {**json.loads(row["config"]), "client_grants": client_grants,
              "refresh_token_policies": refresh_token_policies}
    conn.execute("UPDATE tenant_clients SET config = ? WHERE client_id = ?",
                 (json.dumps(config), client_id))
    conn.commit()
    return get_client(conn, client_id)


def _api_access(config: dict, name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((api, tuple(scopes)) for api, scopes in config.get(name, {}).items())


def _from_row(row: sqlite3.Row) -> Client:
    config = json.loads(row["config"])
    return Client(
        client_id=row["client_id"],
        name=row["name"],
        client_secret=row["client_secret"],
        callbacks=tuple(config["callbacks"]),
        allowed_logout_urls=tuple(config["allowed_logout_urls"]),
        web_origins=tuple(config.get("web_origins", ())),
        backchannel_logout_uri=config.get("backchannel_logout_uri"),
        grant_types=frozenset(config["grant_types"]),
        client_grants=_api_access(config, "client_grants"),
        refresh_token_policies=_api_access(config, "refresh_token_policies"),
    )


def get_client(conn: sqlite3.Connection, client_id: str | None) -> Client | None:
    if not client_id:
        return None
    row = conn.execute("SELECT * FROM tenant_clients WHERE client_id = ?", (client_id,)).fetchone()
    return None if row is None else _from_row(row)


def all_clients(conn: sqlite3.Connection) -> list[Client]:
    rows = conn.execute("SELECT * FROM tenant_clients ORDER BY client_id").fetchall()
    return [_from_row(row) for row in rows]


def client_secret(conn: sqlite3.Connection, client_id: str) -> str | None:
    row = conn.execute(
        "SELECT client_secret FROM tenant_clients WHERE client_id = ?", (client_id,)
    ).fetchone()
    return None if row is None else row["client_secret"]
