"""Settings read from the environment (or a `.env` file) and validated once at start-up.

Contract: `load_settings(env)` returns a frozen `Settings` or raises `ConfigError`
whose message names the variable and says how to fix it. Nothing else in the app
reads `os.environ`.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dotenv import dotenv_values

if TYPE_CHECKING:
    from flask import Flask

#: Every scope a current_user token can carry; the default request asks for all.
CURRENT_USER_SCOPES = (
    "read:current_user",
    "update:current_user_metadata",
    "create:current_user_metadata",
    "delete:current_user_metadata",
    "update:current_user_identities",
    "create:current_user_device_credentials",
    "delete:current_user_device_credentials",
)
#: The My Account API's scopes (audience `https://{domain}/me/`); the default request.
MY_ACCOUNT_SCOPES = (
    "read:me:authentication_methods",
    "create:me:authentication_methods",
    "update:me:authentication_methods",
    "delete:me:authentication_methods",
    "read:me:factors",
)
MY_ACCOUNT_MODES = ("auto", "off")
FLOWS = ("code", "implicit")
SESSION_TYPES = ("sqlite", "redis")
MIN_SECRET_KEY_LENGTH = 32
#: The local tenant's connections; a real tenant names its own in LINK_CONNECTIONS.
DEFAULT_LINK_CONNECTIONS = ("Username-Password-Authentication", "github", "google-oauth2")
_CONNECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
#: One DNS label (letters, digits, inner hyphens), as a WebAuthn rp.id is made of.
_HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one BFF instance."""

    tenant_url: str  # "https://example.auth0.com" or "http://127.0.0.1:3001", no trailing slash
    client_id: str
    client_secret: str | None  # None: a public client, PKCE only
    secret_key: str
    flow: str = "code"
    scopes: tuple[str, ...] = CURRENT_USER_SCOPES
    public_url: str = "http://localhost:8000"
    session_type: str = "sqlite"
    data_dir: str = "var"  # the SQLite store's folder (SESSION_TYPE=sqlite)
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_cluster_nodes: tuple[tuple[str, int], ...] = ()  # startup nodes of a Redis Cluster
    embed_allowed_origins: tuple[str, ...] = ()
    idle_timeout: int = 30 * 60  # seconds without a request before the session ends
    absolute_timeout: int = 12 * 60 * 60  # seconds after sign-in before the session ends
    http_timeout: float = 10.0  # seconds, every outbound call to the tenant
    metadata_schema_path: str | None = None  # JSON Schema of the editable user_metadata keys
    transaction_ttl: int = 5 * 60  # seconds a sign-in or link transaction may take
    link_connections: tuple[str, ...] = DEFAULT_LINK_CONNECTIONS  # connections /link/ accepts
    step_up_max_age: int = 300  # seconds a sign-in counts as recent for a sensitive change
    activity_retention_days: int = 90  # days an activity log entry is kept
    # AUTH0_MYACCOUNT: "auto" gets a My Account API token when the tenant grants one; "off".
    my_account: str = "auto"
    my_account_scopes: tuple[str, ...] = MY_ACCOUNT_SCOPES
    # ALLOW_INSECURE_HTTP=1: a plain-http PUBLIC_URL on a non-loopback host (a lab only).
    allow_insecure_http: bool = False
    # AUTH0_PASSKEY_RP_ID: the tenant's passkey relying party identifier (a host name);
    # None: the AUTH0_DOMAIN host, which is what Auth0 uses without a custom domain's own.
    passkey_rp_id: str | None = None

    @property
    def issuer(self) -> str:
        """The tenant's issuer: its base URL with a trailing slash, as Auth0 writes it."""
        return self.tenant_url + "/"

    @property
    def audience(self) -> str:
        """The Management API audience, `https://{domain}/api/v2/`."""
        return self.issuer + "api/v2/"

    @property
    def my_account_audience(self) -> str:
        """The My Account API audience, `https://{domain}/me/`."""
        return self.issuer + "me/"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"


