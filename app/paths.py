"""Where the top-level `templates/` and `static/` folders are: in a checkout or a wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries them inside the package (pyproject's force-include); a checkout
    # or an editable install has them beside the package.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"selfserve is installed without its {name}/ folder")


TEMPLATES = _find("templates")
STATIC = _find("static")
