"""Token validation: our validator against PyJWT and bare RSA; and what a request costs.

Run: `.venv/bin/python -m bench.bench_tokens [--quick] [--rounds N]` from the repo root.

The tenant and the BFF run on loopback (`bench/stack.py`); alice signs in through the
real code flow. The tokens are her access token (the one the BFF validated at the
callback) and copies the tenant mints with the same claims and a new `jti`. Sides,
sampled in interleaved rounds, each sample a batch of calls (seconds per call):

- `ours`: `TokenValidator.access_token` (JWKS lookup in the warm cache, `alg`/`kid`
  checks, PyJWT decode with issuer/audience/leeway, our claim checks).
- `pyjwt decode`: bare `jwt.decode(token, key, algorithms=["RS256"], audience=...)`
  with the key in hand.
- `pyjwt header`: `jwt.get_unverified_header`, which our validator used to call to
  read the `kid` (kept to show what reading only the header segment saved).
- `rsa verify`: `cryptography`'s RSA PKCS#1 v1.5 SHA-256 verification of the same
  signing input and signature, decoded beforehand: the floor.
- `per request`: what a request with an existing session does for tokens: a BFF
  request context (the session read from its store) and `current_user()` (the grant
  read, the token's expiry compared with the clock); `current_user()` alone, too.

Then it counts signature verifications (calls of `cryptography`'s RSA `verify`, seen
through `sys.setprofile` in this thread) over many `current_user()` calls and many
`GET /api/me` (half of them cache misses) served in this thread by the BFF's test
client: the per-request path verifies none. The validator is counted too, to show
that the counter sees a verification when there is one.
"""

from __future__ import annotations

import argparse
import base64
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from werkzeug.test import EnvironBuilder

from app.auth.services import EXTENSION as AUTH_EXTENSION
from app.auth.session import current_user
from app.config import get_settings
from bench.alice import Alice, sign_in_alice
from bench.stack import Stack, running_stack
from bench.stats import interleave, print_ratio, print_table, ratio

VALIDATOR_TARGET = 1.2
#: Tokens the tenant mints beside alice's own (same claims, new jti).
EXTRA_TOKENS = 3


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class TokenSides:
    """The samplers; each runs `batch` calls and returns the seconds per call."""

    def __init__(self, stack: Stack, alice: Alice, batch: int) -> None:
        self.batch = batch
        self.stack = stack
        self.alice = alice
        self.validator = stack.bff_app.extensions[AUTH_EXTENSION].validator
        claims = jwt.decode(alice.access_token, options={"verify_signature": False})
        self.tokens = [alice.access_token] + [
            stack.hooks.mint({**claims, "jti": secrets.token_urlsafe(12)})
            for _ in range(EXTRA_TOKENS)
        ]
        self.audience = get_settings(stack.bff_app).audience
        kid = jwt.get_unverified_header(alice.access_token)["kid"]
        self.key = self.validator.jwks.key_for(kid)
        if not isinstance(self.key, rsa.RSAPublicKey):
            raise RuntimeError("the tenant's key is not RSA")
        self.signed = []
        for token in self.tokens:
            signing_input, signature = token.rsplit(".", 1)
            self.signed.append((signing_input.encode(), _b64url(signature)))
        for token in self.tokens:  # every side must succeed on every token
            self.validator.access_token(token, sub=alice.user_id)
            jwt.decode(token, self.key, algorithms=["RS256"], audience=self.audience)
        # Built once: werkzeug's EnvironBuilder is test machinery, not request work.
        self.bff_environ = EnvironBuilder(
            path="/api/me",
            base_url=stack.bff_url,
            headers={"Cookie": "=".join(alice.cookie), "Accept": "application/json"},
        ).get_environ()
        if self.request_user() != alice.user_id:
            raise RuntimeError("current_user() did not find alice's session")

    def _per_call(self, call: Callable[[int], Any]) -> float:
        count = len(self.tokens)
        start = time.perf_counter()
        for index in range(self.batch):
            call(index % count)
        return (time.perf_counter() - start) / self.batch

    def ours(self) -> float:
        sub = self.alice.user_id
        return self._per_call(lambda i: self.validator.access_token(self.tokens[i], sub=sub))

    def pyjwt_decode(self) -> float:
        return self._per_call(lambda i: jwt.decode(
            self.tokens[i], self.key, algorithms=["RS256"], audience=self.audience))

    def pyjwt_header(self) -> float:
        return self._per_call(lambda i: jwt.get_unverified_header(self.tokens[i]))

    def rsa_verify(self) -> float:
        pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
        return self._per_call(lambda i: self.key.verify(
            self.signed[i][1], self.signed[i][0], pkcs1, sha256))

    def request_user(self) -> str | None:
        with self.stack.bff_app.request_context(dict(self.bff_environ)):
            user = current_user()
            return user.user_id if user else None

    def per_request(self) -> float:
        return self._per_call(lambda _i: self.request_user())

    def current_user_alone(self) -> float:
        """`current_user()` in a request context opened beforehand (not timed)."""
        total = 0.0
        for _ in range(self.batch):
            with self.stack.bff_app.request_context(dict(self.bff_environ)):
                start = time.perf_counter()
                current_user()
                total += time.perf_counter() - start
        return total / self.batch


