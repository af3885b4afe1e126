"""Helpers for the auth tests (the fixtures they use are in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path


def session_files(folder: Path) -> list[Path]:
    """The flask-session files in the BFF's SESSION_DIR (not the auth store beside them)."""
    if not folder.exists():
        return []
    return [p for p in folder.iterdir() if p.is_file()]
