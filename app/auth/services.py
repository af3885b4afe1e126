"""The auth package's long-lived objects for one app: settings, store, tenant client, validator.

Contract: `init_app` builds one `AuthServices` per app (`app.extensions["selfserve.auth"]`);
code under a request reaches it with `services()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from ..config import Settings
from .jwks import JwksCache
from .oauth_client import TenantClient
from .store import Store
from .tokens import TokenValidator

EXTENSION = "selfserve.auth"


@dataclass
class AuthServices:
    settings: Settings
    store: Store
    client: TenantClient
    validator: TokenValidator


def build(app: Flask, settings: Settings, store: Store) -> AuthServices:
    jwks = JwksCache(settings.issuer + ".well-known/jwks.json", timeout=settings.http_timeout)
    validator = TokenValidator(
        issuer=settings.issuer,
        client_id=settings.client_id,
        api_audience=settings.audience,
        jwks=jwks,
    )
    auth = AuthServices(settings, store, TenantClient(app, settings), validator)
    app.extensions[EXTENSION] = auth
    return auth


def services() -> AuthServices:
    return current_app.extensions[EXTENSION]


def shared_store(app: Flask) -> Store:
    """The store `init_app` opened for `app` (sessions, grants, caches, registries)."""
    return app.extensions[EXTENSION].store
