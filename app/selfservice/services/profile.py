"""The profile (`GET /api/me`) and its entity tag.

Contract: `profile(account)` is the `Profile` answer, from the per-session cache, and
its strong entity tag (`p-...`); `profile_answer(user)` builds both from the tenant's
user JSON. The tag changes whenever any part of the profile does; `PATCH
/api/me/metadata` accepts it in `If-Match`, so both use `profile_answer`.
"""

from __future__ import annotations

from typing import Any

from ..models import Profile, dump
from ..profile import profile_body, profile_etag
from .account import Account


def profile_answer(user: dict[str, Any]) -> tuple[Profile, str]:
    answer = Profile.model_validate(profile_body(user))
    return answer, profile_etag(dump(answer))


def profile(account: Account) -> tuple[Profile, str]:
    return profile_answer(account.profiles.load(account.client, account.caller,
                                                account.session_id))
