"""The ES modules a page loads, found by reading its entry module's static imports.

Contract: `module_paths(entry)` lists the module `entry` (a path under the static
folder, e.g. "js/selfserve-account.js") and every module it reaches through static
`import ... from "./x.js"`, `import "./x.js"` and `export ... from "./x.js"`, each once,
in the order they are found. Templates turn the list into `<link rel="modulepreload">`,
so the browser fetches every module in one wave instead of discovering them one import
at a time; a module added or removed is picked up with no list to keep by hand.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from flask import current_app

# A relative specifier in an import or re-export statement (the SPA has no bare ones).
_STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^"'`;]*?["'](\.{1,2}/[^"']+\.js)["']""", re.MULTILINE
)


def module_paths(entry: str) -> tuple[str, ...]:
    """The static paths of `entry` and the modules it imports (see the module docstring).

    Read once per process; in debug mode (`flask run --debug`) again whenever a module
    changed, so that a developer's edit is picked up without walking the folder on every
    page a production server serves."""
    folder = Path(current_app.static_folder or "")
    stamp = 0
    if current_app.debug:
        stamp = max((path.stat().st_mtime_ns for path in folder.glob("js/**/*.js")), default=0)
    return _graph(folder, entry, stamp)


@lru_cache(maxsize=8)
def _graph(folder: Path, entry: str, _stamp: int) -> tuple[str, ...]:
    found: list[str] = []
    pending = [PurePosixPath(entry)]
    while pending:
        module = pending.pop(0)
        if str(module) in found:
            continue
        found.append(str(module))
        source = (folder / module).read_text(encoding="utf-8")
        for specifier in _STATIC_IMPORT.findall(source):
            target = _normalise(module.parent / specifier)
            if (folder / target).is_file():
                pending.append(target)
    return tuple(found)


def _normalise(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)
