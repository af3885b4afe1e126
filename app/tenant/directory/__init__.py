"""The local tenant's user directory: users, identities, social stand-in accounts,
MFA enrollments, device credentials and the demo seed.

Contract: every function takes the tenant's sqlite3 connection (`app.tenant.db`)
first. Reads never commit; each write is atomic and commits itself, or joins the
transaction the caller already opened (and leaves the commit to it). The tables
are registered with `app.tenant.db.register_schema` on import.
"""

from app.tenant.directory.demo import (
    ALICE_EMAIL,
    ALICE_ID,
    ALICE_PASSWORD,
    ALICE_TOTP_SECRET,
    BOB_EMAIL,
    BOB_ID,
    BOB_PASSWORD,
    reset_demo,
    seed_demo,
)
from app.tenant.directory.device_credentials import (
    create_credential,
    credential_owner,
    credentials_of,
    delete_credential,
)
from app.tenant.directory.enrollments import (
    MULTIFACTOR_PROVIDERS,
    add_enrollment,
    enrollments_of,
    remove_provider,
)
from app.tenant.directory.errors import (
    DeviceKeyExists,
    DirectoryError,
    IdentityAlreadyExists,
    IdentityNotLinked,
    MainIdentityRemoval,
    ProfileTooLarge,
    SameIdentity,
    SecondaryNotFound,
    UserNotFound,
)
from app.tenant.directory.identities import identities_json
from app.tenant.directory.linking import link_user, unlink_identity
from app.tenant.directory.social import (
    SOCIAL_CONNECTIONS,
    STAND_IN_ACCOUNTS,
    sign_in_social,
    social_accounts,
    stand_in_account,
)
from app.tenant.directory.users import (
    DATABASE_CONNECTION,
    authenticate,
    get_user,
    merge_user_metadata,
    metadata_of,
    profile_claims,
    profile_size,
    record_login,
    user_exists,
)

__all__ = [
    "ALICE_EMAIL", "ALICE_ID", "ALICE_PASSWORD", "ALICE_TOTP_SECRET", "BOB_EMAIL", "BOB_ID",
    "BOB_PASSWORD",
    "DATABASE_CONNECTION", "MULTIFACTOR_PROVIDERS", "SOCIAL_CONNECTIONS", "STAND_IN_ACCOUNTS",
    "DeviceKeyExists", "DirectoryError", "IdentityAlreadyExists", "IdentityNotLinked",
    "MainIdentityRemoval", "ProfileTooLarge", "SameIdentity", "SecondaryNotFound", "UserNotFound",
    "add_enrollment", "authenticate", "create_credential", "credential_owner",
    "credentials_of", "delete_credential", "enrollments_of", "get_user", "identities_json",
    "link_user", "merge_user_metadata", "metadata_of", "profile_claims", "profile_size",
    "record_login", "remove_provider", "reset_demo", "seed_demo", "sign_in_social",
    "social_accounts", "stand_in_account", "unlink_identity", "user_exists",
]
