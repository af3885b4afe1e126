"""The metadata rules as pure logic: hidden characters in keys, unpaired surrogates,
deletions, and the copy plan of a link under a schema."""

from __future__ import annotations

import json

import pytest

from app.selfservice import metadata
from app.selfservice.linking import copy_plan
from app.selfservice.text import has_hidden_characters, has_lone_surrogate

SCHEMA = {"type": "object", "properties": {"theme": {"enum": ["dark", "light"]},
                                           "editor": {"type": "string"}}}


def paths(errors):
    return [e["path"] for e in errors]


@pytest.mark.parametrize("text", [
    "a\u0000b", "\t", "\x7f", "\u0085", "\u202a", "\u202e", "\u2066", "\u2069",
    "\u200b", "\u200f", "\u00ad", "\ufeff", "\u2028", "\u2029", "\ud800",
])
def test_hidden_characters(text):
    assert has_hidden_characters(text)


@pytest.mark.parametrize("text", ["Phone", "café", "日本語", "a b", "\u00a0", "\U0001f4f1",
                                  "Ünïcödé – ok"])
def test_visible_text(text):
    assert not has_hidden_characters(text)


def test_lone_surrogates():
    assert has_lone_surrogate("x\ud800") and has_lone_surrogate("\udfff")
    assert not has_lone_surrogate("\U0001f600") and not has_lone_surrogate("plain")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"k\u0000": 1}, ["/k\u0000"]),
    ({"a": {"\u202eb": 1}}, ["/a/\u202eb"]),
    ({"\udc00": 1}, ["/\udc00"]),
    ({"note": "a\ud800b"}, ["/note"]),
    ({"note": {"list": ["ok", "\udbff"]}}, ["/note/list/1"]),
    ({"bio": "line one\nline two\ttabbed"}, []),  # control characters in values are text
])
def test_keys_and_text_rules(changes, expected):
    assert paths(metadata.validate_changes(changes, {})) == expected


def test_what_the_user_has_can_always_be_deleted():
    current = {"\ud800": 1, "bad\u202ekey": 2, "a.b": 3, "newsletter": True}
    deletions = {key: None for key in current}
    assert metadata.validate_changes(deletions, current, SCHEMA) == []
    # Setting them is still refused; so is a malformed name that is not there to delete.
    assert len(metadata.validate_changes({"newsletter": False}, current, SCHEMA)) == 1
    assert paths(metadata.validate_changes({"x\u0000": None}, current)) == ["/x\u0000"]


def test_size_and_tags_of_values_holding_unpaired_surrogates():
    value = {"bad": "x\ud800", "é": "ü"}
    text = metadata.canonical_json(value)
    assert text == b'{"bad":"x\\ud800","\\u00e9":"\\u00fc"}'
    assert json.loads(text) == value
    assert metadata.etag(value) == metadata.etag(dict(reversed(value.items())))
    # The budget counts UTF-8 bytes, as Auth0 does: "é" and "ü" are two bytes each.
    assert metadata.json_size({"é": "ü"}) == len('{"é":"ü"}'.encode())
    assert metadata.json_size({"k": "\ud800"}) == len('{"k":"\\ud800"}')


def test_the_copy_plan_never_copies_what_the_rules_refuse():
    plan = copy_plan(
        {"theme": "dark"},
        {"theme": "light", "editor": "vim", "admin": True, "bad\u0000": 1, "gone": None},
        SCHEMA,
    )
    assert plan.patch == {"editor": "vim"}
    assert (plan.copied_keys, plan.skipped_keys, plan.not_copied_keys) == (
        ["editor"], ["theme"], ["admin", "bad\u0000"])
    # A refused key is "not copied" whatever the primary holds, so that the preview,
    # which does not read the primary, names the same keys.
    assert copy_plan({}, {"theme": "pink"}, SCHEMA).not_copied_keys == ["theme"]
    assert copy_plan({"theme": "dark"}, {"theme": "pink"}, SCHEMA).not_copied_keys == [
        "theme"]
