"""OpenID Provider metadata and the JWKS, as an Auth0 tenant publishes them.

Contract: the discovery document has the members and lists of a real Auth0 tenant
(AUTH0_WIRE_FACTS.md "Endpoints of the Authentication API"): `scopes_supported` lists
Auth0's OIDC scopes only (an API's scopes belong to that API), and
`token_endpoint_auth_methods_supported` has no `none`. The device authorization, MFA
challenge and dynamic registration endpoints it names are not offered by the local
tenant: they answer 403 with an OAuth error saying so.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.tenant.context import current_tenant

bp = Blueprint("discovery", __name__)

SCOPES_SUPPORTED = (
    "openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname",
    "email", "email_verified", "picture", "created_at", "identities", "phone", "address",
)
RESPONSE_TYPES_SUPPORTED = (
    "code", "token", "id_token", "code token", "code id_token", "token id_token",
    "code token id_token",
)
#: Named by discovery as on Auth0, but beyond what the local tenant implements.
NOT_OFFERED = {
    "/oauth/device/code": "the device authorization flow",
    "/mfa/challenge": "the MFA API",
    "/oidc/register": "dynamic client registration",
}


@bp.get("/.well-known/openid-configuration")
def openid_configuration():
    tenant = current_tenant()
    issuer = tenant.issuer
    response = jsonify(
        issuer=issuer,
        authorization_endpoint=issuer + "authorize",
        token_endpoint=issuer + "oauth/token",
        device_authorization_endpoint=issuer + "oauth/device/code",
        userinfo_endpoint=issuer + "userinfo",
        mfa_challenge_endpoint=issuer + "mfa/challenge",
        jwks_uri=issuer + ".well-known/jwks.json",
        registration_endpoint=issuer + "oidc/register",
        revocation_endpoint=issuer + "oauth/revoke",
        scopes_supported=list(SCOPES_SUPPORTED),
        response_types_supported=list(RESPONSE_TYPES_SUPPORTED),
        code_challenge_methods_supported=["S256", "plain"],
        response_modes_supported=["query", "fragment", "form_post"],
        subject_types_supported=["public"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        claims_supported=["aud", "auth_time", "created_at", "email", "email_verified", "exp",
                          "family_name", "given_name", "iat", "identities", "iss", "name",
                          "nickname", "phone_number", "picture", "sub"],
        request_uri_parameter_supported=False,
        request_parameter_supported=False,
        id_token_signing_alg_values_supported=["RS256"],
        end_session_endpoint=issuer + "oidc/logout",
        backchannel_logout_supported=True,
        backchannel_logout_session_supported=True,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _not_offered(feature: str):
    def answer():
        response = jsonify(error="access_denied",
                           error_description=f"The local tenant does not offer {feature}.")
        response.status_code = 403
        return response

    return answer


for _path, _feature in NOT_OFFERED.items():
    bp.add_url_rule(_path, endpoint="not_offered" + _path.replace("/", "_"),
                    view_func=_not_offered(_feature), methods=["GET", "POST"])


@bp.get("/.well-known/jwks.json")
def jwks():
    response = jsonify(current_tenant().keys.jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Short, so a rotated key shows up soon in caches that honour it.
    response.headers["Cache-Control"] = "public, max-age=15"
    return response
