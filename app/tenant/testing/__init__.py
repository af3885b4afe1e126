"""Test hooks of the local tenant, mounted only on a tenant built with `testing=True`.

Contract: `init_app(app)` is the only entry point (called by `create_tenant_app`); no
production module imports this package. It mounts the JSON hooks under `/__test__/`
(the Python wrapper is `tests.support.tenant.TenantHooks`), installs the token signer
that applies tweaks, and wraps the WSGI app with the fault injector. One module per
concern:
- `state`: the faults and tweaks armed, and the rogue key (`TestState`).
- `signing`: signing in chosen, mostly wrong, ways (`SIGN_MODES`) and the tweaking signer.
- `faults`: the WSGI middleware that delays, fails or drops requests.
- `inputs`: validation of the hooks' JSON bodies (`HookInputError`).
- `hooks`: the `/__test__/` endpoints; `rate_limit`: the Management API's limit hook;
  `myaccount`: the My Account API's rate limits and a client's API access.
"""

from __future__ import annotations

from flask import Flask

from app.tenant import clients
from app.tenant.testing import hooks, myaccount, rate_limit, signing, state
from app.tenant.testing.faults import FaultInjector


def init_app(app: Flask) -> None:
    """Turn the hooks on: only ever called for a tenant built with testing=True."""
    tenant = app.extensions["tenant"]
    runtime = app.extensions["tenant.runtime"]
    assert tenant.testing
    test_state = state.install(app)
    runtime.token_signer = signing.tweaking_signer(app)
    runtime.on_reset(lambda _conn: test_state.clear())
    # Undo `client_urls`: the demo clients point at the BFF's URL again.
    runtime.on_reset(lambda conn: clients.seed_clients(conn, tenant.bff_url))
    app.register_blueprint(hooks.bp)
    app.register_blueprint(rate_limit.bp)
    app.register_blueprint(myaccount.bp)
    app.wsgi_app = FaultInjector(app)  # type: ignore[method-assign]
