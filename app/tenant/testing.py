"""Test hooks of the local tenant: fault injection, token tweaks, minting, key rotation.

Contract: nothing here is reachable unless the tenant was built with `testing=True`; then
`init_app` mounts the JSON hooks under `/__test__/` (the Python wrapper is
`tests.support.tenant.TenantHooks`) and wraps the WSGI app with `FaultInjector`.

- Faults: the next `times` requests whose path starts with `path` (and whose method is
  `method`, if given) are delayed, answered with an Auth0-shaped error, or dropped (the
  socket is closed with no answer). `/__test__/` itself is never faulted.
- Tweaks: the next issued ID / access tokens get claims set or removed and are signed in a
  chosen way (`SIGN_MODES`), so relying-party validation can be tested against them.
- Client URLs: `POST /__test__/clients/<client_id>/urls` replaces some of a client's
  callbacks, logout URLs, web origins and back-channel logout URI (e.g. for a BFF served
  on another port); a reset registers the demo clients for the tenant's `bff_url` again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Flask, abort, current_app, jsonify, request
from werkzeug.wrappers import Response

from app.tenant import clients, directory
from app.tenant.context import TenantContext, current_tenant
from app.tenant.db import get_db
from app.tenant.keys import ALGORITHM, b64url

bp = Blueprint("testing", __name__, url_prefix="/__test__")

SIGN_MODES = ("current", "rogue", "unknown_kid", "none", "hs256_pubkey", "no_kid", "previous")
TOKEN_KINDS = ("id_token", "access_token", "logout_token")
_EXTENSION = "tenant.testing"


class HookInputError(ValueError):
    """A test hook was called with a bad body; the message says which field."""


# -- state ---------------------------------------------------------------------------


@dataclass
class Fault:
    path: str
    method: str | None = None
    status: int | None = None
    times: int = 1
    delay: float = 0
    drop: bool = False
    retry_after: int | None = None
    ratelimit_reset_in: int | None = None
    body: Any = None

    def matches(self, path: str, method: str) -> bool:
        return path.startswith(self.path) and (self.method is None or self.method == method)


@dataclass
class Tweak:
    set: dict[str, Any] = field(default_factory=dict)
    unset: list[str] = field(default_factory=list)
    sign: str = "current"
    remaining: int = 1

    def apply(self, claims: dict[str, Any]) -> dict[str, Any]:
        out = {**claims, **self.set}
        for name in self.unset:
            out.pop(name, None)
        return out


@dataclass
class TestState:
    faults: list[Fault] = field(default_factory=list)
    tweaks: dict[str, Tweak] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _rogue_key: rsa.RSAPrivateKey | None = None

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.tweaks.clear()

    def take_fault(self, path: str, method: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(path, method):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def take_tweak(self, kind: str) -> Tweak | None:
        with self.lock:
            tweak = self.tweaks.get(kind)
            if tweak is None:
                return None
            tweak.remaining -= 1
            if tweak.remaining <= 0:
                del self.tweaks[kind]
            return tweak

    def rogue_key(self) -> rsa.RSAPrivateKey:
        """A key the tenant never publishes (one per run: generating RSA keys is slow)."""
        with self.lock:
            if self._rogue_key is None:
                self._rogue_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._rogue_key


def _state(app: Flask | None = None) -> TestState | None:
    return (app or current_app).extensions.get(_EXTENSION)


def take_tweak(kind: str) -> Tweak | None:
    """The tweak to apply to the token of `kind` being issued now, if any (testing only)."""
    state = _state()
    return None if state is None else state.take_tweak(kind)


# -- signing in chosen (mostly wrong) ways ------------------------------------------


def sign_with(mode: str, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """Sign `claims` the way `mode` (one of SIGN_MODES) says, for relying-party tests."""
    tenant = current_tenant()
    header = dict(header or {})
    if mode == "current":
        return tenant.keys.sign(claims, header)
    active_kid_header = {**header, "kid": tenant.keys.active_kid}
    if mode == "rogue":
        # A valid-looking token claiming the active kid, signed by a key nobody publishes.
        return jwt.encode(claims, _rogue(), ALGORITHM, headers=active_kid_header)
    if mode == "unknown_kid":
        kid = "unknown-" + secrets.token_urlsafe(12)
        return jwt.encode(claims, _rogue(), ALGORITHM, headers={**header, "kid": kid})
    if mode == "none":
        return jwt.encode(claims, None, "none", headers=active_kid_header)
    if mode == "hs256_pubkey":
        # PyJWT refuses to HMAC with a PEM key (the very attack this mimics): sign by hand.
        key = tenant.keys.active_key()
        head = {"alg": "HS256", "typ": "JWT", **header, "kid": key.kid}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (head, claims)
        )
        mac = hmac.new(key.public_pem, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"
    if mode == "no_kid":
        header.pop("kid", None)
        return jwt.encode(claims, tenant.keys.active_key().private_key, ALGORITHM, headers=header)
    if mode == "previous":
        previous = tenant.keys.previous_key()
        if previous is None:
            raise HookInputError("sign=previous needs a rotated key ring: rotate the keys first")
        return jwt.encode(claims, previous.private_key, ALGORITHM,
                          headers={**header, "kid": previous.kid})
    raise HookInputError(f"sign must be one of {', '.join(SIGN_MODES)}")


def _rogue() -> rsa.RSAPrivateKey:
    state = _state()
    assert state is not None, "test hooks are off"
    return state.rogue_key()


# -- fault injection -----------------------------------------------------------------


def _auth0_error(status: int, message: str | None) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase
    if status == 429:
        return {"statusCode": 429, "error": phrase,
                "message": message or "Global limit has been reached",
                "errorCode": "too_many_requests"}
    return {"statusCode": status, "error": phrase, "message": message or phrase,
            "errorCode": phrase.lower().replace(" ", "_").replace("-", "_")}


class FaultInjector:
    """WSGI middleware applying the faults registered through `/__test__/faults`."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wrapped = app.wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        state = _state(self.app)
        fault = None
        if state is not None and not path.startswith("/__test__/"):
            fault = state.take_fault(path, environ.get("REQUEST_METHOD", "GET"))
        if fault is None:
            return self.wrapped(environ, start_response)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            return self._drop(environ)
        if fault.status is None:
            return self.wrapped(environ, start_response)
        return self._error(fault)(environ, start_response)

    @staticmethod
    def _drop(environ):
        sock = environ.get("werkzeug.socket")
        if sock is None:
            raise RuntimeError("dropping a connection needs werkzeug's server")
        # Closing the socket before a byte is written is what a client sees as a dropped
        # connection; werkzeug then treats the ConnectionAbortedError as a client that left.
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        raise ConnectionAbortedError("fault injection: connection dropped")

    @staticmethod
    def _error(fault: Fault) -> Response:
        assert fault.status is not None
        if isinstance(fault.body, dict | list):
            body = fault.body
        else:
            body = _auth0_error(fault.status, fault.body if isinstance(fault.body, str) else None)
        response = Response(json.dumps(body), status=fault.status,
                            content_type="application/json; charset=utf-8")
        if fault.status == 429:
            reset_in = fault.ratelimit_reset_in if fault.ratelimit_reset_in is not None else 1
            response.headers["x-ratelimit-limit"] = "50"
            response.headers["x-ratelimit-remaining"] = "0"
            response.headers["x-ratelimit-reset"] = str(int(time.time()) + reset_in)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response


