"""OpenID Provider metadata and the JWKS, as an Auth0 tenant publishes them."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.tenant.context import current_tenant
from app.tenant.oauth.scopes import CURRENT_USER_SCOPES, OIDC_SCOPES

bp = Blueprint("discovery", __name__)


@bp.get("/.well-known/openid-configuration")
def openid_configuration():
    tenant = current_tenant()
    issuer = tenant.issuer
    response = jsonify(
        issuer=issuer,
        authorization_endpoint=issuer + "authorize",
        token_endpoint=issuer + "oauth/token",
        userinfo_endpoint=issuer + "userinfo",
        jwks_uri=issuer + ".well-known/jwks.json",
        revocation_endpoint=issuer + "oauth/revoke",
        end_session_endpoint=issuer + "oidc/logout",
        scopes_supported=[*OIDC_SCOPES, *CURRENT_USER_SCOPES],
        response_types_supported=["code", "token id_token", "id_token"],
        response_modes_supported=["query", "fragment", "form_post"],
        grant_types_supported=["authorization_code", "implicit", "refresh_token"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post",
                                               "none"],
        code_challenge_methods_supported=["S256"],
        claims_supported=["aud", "auth_time", "email", "email_verified", "exp", "family_name",
                          "given_name", "iat", "iss", "name", "nickname", "picture", "sid",
                          "sub", "updated_at"],
        request_uri_parameter_supported=False,
        backchannel_logout_supported=True,
        backchannel_logout_session_supported=True,
        frontchannel_logout_supported=False,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/jwks.json")
def jwks():
    response = jsonify(current_tenant().keys.jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Short, so a rotated key shows up soon in caches that honour it.
    response.headers["Cache-Control"] = "public, max-age=15"
    return response
