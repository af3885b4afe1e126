"""The My Account API's rate limits: per tenant and per user, as Auth0 documents them.

Contract: `install(app)` builds both limiters from `app.config["MYACCOUNT_RATE_LIMITS"]`
(`{"tenant": (limit, window s), "user": (limit, window s)}`, default `DEMO`);
`count(user_id, per_user)` counts one request and returns the quota whose
`x-ratelimit-*` headers the response carries (the per-user one for authentication-method
calls), or raises a 429 (`retry-after`, and `x-auth0-error-kind: global-rate-limit` when
the tenant's limit is the one reached). `configure(limits)` changes them (test hook);
`restore()` goes back to the configured ones (a tenant reset).
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app

from app.tenant.management.ratelimit import Quota, RateLimiter
from app.tenant.myaccount.errors import MyAccountError

#: Auth0's Free plan: 2 requests per second per tenant, 2 per minute per user for
#: authentication-method calls (Enterprise: 25 per second, 5 per minute per user).
FREE_PLAN = {"tenant": (2, 1.0), "user": (2, 60.0)}
ENTERPRISE_PLAN = {"tenant": (25, 1.0), "user": (5, 60.0)}
#: The demo's and the tests' default: generous, so only a test that asks meets a limit.
DEMO = {"tenant": (100, 1.0), "user": (100, 60.0)}

_EXTENSION = "tenant.myaccount.rate_limits"


class MyAccountLimits:
    def __init__(self, limits: dict) -> None:
        self.configured = dict(limits)
        self.tenant = RateLimiter(*limits["tenant"])
        self.user = RateLimiter(*limits["user"])

    def configure(self, limits: dict) -> None:
        self.tenant.configure(*limits["tenant"])
        self.user.configure(*limits["user"])

    def restore(self) -> None:
        self.configure(self.configured)


def install(app: Flask) -> MyAccountLimits:
    limits = MyAccountLimits(app.config.get("MYACCOUNT_RATE_LIMITS", DEMO))
    app.extensions[_EXTENSION] = limits
    return limits


def limits() -> MyAccountLimits:
    return current_app.extensions[_EXTENSION]


def _too_many(quota: Quota, detail: str, tenant_wide: bool) -> MyAccountError:
    headers = {**quota.headers(),
               "retry-after": str(max(1, math.ceil(quota.reset - time.time())))}
    if tenant_wide:
        headers["x-auth0-error-kind"] = "global-rate-limit"
    return MyAccountError(429, "too_many_requests", detail, headers=headers)


def count(user_id: str, per_user: bool) -> Quota:
    current = limits()
    tenant_quota = current.tenant.hit("tenant")
    if not tenant_quota.allowed:
        raise _too_many(tenant_quota, "Global limit has been reached", tenant_wide=True)
    if not per_user:
        return tenant_quota
    user_quota = current.user.hit("user:" + user_id)
    if not user_quota.allowed:
        raise _too_many(user_quota, "Too many requests for this user; retry later.",
                        tenant_wide=False)
    return user_quota
