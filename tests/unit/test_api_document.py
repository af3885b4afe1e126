"""The one source of truth: the OpenAPI document is generated from the models and the
endpoint table, the table matches the blueprint's routes, and every problem code the
BFF raises is registered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from app import create_app
from app.auth.flow import INTERACTION_ERRORS
from app.selfservice import models
from app.selfservice.openapi import ENDPOINTS, build_openapi, component_schemas
from app.web.problem_codes import PROBLEM_CODES

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture(scope="module")
def bff(tmp_path_factory):
    return create_app({"AUTH0_DOMAIN": "http://127.0.0.1:9", "AUTH0_CLIENT_ID": "x",
                       "APP_SECRET_KEY": "k" * 40,
                       "DATA_DIR": str(tmp_path_factory.mktemp("data"))})


def test_the_endpoint_table_is_the_blueprints_routes(bff):
    served = {(rule.endpoint, method) for rule in bff.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == {(e.view, e.method) for e in ENDPOINTS}
    # The documented path is the route's, in OpenAPI's {name} spelling.
    for rule in bff.url_map.iter_rules():
        for endpoint in ENDPOINTS:
            if endpoint.view == rule.endpoint:
                assert re.sub(r"<(\w+)>", r"{\1}", rule.rule) == endpoint.path


def test_body_schemas_are_the_models_schemas():
    schemas = component_schemas()
    registration = schemas["DeviceRegistration"]
    assert registration["required"] == ["device_name", "device_id", "public_key"]
    assert registration["additionalProperties"] is False
    assert registration["properties"]["device_id"]["pattern"] == models.DEVICE_ID_PATTERN
    assert registration["properties"]["device_name"]["maxLength"] == models.MAX_DEVICE_NAME
    assert set(schemas["Enrollment"]["properties"]) == set(models.Enrollment.model_fields)
    assert schemas["ProblemDetails"]["properties"]["code"]["enum"] == list(PROBLEM_CODES)
    assert "schema" in schemas["MetadataView"]["properties"]  # the wire name, not ours
    assert schemas["LinkRequest"]["properties"]["copy_metadata"]["default"] is False


def test_every_schema_is_valid_json_schema():
    for schema in component_schemas().values():
        Draft202012Validator.check_schema(schema)


def test_the_document_refers_only_to_defined_schemas():
    document = build_openapi()
    text = repr(document["paths"])
    refs = set(re.findall(r"#/components/schemas/(\w+)", text))
    assert refs and refs <= set(document["components"]["schemas"])


def test_every_problem_code_raised_in_the_bff_is_registered():
    raised = set()
    for path in APP.rglob("*.py"):
        if "tenant" in path.relative_to(APP).parts:
            continue  # the local tenant is a separate app with Auth0's own error shapes
        source = path.read_text()
        # A Problem, and the errors of the sign-in that become one (app/auth/views.py).
        raised |= set(re.findall(r'Problem\(\s*\d+,\s*"([a-z_]+)"', source))
        raised |= set(re.findall(r'TransactionError\(\s*"([a-z_]+)"', source))
        raised |= set(re.findall(r'_failed\(\s*\d+,\s*"([a-z_]+)"', source))
    assert raised, "the pattern found no Problem(...) at all"
    # The tenant's own error codes that a callback passes on (app.auth.flow).
    raised |= {"access_denied", "authorization_failed", *INTERACTION_ERRORS}
    assert raised - set(PROBLEM_CODES) == set()


def test_an_answer_is_checked_against_its_model():
    with pytest.raises(ValueError, match="device_id"):
        models.DeviceCredential.model_validate({"id": "1", "device_name": "x",
                                                "created_at": "now"})
    assert models.dump(models.Identity(provider="github", user_id="1", connection="github",
                                       isSocial=True)) == {
        "provider": "github", "user_id": "1", "connection": "github", "isSocial": True}
