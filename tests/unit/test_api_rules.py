"""Input rules of the JSON API that need no server: metadata, device keys (the
`DeviceRegistration` model), link copy plans, features, and the OpenAPI document."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.auth.features import FEATURES, features_for, missing_scopes
from app.selfservice import metadata
from app.selfservice.linking import copy_plan
from app.selfservice.models import DeviceRegistration, parse
from app.web.problems import Problem

CURRENT = {"theme": "dark", "address": {"city": "Lisbon"}}


def paths(errors):
    return [e["path"] for e in errors]


def registration_errors(body) -> list[dict[str, str]]:
    with pytest.raises(Problem) as refused:
        parse(DeviceRegistration, body)
    assert (refused.value.status, refused.value.code) == (400, "invalid_request")
    return refused.value.extra["errors"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"a.b": 1}, ["/a.b"]),
        ({"$set": 1}, ["/$set"]),
        ({"ok": {"nested.key": 1}}, ["/ok/nested.key"]),
        ({"": 1}, ["/"]),
        ({"k" * 101: 1}, ["/" + "k" * 101]),
        ({"deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}}, ["/deep/a/b/c/d"]),
        ({"list": [[[[[1]]]]]}, ["/list/0/0/0/0"]),
        ({"n": float("nan")}, ["/n"]),
        ({"n": float("inf")}, ["/n"]),
        ({"a/b": {"~": "x.y"}}, []),
    ],
)
def test_metadata_rules(changes, expected):
    assert paths(metadata.validate_changes(changes, CURRENT)) == expected


def test_metadata_body_must_be_an_object():
    assert paths(metadata.validate_changes(["theme"], CURRENT)) == [""]
    assert paths(metadata.validate_changes("x", CURRENT)) == [""]


def test_metadata_size_counts_the_merged_result():
    big = "x" * (metadata.MAX_BYTES - 100)
    assert metadata.validate_changes({"big": big}, {}) == []
    errors = metadata.validate_changes({"big": big}, {"other": "y" * 200})
    assert paths(errors) == [""] and "limit" in errors[0]["message"]
    # Deleting a key makes room: the same write passes once "other" goes.
    assert metadata.validate_changes({"big": big, "other": None}, {"other": "y" * 200}) == []


def test_metadata_merge_is_first_level_and_null_deletes():
    merged = metadata.merge(CURRENT, {"theme": None, "address": {"country": "PT"}, "new": 1})
    assert merged == {"address": {"country": "PT"}, "new": 1}


def test_metadata_schema_refuses_keys_outside_it(tmp_path):
    schema = {"type": "object", "properties": {
        "theme": {"enum": ["dark", "light"]},
        "age": {"type": "integer", "minimum": 0},
    }}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    loaded = metadata.load_schema(str(path))
    assert metadata.validate_changes({"theme": "light", "age": None}, CURRENT, loaded) == []
    errors = metadata.validate_changes({"theme": "pink", "color": "red", "age": -1},
                                       CURRENT, loaded)
    assert sorted(paths(errors)) == ["/age", "/color", "/theme"]


def test_unusable_schema_is_refused(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text('{"type": 3}')
    with pytest.raises(ValueError, match="not a usable JSON Schema"):
        metadata.load_schema(str(path))


def test_etags_differ_by_content_and_representation():
    assert metadata.etag({"a": 1, "b": 2}) == metadata.etag({"b": 2, "a": 1})
    assert metadata.etag({"a": 1}) != metadata.etag({"a": 2})
    assert metadata.etag({"a": 1}, "p") != metadata.etag({"a": 1}, "m")


def _pem(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_device_registration_accepts_pem_and_base64_der():
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    for text in (_pem(key), base64.b64encode(der).decode()):
        registration = parse(DeviceRegistration, {
            "device_name": " Phone ", "device_id": "0a1b-2c", "public_key": text})
        assert registration.model_dump() == {
            "device_name": "Phone", "device_id": "0a1b-2c",
            "public_key": base64.b64encode(der).decode()}


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"device_id": "ab", "public_key": "PEM"}, ["/device_name", "/public_key"]),
        ({"device_name": "x", "device_id": "xyz", "public_key": "QUJD"},
         ["/device_id", "/public_key"]),
        ({"device_name": "x", "device_id": "a" * 37, "public_key": "!!"},
         ["/device_id", "/public_key"]),
        ({"device_name": "x\n", "device_id": "ab", "public_key": "QUJD", "extra": 1},
         ["/extra", "/device_name", "/public_key"]),
    ],
)
def test_device_registration_errors_name_the_field(body, bad):
    assert paths(registration_errors(body)) == bad


def test_device_registration_refuses_private_keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    errors = registration_errors({"device_name": "x", "device_id": "ab",
                                  "public_key": private_pem})
    assert paths(errors) == ["/public_key"]


def test_copy_plan_keeps_the_primarys_values_and_reports_skips():
    plan = copy_plan(
        {"theme": "dark", "lang": "en"},
        {"theme": "light", "lang": "en", "city": "Porto"},
    )
    assert plan.patch == {"city": "Porto"}
    assert plan.copied_keys == ["city"]
    assert plan.skipped_keys == ["theme"]
    assert plan.not_copied_keys == []


def test_features_need_every_scope():
    assert features_for([]) == {name: False for name in FEATURES}
    granted = features_for(["read:current_user", "delete:current_user_metadata"])
    assert granted["profile"] and granted["mfa"] and not granted["metadata"]
    assert missing_scopes("devices", ["create:current_user_device_credentials"]) == [
        "delete:current_user_device_credentials"]


def test_the_openapi_document_is_valid_and_follows_the_mount_point(tmp_path):
    from openapi_spec_validator import validate

    from app import create_app

    app = create_app({"AUTH0_DOMAIN": "http://127.0.0.1:9", "AUTH0_CLIENT_ID": "x",
                      "APP_SECRET_KEY": "k" * 40, "DATA_DIR": str(tmp_path)})
    document = app.test_client().get("/api/openapi.json").get_json()
    validate(document)
    assert document["servers"] == [{"url": "/"}]
    mounted = app.test_client().get("/api/openapi.json",
                                    environ_overrides={"SCRIPT_NAME": "/account"})
    assert mounted.get_json()["servers"] == [{"url": "/account"}]
