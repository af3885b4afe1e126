"""GET and PATCH /api/me/metadata: merge rules, validation, schema, and conflicts."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import ALICE_ID, write_metadata_at_the_tenant


def test_read_gives_metadata_limits_and_etag(api, hooks):
    response = api.get("/api/me/metadata")
    assert response.status_code == 200
    body = response.json()
    assert body["user_metadata"] == hooks.user(ALICE_ID)["user_metadata"]
    assert body["schema"] is None
    assert body["limits"]["max_bytes"] == 10240
    assert response.headers["ETag"].startswith('"m-')


def test_patch_merges_first_level_and_null_deletes(api, hooks):
    before = hooks.user(ALICE_ID)["user_metadata"]
    response = api.patch("/api/me/metadata",
                         json={"theme": None, "address": {"city": "Porto"}, "pets": ["cat"]})
    assert response.status_code == 200
    expected = {k: v for k, v in before.items() if k != "theme"}
    expected.update({"address": {"city": "Porto"}, "pets": ["cat"]})
    assert response.json()["user_metadata"] == expected
    assert hooks.user(ALICE_ID)["user_metadata"] == expected
    assert response.headers["ETag"] == f'"{response.json()["etag"]}"'


def test_empty_patch_changes_nothing(api, hooks):
    before = hooks.user(ALICE_ID)["user_metadata"]
    response = api.patch("/api/me/metadata", json={})
    assert response.status_code == 200
    assert response.json()["user_metadata"] == before
    assert hooks.user(ALICE_ID)["user_metadata"] == before


def test_invalid_changes_are_refused_before_sending(api, hooks):
    before = hooks.user(ALICE_ID)["user_metadata"]
    cases = [
        ({"a.b": 1}, "/a.b"),
        ({"ok": {"$x": 1}}, "/ok/$x"),
        ({"deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}}, "/deep/a/b/c/d"),
        ({"big": "x" * 11000}, ""),
    ]
    for changes, path in cases:
        response = api.patch("/api/me/metadata", json=changes)
        assert response.status_code == 422, changes
        assert response.json()["code"] == "invalid_metadata"
        assert path in [e["path"] for e in response.json()["errors"]]
    not_an_object = api.patch("/api/me/metadata", json=["theme"])
    assert not_an_object.status_code == 422
    not_json = api.patch("/api/me/metadata", data="theme=light",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 400 and not_json.json()["code"] == "invalid_request"
    nan = api.patch("/api/me/metadata", data='{"n": NaN}',
                    headers={"Content-Type": "application/json"})
    assert nan.status_code == 422 and nan.json()["code"] == "invalid_metadata"
    assert [e["path"] for e in nan.json()["errors"]] == ["/n"]
    assert hooks.user(ALICE_ID)["user_metadata"] == before


def test_two_tabs_with_the_same_etag_one_wins_one_conflicts(api, new_api, hooks):
    other_tab = new_api()
    tag = api.get("/api/me/metadata").headers["ETag"]
    assert other_tab.get("/api/me/metadata").headers["ETag"] == tag
    first = api.patch("/api/me/metadata", json={"theme": "light"}, headers={"If-Match": tag})
    assert first.status_code == 200
    second = other_tab.patch("/api/me/metadata", json={"language": "pt"},
                             headers={"If-Match": tag})
    assert second.status_code == 409
    problem = second.json()
    assert problem["code"] == "conflict"
    assert problem["current"]["theme"] == "light"
    assert problem["etag"] == first.json()["etag"]
    stored = hooks.user(ALICE_ID)["user_metadata"]
    assert stored["theme"] == "light" and stored["language"] == "en"
    # With the current tag, the retry goes through.
    retry = other_tab.patch("/api/me/metadata", json={"language": "pt"},
                            headers={"If-Match": f'"{problem["etag"]}"'})
    assert retry.status_code == 200
    assert hooks.user(ALICE_ID)["user_metadata"]["language"] == "pt"


def test_profile_etag_also_guards_metadata_edits(api):
    tag = api.get("/api/me").headers["ETag"]
    assert api.patch("/api/me/metadata", json={"a": 1}, headers={"If-Match": tag}).ok
    stale = api.patch("/api/me/metadata", json={"b": 1}, headers={"If-Match": tag})
    assert stale.status_code == 409


def test_malformed_if_match_is_412(api, hooks):
    response = api.patch("/api/me/metadata", json={"a": 1}, headers={"If-Match": "no quotes"})
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert "a" not in hooks.user(ALICE_ID)["user_metadata"]


def test_schema_limits_the_editable_keys(make_bff, new_api, hooks, tmp_path):
    schema = {"type": "object", "properties": {
        "theme": {"enum": ["dark", "light"]},
        "language": {"type": "string", "maxLength": 5},
    }}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    make_bff(METADATA_SCHEMA=str(path))
    api = new_api()
    assert api.get("/api/me/metadata").json()["schema"] == schema
    refused = api.patch("/api/me/metadata", json={"theme": "pink", "plan": "free"})
    assert refused.status_code == 422
    assert sorted(e["path"] for e in refused.json()["errors"]) == ["/plan", "/theme"]
    assert api.patch("/api/me/metadata", json={"theme": "light"}).status_code == 200
    assert hooks.user(ALICE_ID)["user_metadata"]["theme"] == "light"


def test_keys_outside_the_schema_can_always_be_deleted(make_bff, new_api, hooks, tmp_path):
    """A key the schema does not list (written by another client, or before the schema)
    can be removed, though it cannot be set."""
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"type": "object", "properties": {"theme": {"type": "string"}}}))
    make_bff(METADATA_SCHEMA=str(path))
    api = new_api()
    assert "newsletter" in hooks.user(ALICE_ID)["user_metadata"]
    assert api.patch("/api/me/metadata", json={"newsletter": False}).status_code == 422
    deleted = api.patch("/api/me/metadata", json={"newsletter": None})
    assert deleted.status_code == 200, deleted.text
    assert "newsletter" not in hooks.user(ALICE_ID)["user_metadata"]


# JSON text with a lone surrogate: valid JSON, not valid Unicode (and not UTF-8-encodable).
LONE_SURROGATE_VALUE = '{"note": {"text": "a\\ud800b"}}'
LONE_SURROGATE_KEY = '{"\\udc00": 1}'


@pytest.mark.parametrize(("body", "path"), [
    (LONE_SURROGATE_VALUE, "/note/text"),
    (LONE_SURROGATE_KEY, "/\udc00"),
])
def test_a_lone_surrogate_is_refused_naming_the_path(api, hooks, body, path):
    before = hooks.user(ALICE_ID)["user_metadata"]
    response = api.patch("/api/me/metadata", data=body,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_metadata"
    assert [e["path"] for e in response.json()["errors"]] == [path]
    assert hooks.user(ALICE_ID)["user_metadata"] == before


def test_a_lone_surrogate_stored_elsewhere_is_shown_and_can_be_removed(api, hooks, tenant):
    """Another client of the tenant stored text that is not valid Unicode: every read
    still answers (the JSON text escapes it), and the user can delete the keys."""
    write_metadata_at_the_tenant(hooks, tenant, ALICE_ID,
                                 {"bad": "x\ud800", "\udfff": "key", "nested": ["\udbff"]})
    me = api.get("/api/me")
    assert me.status_code == 200, me.text
    assert b"\\ud800" in me.content  # escaped in the JSON text, not a broken byte
    assert me.json()["user_metadata"]["bad"] == "x\ud800"
    view = api.get("/api/me/metadata")
    assert view.status_code == 200 and view.json()["user_metadata"]["\udfff"] == "key"
    # Another edit still works while the bad values are there, If-Match included.
    edited = api.patch("/api/me/metadata", json={"theme": "light"},
                       headers={"If-Match": view.headers["ETag"]})
    assert edited.status_code == 200, edited.text
    repaired = api.patch("/api/me/metadata", data='{"bad": null, "\\udfff": null,'
                         ' "nested": null}', headers={"Content-Type": "application/json"})
    assert repaired.status_code == 200, repaired.text
    stored = hooks.user(ALICE_ID)["user_metadata"]
    assert not {"bad", "\udfff", "nested"} & set(stored) and stored["theme"] == "light"


@pytest.mark.parametrize("key", [
    "nul\u0000", "bell\u0007", "del\u007f", "next\u0085line", "rtl\u202eoverride",
    "\u2066isolate\u2069", "zero\u200bwidth", "soft\u00adhyphen",
])
def test_keys_with_hidden_characters_are_refused(api, hooks, key):
    before = hooks.user(ALICE_ID)["user_metadata"]
    for changes, path in (({key: 1}, "/" + key), ({"outer": {key: 1}}, "/outer/" + key)):
        response = api.patch("/api/me/metadata", json=changes)
        assert response.status_code == 422, (changes, response.text)
        assert response.json()["code"] == "invalid_metadata"
        assert [e["path"] for e in response.json()["errors"]] == [path]
    assert hooks.user(ALICE_ID)["user_metadata"] == before


def test_ordinary_keys_in_any_script_are_accepted(api, hooks):
    changes = {"café": 1, "日本語": 2, "emoji \U0001f600": 3, "a b": 4}
    response = api.patch("/api/me/metadata", json=changes)
    assert response.status_code == 200, response.text
    assert changes.items() <= hooks.user(ALICE_ID)["user_metadata"].items()
