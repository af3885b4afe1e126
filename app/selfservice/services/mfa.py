"""Multi-factor enrollments and removing a provider.

Contract: `enrollments(account)` lists them as the page shows them (`Enrollment`'s
fields); `remove_provider(account, provider)` removes every enrollment with a provider
of `MULTIFACTOR_PROVIDERS` (400 `unknown_provider` for another) and drops the cached
profiles.
"""

from __future__ import annotations

from app.web.problems import Problem

from ..models import Enrollment, Enrollments
from .account import Account

MULTIFACTOR_PROVIDERS = ("duo", "google-authenticator")


def enrollments(account: Account) -> Enrollments:
    listed = account.client.get_enrollments(account.caller)
    return Enrollments(enrollments=[Enrollment.model_validate(e) for e in listed])


def remove_provider(account: Account, provider: str) -> None:
    if provider not in MULTIFACTOR_PROVIDERS:
        raise Problem(400, "unknown_provider", f"Unknown multi-factor provider {provider!r};"
                      f" use one of: {', '.join(MULTIFACTOR_PROVIDERS)}.")
    try:
        account.client.delete_multifactor(account.caller, provider)
    finally:
        account.profiles.invalidate(account.user_id)
