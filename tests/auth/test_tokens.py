"""The token validator against keys made here, served as a JWKS on a real loopback port."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.auth import jwks as jwks_module
from app.auth.jwks import JwksCache
from app.auth.tokens import BACKCHANNEL_EVENT, LEEWAY, InvalidToken, TokenValidator, at_hash
from tests.support.servers import LiveServer

ISSUER = "http://127.0.0.1:9/"
CLIENT = "client-1"
API = ISSUER + "api/v2/"


@functools.cache
def _private_key(name: str) -> rsa.RSAPrivateKey:
    # Made once per name for the whole run: RSA key generation is slow.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeyServer:
    """A JWKS endpoint whose keys the test changes; counts fetches; can fail."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        self.down = False
        self.server = LiveServer().serve(self)

    def add_key(self, kid: str) -> rsa.RSAPrivateKey:
        self.keys[kid] = _private_key(kid)
        return self.keys[kid]

    def __call__(self, environ, start_response):
        self.fetches += 1
        if self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"keys": keys}).encode()]


@pytest.fixture(scope="module")
def key_server():
    server = KeyServer()
    yield server
    server.server.stop()


@pytest.fixture
def keys(key_server):
    key_server.keys.clear()
    key_server.fetches = 0
    key_server.down = False
    key_server.add_key("k1")
    return key_server


def new_validator(keys) -> TokenValidator:
    cache = JwksCache(keys.server.url + "/.well-known/jwks.json", timeout=2)
    return TokenValidator(issuer=ISSUER, client_id=CLIENT, api_audience=API, jwks=cache)


@pytest.fixture
def validator(keys) -> TokenValidator:
    return new_validator(keys)


def id_claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER, "sub": "auth0|alice", "aud": CLIENT, "iat": now, "exp": now + 600,
        "nonce": "n-1", "auth_time": now, "sid": "s-1",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def sign(keys, claims, kid="k1", headers=None):
    headers = {"kid": kid, **(headers or {})}
    return jwt.encode(claims, keys.keys[kid], algorithm="RS256", headers=headers)


def test_a_good_id_token_is_accepted(keys, validator):
    claims = validator.id_token(sign(keys, id_claims()), nonce="n-1", max_age=300)
    assert claims["sub"] == "auth0|alice"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "http://evil/"}, "issuer"),
        ({"sub": None}, "sub"),
        ({"aud": None}, "aud"),
        ({"aud": "someone-else"}, "audience"),
        ({"iat": None}, "iat"),
        ({"exp": int(time.time()) - LEEWAY - 5}, "expired"),
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"aud": [CLIENT, "other"]}, "azp"),
        ({"aud": [CLIENT, "other"], "azp": "other"}, "azp"),
        ({"auth_time": int(time.time()) - 400 - LEEWAY}, "max_age"),
        ({"auth_time": None}, "auth_time"),
    ],
)
def test_broken_id_tokens_are_refused(keys, validator, changes, reason):
    with pytest.raises(InvalidToken, match=f"(?i){reason}"):
        validator.id_token(sign(keys, id_claims(**changes)), nonce="n-1", max_age=300)


def test_a_bad_signature_is_refused(keys, validator):
    token = sign(keys, id_claims())
    head, body, sig = token.split(".")
    forged = ".".join([head, body, sig[:-4] + ("AAAA" if not sig.endswith("AAAA") else "BBBB")])
    with pytest.raises(InvalidToken, match="Signature"):
        validator.id_token(forged, nonce="n-1")


def test_alg_none_is_refused(keys, validator):
    token = jwt.encode(id_claims(), None, algorithm="none")
    with pytest.raises(InvalidToken, match="algorithm 'none'"):
        validator.id_token(token, nonce="n-1")


def test_hs256_signed_with_the_public_key_is_refused(keys, validator):
    public_pem = RSAAlgorithm.to_jwk(keys.keys["k1"].public_key())
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"k1"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(id_claims()).encode()).rstrip(b"=")
    import hmac

    mac = hmac.new(public_pem.encode(), header + b"." + payload, hashlib.sha256).digest()
    token = b".".join([header, payload, base64.urlsafe_b64encode(mac).rstrip(b"=")]).decode()
    with pytest.raises(InvalidToken, match="HS256"):
        validator.id_token(token, nonce="n-1")


def test_at_hash_is_checked_when_asked(keys, validator):
    access = "the-access-token"
    good = sign(keys, id_claims(at_hash=at_hash(access)))
    assert validator.id_token(good, nonce="n-1", access_token_for_at_hash=access)
    with pytest.raises(InvalidToken, match="at_hash"):
        validator.id_token(good, nonce="n-1", access_token_for_at_hash="another")
    with pytest.raises(InvalidToken, match="at_hash"):
        validator.id_token(sign(keys, id_claims()), nonce="n-1", access_token_for_at_hash=access)


def test_kid_absent_is_accepted_with_one_key_and_refused_with_several(keys, validator):
    token = jwt.encode(id_claims(), keys.keys["k1"], algorithm="RS256")
    assert validator.id_token(token, nonce="n-1")
    keys.add_key("k2")
    with pytest.raises(InvalidToken, match="does not publish"):
        new_validator(keys).id_token(token, nonce="n-1")


