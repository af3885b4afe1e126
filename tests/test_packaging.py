"""An installed wheel (not the checkout) still finds its templates and static files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import app, app.paths as paths
from app import create_app
assert str(paths.TEMPLATES).startswith(TARGET), paths.TEMPLATES
bff = create_app({"AUTH0_DOMAIN": "example.auth0.com", "AUTH0_CLIENT_ID": "c",
                  "APP_SECRET_KEY": "k" * 40, "DATA_DIR": SESSIONS})
client = bff.test_client()
shell = client.get("/")
assert shell.status_code == 200 and b"<html" in shell.data, shell.status_code
assert client.get("/static/css/account.css").status_code == 200
print("ok", paths.TEMPLATES)
"""


def test_installed_wheel_serves_its_templates_and_static_files(tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(  # noqa: S603 - pip on our own checkout
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True, timeout=300, capture_output=True,
    )
    (wheel,) = wheels.glob("selfserve-*.whl")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True, timeout=300, capture_output=True,
    )
    code = f"TARGET={str(target)!r}; SESSIONS={str(tmp_path / 's')!r}\n" + PROBE
    # PYTHONPATH puts the installed copy before the editable checkout; run outside the
    # checkout so that the working directory does not shadow it either.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