def is_loopback_host(host: str | None) -> bool:
    """True for `localhost`, 127.0.0.0/8 and ::1: names no other machine can answer for."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _flag(values: Mapping[str, str], name: str) -> bool:
    raw = (values.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}={raw!r} is not a yes/no value: write 1 or 0.")


def _public_url(values: Mapping[str, str], allow_insecure_http: bool) -> str:
    public_url = values.get("PUBLIC_URL", Settings.public_url).strip().rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PUBLIC_URL={public_url!r} is not an absolute http(s) URL of this app.")
    # Over plain http the cookies cannot be Secure nor `__Host-` prefixed, so a page on
    # another port or subdomain of that host could plant a session cookie (login CSRF),
    # and anyone on the network reads them. Only loopback is safe from both.
    if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not allow_insecure_http:
        raise ConfigError(
            f"PUBLIC_URL={public_url!r} uses plain http on a host other than localhost: serve"
            " the app over https (https://...). For a lab without TLS only, set"
            " ALLOW_INSECURE_HTTP=1 (cookies are then neither Secure nor __Host- prefixed)."
        )
    return public_url


def _tenant_url(raw: str) -> str:
    raw = raw.strip().rstrip("/")
    if not raw:
        raise ConfigError(
            "AUTH0_DOMAIN is missing: set it to your tenant's domain (e.g. example.eu.auth0.com)"
            " or, for the local tenant, its URL (e.g. http://127.0.0.1:3001)."
        )
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.path or parts.query:
        raise ConfigError(
            f"AUTH0_DOMAIN={raw!r} is not a host name or a base URL: write e.g."
            " example.eu.auth0.com or http://127.0.0.1:3001 (no path)."
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"AUTH0_DOMAIN={raw!r} uses plain http: only a local tenant on a loopback address may;"
            " use the https host name of your tenant."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _origin(name: str, raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(f"{name} holds {raw!r}, which is not an origin like https://www.example.com.")
    return f"{parts.scheme}://{parts.netloc}"


def _positive_int(values: Mapping[str, str], name: str, default: int,
                  unit: str = "seconds") -> int:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number of {unit}.") from None
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} must be greater than zero.")
    return value


def _data_dir(values: Mapping[str, str]) -> str:
    if values.get("SESSION_DIR", "").strip():
        raise ConfigError(
            "SESSION_DIR is no longer read: the store is one SQLite file in DATA_DIR (default"
            " var/); rename the variable to DATA_DIR."
        )
    raw = values.get("DATA_DIR", "").strip() or Settings.data_dir
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"DATA_DIR={raw!r} is a file: name a folder (it is created if missing)"
                          " for the store's database.")
    if any(ord(c) < 0x20 for c in raw):
        raise ConfigError(f"DATA_DIR={raw!r} holds control characters: name a folder.")
    return raw


def _cluster_nodes(raw: str) -> tuple[tuple[str, int], ...]:
    nodes = []
    for item in raw.replace(",", " ").split():
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"REDIS_CLUSTER_NODES holds {item!r}: list the cluster's nodes as host:port,"
                " separated by spaces or commas (e.g. 10.0.0.5:6379,10.0.0.6:6379)."
            )
        nodes.append((host.strip("[]"), int(port)))
    return tuple(nodes)


def _my_account(values: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    mode = (values.get("AUTH0_MYACCOUNT") or "auto").strip().lower() or "auto"
    if mode not in MY_ACCOUNT_MODES:
        raise ConfigError(f"AUTH0_MYACCOUNT={mode!r} is unknown: use auto (a My Account API"
                          " token when the tenant grants one) or off.")
    return mode, _scope_list(values, "AUTH0_MYACCOUNT_SCOPES", MY_ACCOUNT_SCOPES,
                             "a My Account API scope")


def _scope_list(values: Mapping[str, str], name: str, known: tuple[str, ...],
                kind: str) -> tuple[str, ...]:
    """The space- or comma-separated scopes in `name` (default: all of `known`)."""
    raw = (values.get(name) or "").replace(",", " ").split()
    scopes = tuple(dict.fromkeys(raw)) or known
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise ConfigError(f"{name} holds {', '.join(unknown)}, which is not {kind};"
                          f" choose from: {' '.join(known)}.")
    return scopes


def _passkey_rp_id(values: Mapping[str, str]) -> str | None:
    """AUTH0_PASSKEY_RP_ID: a bare host name (WebAuthn's rp.id has no scheme, port or path,
    and cannot be an IP address), lower-cased; None when unset."""
    raw = (values.get("AUTH0_PASSKEY_RP_ID") or "").strip()
    if not raw:
        return None
    name = raw.lower()
    fix = ("write the relying party identifier configured for passkeys in the tenant, a host"
           " name such as example.com (no scheme, port or path), or unset it to use the"
           " AUTH0_DOMAIN host.")
    if "://" in name or any(c in name for c in "/:?#@[] "):
        raise ConfigError(f"AUTH0_PASSKEY_RP_ID={raw!r} is not a host name: {fix}")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise ConfigError(f"AUTH0_PASSKEY_RP_ID={raw!r} is an IP address, which WebAuthn does"
                          f" not accept as an rp.id: {fix}")
    labels = name.split(".")
    if len(name) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ConfigError(f"AUTH0_PASSKEY_RP_ID={raw!r} is not a host name: {fix}")
    if len(labels) == 1 and name != "localhost":
        raise ConfigError(f"AUTH0_PASSKEY_RP_ID={raw!r} is a single label: an rp.id is a"
                          f" registrable domain (or localhost); {fix}")
    return name


def read_environment(env: Mapping[str, str] | None = None, dotenv_path: str = ".env") -> dict:
    """The effective variables: `.env` first, the process environment over it, `env` over both."""
    merged: dict[str, str] = {}
    if Path(dotenv_path).is_file():
        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update(os.environ)
    if env:
        merged.update(env)
    return merged


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build and validate `Settings` from `env` over the process environment and `.env`."""
    values = read_environment(env)
    get = values.get

    tenant_url = _tenant_url(get("AUTH0_DOMAIN", ""))
    client_id = get("AUTH0_CLIENT_ID", "").strip()
    if not client_id:
        raise ConfigError(
            "AUTH0_CLIENT_ID is missing: copy the Client ID of your application from the Auth0"
            " dashboard (Applications > your app > Settings)."
        )
    secret_key = get("APP_SECRET_KEY", "")
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"APP_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} random characters; make one"
            ' with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    flow = get("AUTH0_FLOW", "code").strip() or "code"
    if flow not in FLOWS:
        raise ConfigError(f"AUTH0_FLOW={flow!r} is unknown: use one of {', '.join(FLOWS)}.")
    client_secret = get("AUTH0_CLIENT_SECRET", "").strip() or None

    scopes = _scope_list(values, "AUTH0_SCOPES", CURRENT_USER_SCOPES, "a current_user scope")

    my_account, my_account_scopes = _my_account(values)
    allow_insecure_http = _flag(values, "ALLOW_INSECURE_HTTP")
    public_url = _public_url(values, allow_insecure_http)

    session_type = get("SESSION_TYPE", "sqlite").strip() or "sqlite"
    if session_type == "filesystem":
        raise ConfigError(
            "SESSION_TYPE=filesystem is no longer supported: use SESSION_TYPE=sqlite (the"
            " default: one database file in DATA_DIR, shared by the workers of one host) or"
            " redis (several servers, with REDIS_URL)."
        )
    if session_type not in SESSION_TYPES:
        raise ConfigError(
            f"SESSION_TYPE={session_type!r} is unknown: use sqlite (one server, the default)"
            " or redis (several servers, with REDIS_URL)."
        )
    data_dir = _data_dir(values)
    redis_url = get("REDIS_URL", Settings.redis_url).strip()
    if session_type == "redis" and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL={redis_url!r} is not a redis:// or rediss:// URL.")
    cluster_nodes = _cluster_nodes(get("REDIS_CLUSTER_NODES", ""))
    if cluster_nodes and session_type != "redis":
        raise ConfigError("REDIS_CLUSTER_NODES is set but SESSION_TYPE is not redis: set"
                          " SESSION_TYPE=redis to use the cluster, or unset REDIS_CLUSTER_NODES.")

    origins_raw = get("EMBED_ALLOWED_ORIGINS", "").replace(",", " ").split()
    origins = tuple(_origin("EMBED_ALLOWED_ORIGINS", o) for o in origins_raw)

    schema_path = get("METADATA_SCHEMA", "").strip() or None
    if schema_path and not Path(schema_path).is_file():
        raise ConfigError(f"METADATA_SCHEMA={schema_path!r} is not a readable file.")

    connections = tuple(dict.fromkeys(get("LINK_CONNECTIONS", "").replace(",", " ").split()))
    bad = [c for c in connections if not _CONNECTION_NAME.match(c)]
    if bad:
        raise ConfigError(
            f"LINK_CONNECTIONS holds {', '.join(map(repr, bad))}: write connection names as the"
            " tenant shows them (letters, digits, '-' and '_'), separated by spaces or commas."
        )

    return Settings(
        tenant_url=tenant_url,
        client_id=client_id,
        client_secret=client_secret,
        secret_key=secret_key,
        flow=flow,
        scopes=scopes,
        public_url=public_url,
        session_type=session_type,
        data_dir=data_dir,
        redis_url=redis_url,
        redis_cluster_nodes=cluster_nodes,
        embed_allowed_origins=origins,
        # The defaults are the field defaults of `Settings`, written once there.
        idle_timeout=_positive_int(values, "SESSION_IDLE_TIMEOUT", Settings.idle_timeout),
        absolute_timeout=_positive_int(
            values, "SESSION_ABSOLUTE_TIMEOUT", Settings.absolute_timeout
        ),
        http_timeout=float(_positive_int(values, "HTTP_TIMEOUT", int(Settings.http_timeout))),
        metadata_schema_path=schema_path,
        transaction_ttl=_positive_int(values, "AUTH_TRANSACTION_TTL", Settings.transaction_ttl),
        link_connections=connections or DEFAULT_LINK_CONNECTIONS,
        allow_insecure_http=allow_insecure_http,
        step_up_max_age=_positive_int(values, "STEP_UP_MAX_AGE", Settings.step_up_max_age),
        activity_retention_days=_positive_int(values, "ACTIVITY_RETENTION_DAYS",
                                              Settings.activity_retention_days, unit="days"),
        my_account=my_account,
        my_account_scopes=my_account_scopes,
        passkey_rp_id=_passkey_rp_id(values),
    )


def get_settings(app: Flask | None = None) -> Settings:
    """The `Settings` that `create_app` put on `app` (default: the current app)."""
    from flask import current_app

    return (app or current_app).extensions["selfserve.settings"]