def test_a_rotated_key_is_fetched_once_and_accepted(keys, validator):
    validator.id_token(sign(keys, id_claims()), nonce="n-1")
    assert keys.fetches == 1
    keys.add_key("k2")
    assert validator.id_token(sign(keys, id_claims(), kid="k2"), nonce="n-1")
    assert keys.fetches == 2
    validator.id_token(sign(keys, id_claims(), kid="k2"), nonce="n-1")
    assert keys.fetches == 2


def forged(claims, i: int) -> str:
    """A token with a made-up kid, signed by a key nobody publishes."""
    return jwt.encode(claims, _private_key("rogue"), algorithm="RS256",
                      headers={"kid": f"rogue-{i}"})


@pytest.mark.parametrize("from_token_endpoint", [True, False])
def test_unknown_kids_cannot_hammer_the_tenant(keys, validator, from_token_endpoint):
    validator.id_token(sign(keys, id_claims()), nonce="n-1")
    for i in range(20):
        with pytest.raises(InvalidToken, match="does not publish"):
            validator.id_token(forged(id_claims(), i), nonce="n-1",
                               from_token_endpoint=from_token_endpoint)
    assert keys.fetches == 2  # the first fetch, and one forced refetch for all twenty


def test_forged_kids_posted_to_us_cannot_hold_off_a_rotated_key(keys, validator):
    """A flood of made-up kids at the back channel uses up the posted tokens' allowance
    only: a token from the token endpoint signed by a freshly rotated key is accepted."""
    validator.id_token(sign(keys, id_claims()), nonce="n-1")
    for i in range(20):
        with pytest.raises(InvalidToken, match="does not publish"):
            validator.logout_token(forged(logout_claims(jti=f"j-{i}"), i))
    assert keys.fetches == 2
    keys.add_key("k2")
    assert validator.id_token(sign(keys, id_claims(), kid="k2"), nonce="n-1",
                              from_token_endpoint=True)
    assert keys.fetches == 3


def test_posted_tokens_share_one_small_allowance(keys, validator):
    """After a flood, a posted token with a new kid waits for the next untrusted refetch,
    which comes UNTRUSTED_REFETCH_INTERVAL seconds after the last one."""
    validator.id_token(sign(keys, id_claims()), nonce="n-1")
    with pytest.raises(InvalidToken, match="does not publish"):
        validator.logout_token(forged(logout_claims(), 0))
    keys.add_key("k2")
    posted = sign(keys, logout_claims(jti="j-2"), kid="k2")
    with pytest.raises(InvalidToken, match="does not publish"):
        validator.logout_token(posted)
    assert keys.fetches == 2
    validator.jwks._forced_at[False] -= jwks_module.UNTRUSTED_REFETCH_INTERVAL  # time passes
    assert validator.logout_token(posted)
    assert keys.fetches == 3


def test_a_jwks_outage_keeps_known_keys_working(keys, validator):
    validator.id_token(sign(keys, id_claims()), nonce="n-1")
    keys.down = True
    validator.jwks._fetched_at -= jwks_module.MAX_AGE + 1  # the cache is due for a refresh
    assert validator.id_token(sign(keys, id_claims()), nonce="n-1")


def test_no_keys_at_all_is_a_clear_error(keys, validator):
    keys.down = True
    with pytest.raises(InvalidToken, match="cannot be verified now"):
        validator.id_token(sign(keys, id_claims()), nonce="n-1")


def access_claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER, "sub": "auth0|alice", "aud": [API, ISSUER + "userinfo"], "azp": CLIENT,
        "iat": now, "exp": now + 600, "scope": "openid read:current_user",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_access_token_rules(keys, validator):
    assert validator.access_token(sign(keys, access_claims()), sub="auth0|alice")
    for changes, reason in [
        ({"aud": CLIENT}, "audience"),
        ({"sub": "auth0|bob"}, "sub"),
        ({"azp": "other"}, "azp"),
        ({"exp": int(time.time()) - LEEWAY - 5}, "expired"),
        ({"iss": "http://evil/"}, "issuer"),
    ]:
        with pytest.raises(InvalidToken, match=f"(?i){reason}"):
            validator.access_token(sign(keys, access_claims(**changes)), sub="auth0|alice")


def logout_claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": CLIENT, "iat": now, "exp": now + 120, "jti": "j-1",
        "sid": "s-1", "sub": "auth0|alice", "events": {BACKCHANNEL_EVENT: {}},
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_logout_token_rules(keys, validator):
    assert validator.logout_token(sign(keys, logout_claims()))
    assert validator.logout_token(sign(keys, logout_claims(sub=None)))
    for changes, reason in [
        ({"events": None}, "events"),
        ({"events": {"other": {}}}, "events"),
        ({"nonce": "n"}, "nonce"),
        ({"aud": "other"}, "audience"),
        ({"iss": "http://evil/"}, "issuer"),
        ({"sid": None, "sub": None}, "neither sid nor sub"),
        ({"jti": None}, "jti"),
        ({"iat": int(time.time()) - 3600, "exp": int(time.time()) + 60}, "too long ago"),
    ]:
        with pytest.raises(InvalidToken, match=f"(?i){reason}"):
            validator.logout_token(sign(keys, logout_claims(**changes)))
    with pytest.raises(InvalidToken, match="algorithm 'none'"):
        validator.logout_token(jwt.encode(logout_claims(), None, algorithm="none"))