class VerifyCounter:
    """Counts RSA signature verifications made by this thread (C calls of `verify`)."""

    def __init__(self) -> None:
        self.count = 0

    def _profile(self, _frame: Any, event: str, arg: Any) -> None:
        if (event == "c_call" and getattr(arg, "__name__", "") == "verify"
                and isinstance(getattr(arg, "__self__", None), rsa.RSAPublicKey)):
            self.count += 1

    def __enter__(self) -> VerifyCounter:
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *_exc: object) -> None:
        sys.setprofile(None)


def count_verifications(sides: TokenSides, calls: int) -> dict[str, tuple[int, int]]:
    """Signature verifications and calls per path: {path: (verifications, calls)}."""
    counts: dict[str, tuple[int, int]] = {}
    with VerifyCounter() as counter:
        for _ in range(calls):
            sides.request_user()
    counts["current_user()"] = (counter.count, calls)

    # The whole BFF request in this thread (Flask's test client); on a miss the BFF
    # calls the tenant over HTTP, whose own check of the bearer token happens in the
    # tenant's server thread and is therefore not counted: it is not the BFF's.
    stack, alice = sides.stack, sides.alice
    client = stack.bff_app.test_client()
    client.set_cookie(alice.cookie[0], alice.cookie[1], domain="localhost")
    api_store = stack.bff_app.extensions["selfserve.api_store"]
    with VerifyCounter() as counter:
        for index in range(calls):
            if index % 2 == 0:
                api_store.delete("profile:" + alice.session_id)  # a cache miss
            response = client.get("/api/me", base_url=stack.bff_url,
                                  headers={"Accept": "application/json"})
            if response.status_code != 200:
                raise RuntimeError(f"GET /api/me: {response.status_code}")
    counts["GET /api/me"] = (counter.count, calls)

    with VerifyCounter() as counter:
        for index in range(calls):
            sides.validator.access_token(sides.tokens[index % len(sides.tokens)],
                                         sub=alice.user_id)
    counts["validator (control)"] = (counter.count, calls)
    return counts


def run(rounds: int, batch: int, budget: float, count_calls: int) -> None:
    with running_stack() as stack:
        sides = TokenSides(stack, sign_in_alice(stack), batch)
        samplers = {
            "ours": sides.ours,
            "pyjwt decode": sides.pyjwt_decode,
            "pyjwt header": sides.pyjwt_header,
            "rsa verify": sides.rsa_verify,
            "per request": sides.per_request,
            "current_user()": sides.current_user_alone,
        }
        interleave(samplers, 3)
        samples = interleave(samplers, rounds, budget)
        counts = count_verifications(sides, count_calls)

    print_table(f"Access token validation, {len(sides.tokens)} tokens, "
                f"batches of {batch} calls", samples)
    print()
    value = ratio(samples, "ours", "pyjwt decode")
    print_ratio("ours/pyjwt", value, f"<= {VALIDATOR_TARGET}", value <= VALIDATOR_TARGET)
    print(f"RATIO ours/rsa = {ratio(samples, 'ours', 'rsa verify'):.2f} (for information)")
    print(f"RATIO pyjwt/rsa = {ratio(samples, 'pyjwt decode', 'rsa verify'):.2f}"
          " (for information)")
    print(f"RATIO per_request/ours = {ratio(samples, 'per request', 'ours'):.2f}"
          " (for information: session read + current_user(), no validation)")
    print(f"RATIO current_user/ours = {ratio(samples, 'current_user()', 'ours'):.2f}"
          " (for information)")
    print()
    for path, (verified, calls) in counts.items():
        print(f"SIGNATURES {path}: {verified} verifications in {calls} calls")
    per_request = counts["current_user()"][0] + counts["GET /api/me"][0]
    control = counts["validator (control)"]
    print(f"CHECK per-request path verifies no signature: "
          f"{'met' if per_request == 0 and control[0] == control[1] else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds (smoke test)")
    parser.add_argument("--rounds", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=20, help="calls per sample")
    parser.add_argument("--budget", type=float, default=40.0,
                        help="stop measuring after this many seconds")
    args = parser.parse_args(argv)
    if args.quick:
        run(rounds=5, batch=4, budget=10.0, count_calls=6)
    else:
        run(rounds=args.rounds, batch=args.batch, budget=args.budget, count_calls=200)


if __name__ == "__main__":
    main()
