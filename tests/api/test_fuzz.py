"""A property-based run of schemathesis over /api/openapi.json with a signed-in session:
no input may cause a 5xx, and every answer must match the document."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def test_no_input_causes_a_server_error(api):
    schema = schemathesis.openapi.from_url(api.bff_url + "/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 24
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            # `api` carries the session cookie, `X-CSRF: 1` and a same-origin `Origin`.
            response = case.call(base_url=api.bff_url, session=api)
            case.validate_response(response, checks=CHECKS)

        call()