# -- input parsing -------------------------------------------------------------------


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise HookInputError("send a JSON object")
    return body


def _optional(body: dict, name: str, kinds: type | tuple[type, ...], default: Any = None) -> Any:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise HookInputError(f"{name} has the wrong type")
    if not isinstance(value, kinds):
        raise HookInputError(f"{name} has the wrong type")
    return value


def _parse_fault(body: dict[str, Any]) -> Fault:
    path = body.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise HookInputError("path must be a string starting with /")
    method = _optional(body, "method", str)
    status = _optional(body, "status", int)
    if status is not None and not 400 <= status <= 599:
        raise HookInputError("status must be an HTTP error status (400-599)")
    times = _optional(body, "times", int, 1)
    if times < 1:
        raise HookInputError("times must be at least 1")
    delay = _optional(body, "delay", (int, float), 0)
    if not 0 <= delay <= 60:
        raise HookInputError("delay must be between 0 and 60 seconds")
    return Fault(
        path=path,
        method=method.upper() if method else None,
        status=status,
        times=times,
        delay=delay,
        drop=bool(_optional(body, "drop", bool, False)),
        retry_after=_optional(body, "retry_after", int),
        ratelimit_reset_in=_optional(body, "ratelimit_reset_in", int),
        body=body.get("body"),
    )


