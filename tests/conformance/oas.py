"""The OpenAPI subset of Auth0's Management API (in the shared reference folder)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

OAS_NAME = "auth0-management-selfservice.oas.json"


def oas_path() -> Path:
    """`../shared/reference/<OAS_NAME>` beside the checkout, or under $SELFSERVE_SHARED_DIR."""
    candidates = []
    if os.environ.get("SELFSERVE_SHARED_DIR"):
        candidates.append(Path(os.environ["SELFSERVE_SHARED_DIR"]) / "reference" / OAS_NAME)
    checkout = Path(__file__).resolve().parents[2]
    candidates.append(checkout.parent / "shared" / "reference" / OAS_NAME)
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(
        f"{OAS_NAME} not found (looked at {', '.join(map(str, candidates))}): put the shared"
        " folder beside the checkout or set SELFSERVE_SHARED_DIR",
        pytrace=False,
    )


def spec_for(api_base_url: str) -> dict:
    """The subset with its server set to a tenant's `/api/v2` base URL.

    The document's server is `https://{tenantDomain}/api/v2`; the local tenant is the
    same API at another base URL, so only `servers` changes.
    """
    spec = json.loads(oas_path().read_text())
    spec["servers"] = [{"url": api_base_url}]
    return spec
