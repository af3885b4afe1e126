"""The user's sign-in methods, read through Auth0's My Account API with the user's own
`/me/` token (`app.auth.my_account_access`).

Contract: `methods(access, client, caller_id)` lists them (`SignInMethods`, no key
material); `factors(...)` lists what the tenant enables (`Factors`). Without a token:
403 `my_account_unavailable` with its `reason` and `detail` (the page then shows the
Management API's enrollments); without the scope an operation needs: 403
`insufficient_scope` naming it. Nothing here is sent before those checks pass.
`rename(..., method_id, name)` gives the renamed `SignInMethod`; `remove(...)` deletes a
method (400 `password_required` for the password: it is how the identity signs in).
"""

from __future__ import annotations

from app.auth import MyAccountAccess
from app.web.problems import Problem

from ..my_account_client import MyAccountClient
from ..sign_in_models import Factor, Factors, MethodRename, SignInMethod, SignInMethods
from ..tenant_http import Caller

READ_METHODS = "read:me:authentication_methods"
READ_FACTORS = "read:me:factors"
UPDATE_METHODS = "update:me:authentication_methods"
DELETE_METHODS = "delete:me:authentication_methods"


def _caller(access: MyAccountAccess, user_id: str, scope: str) -> Caller:
    if access.token is None:
        raise Problem(403, "my_account_unavailable",
                      access.detail or "Your sign-in methods cannot be read here.",
                      reason=access.reason)
    if scope not in access.scopes:
        raise Problem(403, "insufficient_scope",
                      f"The tenant did not grant this application {scope}.",
                      missing_scopes=[scope])
    return Caller(user_id, access.token)


def methods(access: MyAccountAccess, client: MyAccountClient, user_id: str) -> SignInMethods:
    listed = client.list_methods(_caller(access, user_id, READ_METHODS))
    return SignInMethods(methods=[SignInMethod.model_validate(m) for m in listed])


def factors(access: MyAccountAccess, client: MyAccountClient, user_id: str) -> Factors:
    listed = client.list_factors(_caller(access, user_id, READ_FACTORS))
    return Factors(factors=[Factor.model_validate(f) for f in listed])


def rename(access: MyAccountAccess, client: MyAccountClient, user_id: str, method_id: str,
           change: MethodRename) -> SignInMethod:
    renamed = client.update_method(_caller(access, user_id, UPDATE_METHODS), method_id,
                                   {"name": change.name})
    return SignInMethod.model_validate(renamed)


def remove(access: MyAccountAccess, client: MyAccountClient, user_id: str,
           method_id: str) -> None:
    if method_id.startswith("password|"):
        raise Problem(400, "password_required", "The password cannot be removed here: it is"
                      " how this sign-in identity signs in. Change it instead.")
    client.delete_method(_caller(access, user_id, DELETE_METHODS), method_id)