def _parse_tweak(spec: Any, times: int, kind: str) -> Tweak:
    if not isinstance(spec, dict):
        raise HookInputError(f"{kind} must be an object")
    set_claims = _optional(spec, "set", dict, {})
    unset = _optional(spec, "unset", list, [])
    if not all(isinstance(name, str) for name in unset):
        raise HookInputError(f"{kind}.unset must list claim names")
    sign = _optional(spec, "sign", str, "current")
    if sign not in SIGN_MODES:
        raise HookInputError(f"{kind}.sign must be one of {', '.join(SIGN_MODES)}")
    return Tweak(set=set_claims, unset=unset, sign=sign, remaining=times)


# -- hooks ---------------------------------------------------------------------------


@bp.errorhandler(HookInputError)
def _bad_input(error: HookInputError):
    return jsonify(error="bad_request", message=str(error)), 400


@bp.post("/reset")
def reset():
    from app.tenant import reset_tenant

    reset_tenant(current_app)
    return jsonify(status="reset")


@bp.post("/faults")
def add_fault():
    fault = _parse_fault(_json_body())
    state = _state()
    assert state is not None
    with state.lock:
        state.faults.append(fault)
    return jsonify(status="added"), 201


@bp.delete("/faults")
def clear_faults():
    state = _state()
    assert state is not None
    with state.lock:
        state.faults.clear()
    return jsonify(status="cleared")


@bp.post("/tweak-tokens")
def tweak_tokens():
    body = _json_body()
    times = _optional(body, "times", int, 1)
    if times < 1:
        raise HookInputError("times must be at least 1")
    tweaks = {kind: _parse_tweak(body[kind], times, kind) for kind in TOKEN_KINDS if kind in body}
    if not tweaks:
        raise HookInputError("give id_token, access_token and/or logout_token")
    state = _state()
    assert state is not None
    with state.lock:
        state.tweaks.update(tweaks)
    return jsonify(status="armed", kinds=sorted(tweaks))


@bp.delete("/tweak-tokens")
def clear_tweaks():
    state = _state()
    assert state is not None
    with state.lock:
        state.tweaks.clear()
    return jsonify(status="cleared")


@bp.post("/mint")
def mint():
    body = _json_body()
    claims = _optional(body, "claims", dict)
    if claims is None:
        raise HookInputError("claims must be an object")
    header = _optional(body, "header", dict, {})
    sign = _optional(body, "sign", str, "current")
    return jsonify(token=sign_with(sign, claims, header))


@bp.post("/rotate-keys")
def rotate_keys():
    return jsonify(kid=current_tenant().keys.rotate())


@bp.post("/settings")
def settings():
    tenant = current_tenant()
    try:
        tenant.settings.update(_json_body())
    except ValueError as error:
        raise HookInputError(str(error)) from error
    return jsonify(vars(tenant.settings))


@bp.get("/backchannel-deliveries")
def backchannel_deliveries():
    tenant = current_tenant()
    with tenant.lock:
        return jsonify([delivery.to_json() for delivery in tenant.deliveries])


@bp.post("/clients/<client_id>/urls")
def client_urls(client_id: str):
    urls = _parse_client_urls(_json_body())
    client = clients.set_client_urls(get_db(), client_id, urls)
    if client is None:
        abort(404)
    return jsonify({name: getattr(client, name) for name in clients.URL_FIELDS})


def _parse_client_urls(body: dict[str, Any]) -> dict[str, Any]:
    unknown = set(body) - set(clients.URL_FIELDS)
    if unknown or not body:
        raise HookInputError(f"give some of {', '.join(clients.URL_FIELDS)}")
    for name, value in body.items():
        if name == "backchannel_logout_uri":
            if value is None:
                continue  # no back-channel logout for this client
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(url, str) and url.startswith(("http://", "https://")) for url in value
        ):
            raise HookInputError(f"{name} must hold absolute http(s) URLs")
    return body


@bp.get("/users/<path:user_id>")
def stored_user(user_id: str):
    user = directory.get_user(get_db(), user_id)
    if user is None:
        abort(404)
    return jsonify(user)


def init_app(app: Flask, tenant: TenantContext) -> None:
    """Turn the hooks on: only ever called for a tenant built with testing=True."""
    assert tenant.testing
    state = app.extensions[_EXTENSION] = TestState()
    tenant.on_reset(lambda _conn: state.clear())
    # Undo `client_urls`: the demo clients point at the BFF's URL again.
    tenant.on_reset(lambda conn: clients.seed_clients(conn, tenant.bff_url))
    app.register_blueprint(bp)
    app.wsgi_app = FaultInjector(app)  # type: ignore[method-assign]
