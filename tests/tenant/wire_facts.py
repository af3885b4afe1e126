"""What `tests/reference/AUTH0_WIRE_FACTS.md` says, read by the wire tests.

`fact(text)` returns `text` once it is known to be in the reference (so a test compares
the tenant's answer with the reference's words, not with a copy); `fact_json(marker)`
parses the reference's one-line JSON body that contains `marker`; `fact_list(name)`
the comma-separated list written after "`name` is".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
FACTS = " ".join((REFERENCE / "AUTH0_WIRE_FACTS.md").read_text().split())
MANAGEMENT_OAS = json.loads((REFERENCE / "auth0-management-selfservice.oas.json").read_text())


def fact(text: str) -> str:
    assert text in FACTS, f"{text!r} is not in AUTH0_WIRE_FACTS.md"
    return text


def fact_json(marker: str) -> dict:
    for candidate in re.findall(r"`(\{[^`]*\})`", FACTS):
        if marker in candidate:
            return json.loads(candidate)
    raise AssertionError(f"no JSON body with {marker!r} in AUTH0_WIRE_FACTS.md")


def fact_list(name: str) -> list[str]:
    found = re.search(rf"`{re.escape(name)}` is ([a-z_, ]+?)(?:;|\.)", FACTS)
    assert found, f"no list for {name!r} in AUTH0_WIRE_FACTS.md"
    return [item.strip() for item in found.group(1).split(",")]


def oas_403(method: str, path: str) -> list[str]:
    """The scopes the OpenAPI's 403 description for an operation lists, in its order."""
    description = MANAGEMENT_OAS["paths"][path][method.lower()]["responses"]["403"][
        "description"]
    listed = description.split("expected any of:", 1)[1].rstrip(".")
    return [scope.strip() for scope in listed.split(",")]
