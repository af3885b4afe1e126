"""Auth0's own server SDK (`auth0-server-python`, its `MyAccountClient`) works against the
local tenant unchanged: it lists, enrolls (TOTP, recovery code) and deletes methods.

The SDK always calls `https://{domain}/me/v1/...`, so this test serves a second local
tenant over TLS (a throwaway self-signed certificate for `localhost`, which the SDK is
handed through its documented `ssl_context`), with its issuer `https://localhost:<port>/`.
Its tokens come from that tenant's own /authorize and /oauth/token.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import ipaddress
import ssl
import threading
import warnings
from collections.abc import Iterator

import pyotp
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic.warnings import PydanticDeprecatedSince20
from werkzeug.serving import make_server

with warnings.catch_warnings():
    # auth0-server-python 1.0.0b20 still declares a pydantic v1 `class Config` somewhere:
    # a deprecation of theirs, at import, not a fault of the tenant.
    warnings.filterwarnings("ignore", category=PydanticDeprecatedSince20)
    # It also imports authlib's httpx client, whose deprecation notice (theirs too) is
    # raised at import. authlib.deprecate adds its own "always" filter when first imported:
    # import it first so that this ignore goes in front of that filter. (Without it the
    # notice is a collection error whenever another test module imported authlib first.)
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.filterwarnings("ignore", message="The httpx module is deprecated",
                            category=AuthlibDeprecationWarning)
    from auth0_server_python.auth_server.my_account_client import MyAccountClient
    from auth0_server_python.auth_types import (
        EnrollAuthenticationMethodRequest,
        VerifyAuthenticationMethodRequest,
    )
    from auth0_server_python.error import MyAccountApiError

from tests.conftest import Tenant
from tests.support.tenant import BOB, TenantHooks
from tests.tenant_myaccount.support import sign_in_for_tokens


def _self_signed(tmp_path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture(scope="module")
def tls_tenant(tmp_path_factory, bff_server) -> Iterator[tuple[Tenant, str]]:
    """(the tenant served over https on localhost, the path of its certificate)."""
    from app.tenant import create_tenant_app

    folder = tmp_path_factory.mktemp("tls-tenant")
    cert, key = _self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True, ssl_context=context)
    url = f"https://localhost:{server.server_port}"
    app = create_tenant_app(folder / "data", url, bff_url=bff_server.url, testing=True)
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Tenant(url=url, data_dir=folder, app=app,
                 bff_client_secret=app.config["DEMO_BFF_CLIENT_SECRET"]), cert
    server.shutdown()
    server.server_close()


@pytest.fixture
def sdk_and_token(tls_tenant, bff_server) -> tuple[MyAccountClient, str]:
    tenant, cert = tls_tenant
    with requests.Session() as http:
        http.verify = cert
        http.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins over verify
        TenantHooks(tenant.url, http).reset()
        token = sign_in_for_tokens(tenant, bff_server.url, user=BOB,
                                   session=http)["access_token"]
    client = MyAccountClient(domain=tenant.url.removeprefix("https://"),
                             ssl_context=ssl.create_default_context(cafile=cert))
    return client, token


def test_the_sdk_lists_enrolls_and_deletes(sdk_and_token, tls_tenant):
    client, token = sdk_and_token
    assert client.audience == tls_tenant[0].issuer + "me/"

    async def scenario():
        factors = await client.get_factors(token)
        assert {"totp", "recovery-code", "passkey"} <= {f.type for f in factors.factors}
        listed = await client.list_authentication_methods(token)
        assert [m.type for m in listed.authentication_methods] == ["password"]

        challenge = await client.enroll_authentication_method(
            token, EnrollAuthenticationMethodRequest(type="totp"))
        assert challenge.authentication_method_id.startswith("totp|")
        secret = challenge.model_extra["manual_input_code"]
        with pytest.raises(MyAccountApiError) as wrong:
            await client.verify_authentication_method(
                token, challenge.authentication_method_id,
                VerifyAuthenticationMethodRequest(auth_session=challenge.auth_session,
                                                  otp_code="000000"))
        assert wrong.value.status == 400
        totp = await client.verify_authentication_method(
            token, challenge.authentication_method_id,
            VerifyAuthenticationMethodRequest(auth_session=challenge.auth_session,
                                              otp_code=pyotp.TOTP(secret).now()))
        assert totp.type == "totp" and totp.confirmed is True

        recovery = await client.enroll_authentication_method(
            token, EnrollAuthenticationMethodRequest(type="recovery-code"))
        assert len(recovery.model_extra["recovery_code"]) == 24
        await client.verify_authentication_method(
            token, recovery.authentication_method_id,
            VerifyAuthenticationMethodRequest(auth_session=recovery.auth_session))

        listed = await client.list_authentication_methods(token, type_filter="totp")
        assert [m.id for m in listed.authentication_methods] == [totp.id]
        fetched = await client.get_authentication_method(token, totp.id)
        assert fetched.id == totp.id
        await client.delete_authentication_method(token, totp.id)
        await client.delete_authentication_method(token, recovery.authentication_method_id)
        listed = await client.list_authentication_methods(token)
        assert [m.type for m in listed.authentication_methods] == ["password"]

    # Its own thread and event loop: Playwright's sync API may hold one in this thread
    # (the browser tests' session-wide Chromium).
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, scenario()).result(timeout=120)
