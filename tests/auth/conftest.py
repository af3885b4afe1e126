"""Helpers for the auth tests (the fixtures they use are in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from tests.support.store import session_keys


def session_files(folder: Path) -> list[str]:
    """The live flask-session records in the store in the BFF's DATA_DIR `folder`."""
    return session_keys(folder)

