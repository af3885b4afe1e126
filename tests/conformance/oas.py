"""Auth0's OpenAPI subsets, kept in `tests/reference/` (see its README for sources)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
OAS_NAME = "auth0-management-selfservice.oas.json"
MYACCOUNT_OAS_NAME = "auth0-myaccount-authentication-methods.oas.json"


def oas_path(name: str = OAS_NAME) -> Path:
    """The path of one of the subsets inside the repository."""
    return REFERENCE / name


def spec_for(api_base_url: str, name: str = OAS_NAME) -> dict:
    """A subset with its server set to a tenant's API base URL.

    The document's server is Auth0's (`https://{tenantDomain}/api/v2`); the local
    tenant is the same API at another base URL, so only `servers` changes.
    """
    spec = json.loads(oas_path(name).read_text())
    spec["servers"] = [{"url": api_base_url}]
    return spec


def validation_failures(
    openapi: OpenAPI, calls: Iterable[tuple[str, requests.Response, bool]]
) -> list[str]:
    """Each `(label, response, request_is_valid)` checked against `openapi`: the answer
    always, the request too when it was meant to be valid. One line per failure."""
    failures = []
    for label, response, valid_request in calls:
        request = RequestsOpenAPIRequest(response.request)
        try:
            if valid_request:
                openapi.validate_request(request)
            openapi.validate_response(request, RequestsOpenAPIResponse(response))
        except Exception as error:  # noqa: BLE001 - collected and reported all at once
            failures.append(f"{label}: {response.status_code} {response.text[:300]}: {error!r}")
    return failures
