"""Which scopes each self-service operation takes, as Auth0 lists them in its 403s.

The lists are the OpenAPI subset's `security` scopes, in its order; `ACCEPTED`
holds scopes Auth0 also honours without naming them in the message.
"""

from __future__ import annotations

READ_USER = ("read:users", "read:current_user", "read:user_idp_tokens")
READ_ENROLLMENTS = ("read:users", "read:current_user")
UPDATE_USER = ("update:users", "update:users_app_metadata", "update:current_user_metadata")
UPDATE_USER_ACCEPTED = ("create:current_user_metadata",)
UPDATE_ROOT_ATTRIBUTES = ("update:users",)
UPDATE_APP_METADATA = ("update:users", "update:users_app_metadata")
IDENTITIES = ("update:users", "update:current_user_identities")
# The OpenAPI subset lists only update:users; the seed document (and AUTH0_WIRE_FACTS)
# gives current_user tokens delete:current_user_metadata for this, and we follow it.
DELETE_MULTIFACTOR = ("update:users", "delete:current_user_metadata")
CREATE_DEVICE_CREDENTIAL = ("create:current_user_device_credentials",)
# As the OpenAPI's 403 description lists them (its `security` leaves update:current_user out).
DELETE_DEVICE_CREDENTIAL = (
    "delete:device_credentials", "update:current_user", "delete:current_user_device_credentials"
)
