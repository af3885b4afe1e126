"""Auth0's own Python SDK (auth0-python 6.x) works against the local tenant unchanged.

`auth0.management.ManagementClient(domain=...)` always builds `https://{domain}/api/v2`,
and the local tenant serves plain HTTP on loopback. ManagementClient is a thin wrapper
over the SDK's generated client `auth0.management.Auth0`, which takes a `base_url`
(documented: "The base url to use for requests from the client"), so that public
class is what we point at the tenant: same endpoints, models and errors, no patching.
"""

from __future__ import annotations

import pytest
from auth0.management import Auth0, ManagementClient
from auth0.management.errors import ConflictError, ForbiddenError

from app.tenant.directory import ALICE_ID, BOB_ID


@pytest.fixture
def sdk(mgmt, tenant) -> Auth0:
    return Auth0(base_url=tenant.url + "/api/v2", token=mgmt.access_token(),
                 timeout=10,
                 max_retries=0)


def test_management_client_is_the_same_client():
    # What the SDK's ManagementClient wraps is the class the tests use, at Auth0's URL.
    client = ManagementClient(domain="example.auth0.com", token="t")
    assert isinstance(client._api, Auth0)
    assert client._api._client_wrapper.get_base_url() == "https://example.auth0.com/api/v2"


def test_reads_and_updates_the_demo_user(sdk):
    user = sdk.users.get(ALICE_ID)
    assert user.user_id == ALICE_ID
    assert user.email == "alice@example.com"
    assert user.user_metadata["theme"] == "dark"
    assert user.identities[0].provider == "auth0"

    updated = sdk.users.update(ALICE_ID, user_metadata={"theme": "light", "newsletter": None})
    assert updated.user_metadata["theme"] == "light"
    assert "newsletter" not in updated.user_metadata
    assert sdk.users.get(ALICE_ID, fields="user_metadata").user_metadata["theme"] == "light"


def test_links_and_unlinks(sdk, mgmt):
    secondary = mgmt.sign_in_social("github", "alice-gh")
    identities = sdk.users.identities.link(ALICE_ID, link_with=mgmt.id_token(secondary))
    assert [identity.provider for identity in identities] == ["auth0", "github"]

    with pytest.raises(ConflictError) as conflict:
        sdk.users.identities.link(ALICE_ID, link_with=mgmt.id_token(secondary))
    assert conflict.value.body["message"] == "Specified identity already exists."

    remaining = sdk.users.identities.delete(ALICE_ID, "github", "1000001")
    assert [identity.provider for identity in remaining] == ["auth0"]


def test_lists_enrollments_and_removes_a_provider(sdk):
    [enrollment] = sdk.users.enrollments.get(ALICE_ID)
    assert enrollment.status == "confirmed"
    sdk.users.multifactor.delete_provider(ALICE_ID, "google-authenticator")
    assert sdk.users.enrollments.get(ALICE_ID) == []


def test_creates_and_deletes_a_device_credential(sdk):
    created = sdk.device_credentials.create_public_key(
        device_name="Alice's phone", type="public_key",
        value="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", device_id="3f2a-99b0-1c",
    )
    assert created.id.startswith("dcr_")
    sdk.device_credentials.delete(created.id)


def test_errors_come_back_as_the_sdks_exceptions(sdk):
    with pytest.raises(ForbiddenError) as forbidden:
        sdk.users.get(BOB_ID)
    assert forbidden.value.body["errorCode"] == "unowned_resource"
