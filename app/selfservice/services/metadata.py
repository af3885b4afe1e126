"""Reading and changing the user's `user_metadata`.

Contract:
- `read(account)`: the `MetadataView` (metadata, the editable schema, the limits) and
  the metadata's entity tag (`m-...`).
- `change(account, changes, precondition)`: applies the merge patch `changes` and
  answers `MetadataSaved` and the new tag. Under the user's metadata lock (one change
  at a time, so that the If-Match check and the write are not interleaved with another
  tab's: Auth0 itself has no conditional write) it reads the profile fresh, checks
  `precondition` (`If-Match`: 412 `precondition_failed` when malformed, 409 `conflict`
  with `current` and `etag` when stale; either tag kind matches), validates with
  `app.selfservice.metadata.validate_changes` (422 `invalid_metadata`), writes, and
  drops the cached profiles. `{}` writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.web.problems import Problem

from .. import metadata as rules
from ..client import ManagementHTTPError
from ..models import MetadataLimits, MetadataSaved, MetadataView, invalid
from ..profile import metadata_etag
from .account import Account
from .profile import profile_answer


@dataclass(frozen=True)
class Precondition:
    """What `If-Match` asked for: `sent` False when there was none; `well_formed` False
    when it is no list of entity tags; `any_version` for `*`; else one of `tags`."""

    sent: bool = False
    well_formed: bool = True
    any_version: bool = False
    tags: frozenset[str] = frozenset()

    def check(self, metadata_tag: str, profile_tag: str, current: dict[str, Any]) -> None:
        """Raise the problem for a stale tag (see module docstring); None: go ahead."""
        if not self.sent or self.any_version:
            return
        if metadata_tag in self.tags or profile_tag in self.tags:
            return
        raise Problem(
            409, "conflict",
            "Your preferences were changed elsewhere since you loaded them. Review the"
            " current values and apply your change again.",
            current=current, etag=metadata_tag,
        ).with_headers(ETag=f'"{metadata_tag}"')

    def refuse_malformed(self) -> None:
        if self.sent and not self.well_formed:
            raise Problem(412, "precondition_failed", "If-Match must be an entity tag from"
                          " GET /api/me/metadata or GET /api/me, e.g. \"m-...\".")


def read(account: Account) -> tuple[MetadataView, str]:
    user = account.profiles.load(account.client, account.caller, account.session_id)
    user_metadata = user.get("user_metadata") or {}
    view = MetadataView(user_metadata=user_metadata,
                        editable_schema=(None if account.metadata_schema is None
                                         else dict(account.metadata_schema)),
                        limits=MetadataLimits(**rules.limits()))
    return view, metadata_etag(user_metadata)


def change(account: Account, changes: dict[str, Any],
           precondition: Precondition) -> tuple[MetadataSaved, str]:
    precondition.refuse_malformed()
    client, profiles = account.client, account.profiles
    with account.metadata_lock():
        user = profiles.fresh(client, account.caller, account.session_id)
        current = user.get("user_metadata") or {}
        precondition.check(metadata_etag(current), profile_answer(user)[1], current)
        errors = rules.validate_changes(changes, current, account.metadata_schema)
        if errors:
            raise invalid(errors, code="invalid_metadata", status=422)
        if changes:
            try:
                user = client.update_user_metadata(account.caller, changes)
            except ManagementHTTPError as error:
                if error.status == 400:
                    raise invalid([{"path": "", "message": error.tenant_message}],
                                  code="invalid_metadata", status=422) from error
                raise
            finally:
                profiles.invalidate(account.user_id)
    user_metadata = user.get("user_metadata") or {}
    tag = metadata_etag(user_metadata)
    return MetadataSaved(user_metadata=user_metadata, etag=tag), tag
