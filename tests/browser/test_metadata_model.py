"""The metadata editor's model (static/js/metadata-model.js and json-maps.js) run as
plain ES modules in Chromium, without the UI: keys that a plain object treats
specially survive every step from the server's JSON to the PATCH body and the draft."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

RESERVED = ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"]


def run_model(page, bff_server, script: str):
    """Evaluate `script` (an async function body with `model` and `maps` in scope) on a
    page of the BFF's origin; its return value."""
    page.goto(bff_server.url + "/healthz")
    return page.evaluate(f"""async () => {{
        const model = await import("/static/js/metadata-model.js");
        const maps = await import("/static/js/json-maps.js");
        {script}
    }}""")


def test_edits_and_removals_of_reserved_keys_reach_the_patch_body(page, bff, bff_server):
    server_json = json.dumps({key: f"old {key}" for key in RESERVED})
    result = run_model(page, bff_server, f"""
        const rows = model.rowsFrom(maps.toMap(JSON.parse({json.dumps(server_json)})));
        for (const row of rows) {{
          if (row.key === "__proto__" || row.key === "toString") row.removed = true;
          else row.text = `new ${{row.key}}`;
        }}
        const changes = model.changesOf(rows);
        return {{ keys: rows.map((row) => row.key), body: maps.jsonText(changes) }};
    """)
    assert result["keys"] == sorted(RESERVED)
    assert json.loads(result["body"]) == {
        "__proto__": None, "constructor": "new constructor",
        "hasOwnProperty": "new hasOwnProperty", "toString": None, "valueOf": "new valueOf",
    }


def test_a_draft_with_reserved_keys_round_trips_through_its_json(page, bff, bff_server):
    result = run_model(page, bff_server, """
        const changes = new Map([["__proto__", {"a": 1}], ["constructor", null], ["theme", "x"]]);
        const text = maps.jsonText({ etag: "m-1", changes });
        const restored = maps.toMap(JSON.parse(text).changes);
        const rows = model.applyChanges(model.rowsFrom(new Map([["constructor", 1]])), restored);
        return {
          text,
          restored: [...restored],
          rows: rows.map((row) => [row.key, row.change(), row.isNew]),
          again: maps.jsonText(model.changesOf(rows)),
        };
    """)
    assert json.loads(result["text"]) == {
        "etag": "m-1", "changes": {"__proto__": {"a": 1}, "constructor": None, "theme": "x"},
    }
    assert result["restored"] == [["__proto__", {"a": 1}], ["constructor", None], ["theme", "x"]]
    assert result["rows"] == [["constructor", "remove", False], ["__proto__", "add", True],
                              ["theme", "add", True]]
    assert json.loads(result["again"]) == {"constructor": None, "__proto__": {"a": 1},
                                           "theme": "x"}

