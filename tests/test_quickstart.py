"""The README's first Quickstart command, run as a newcomer runs it on a fresh clone.

The test clones this repository's committed HEAD into a temporary folder (no `.venv`,
no `var/`, nothing beside it), runs the first command of the README's Quickstart block
exactly as written, waits until the local tenant and the account page answer, signs
alice in through the BFF over HTTP, and stops the command's whole process group. Then
it starts the same clone's demo on other ports (`--port P --tenant-port Q`, the demo
data of the first run reused) and checks every printed URL and the sign-in again.

A broken first command (a `set -e` trap in `scripts/setup`, a missing dependency, a
file the clone lacks) fails here, in CI.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.login import sign_in
from tests.support.servers import free_port
from tests.support.waiting import wait_for_http

ROOT = Path(__file__).resolve().parents[1]
#: Creating the clone's .venv and installing the app (from pip's cache on a machine that
#: already ran the suite's set-up) on a loaded 2-core machine.
SETUP_SECONDS = 600
DEFAULT_PORTS = {"account page": 8000, "local tenant": 3001}


def quickstart_commands() -> list[str]:
    """The command lines of the README's Quickstart code block, in order."""
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## Quickstart\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section, "README.md has no '## Quickstart' section"
    block = re.search(r"```\w*\n(.*?)```", section.group(1), re.S)
    assert block, "the Quickstart section has no code block"
    return [line for line in block.group(1).splitlines() if line.strip()
            and not line.lstrip().startswith("#")]


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command:
    """A command in its own process group, its output collected in a file."""

    def __init__(self, argv: list[str], cwd: Path, log: Path) -> None:
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if not p.startswith(str(ROOT)))
        env["PYTHONUNBUFFERED"] = "1"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - the README's own command
                argv, cwd=cwd, env=env, start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def exited(self) -> str | None:
        if self.proc.poll() is None:
            return None
        return f"exit status {self.proc.returncode}:\n{self.output()[-3000:]}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # Ctrl-C, as the README says
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)


@pytest.fixture
def fresh_clone(tmp_path) -> Path:
    clone = tmp_path / "selfserve"
    subprocess.run(  # noqa: S603, S607 - git on our own checkout
        ["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)],
        check=True, timeout=120, capture_output=True,
    )
    assert not (clone / ".venv").exists() and not (clone / "var").exists()
    return clone


@pytest.fixture
def commands(tmp_path) -> Iterator[list[Command]]:
    started: list[Command] = []
    yield started
    for command in started:
        command.stop()


def _demo_answers(command: Command, bff_url: str, tenant_url: str, seconds: float) -> None:
    wait_for_http(f"{tenant_url}/.well-known/openid-configuration", "the demo's local tenant",
                  seconds=seconds, alive=command.exited)
    wait_for_http(f"{bff_url}/healthz", "the demo's account page", alive=command.exited)


def _alice_signs_in(bff_url: str) -> None:
    with requests.Session() as http:
        assert http.get(bff_url + "/bff/user", timeout=10).status_code == 401
        assert sign_in(http, bff_url).status_code == 200
        user = http.get(bff_url + "/bff/user", timeout=10).json()
        assert user["user"]["email"] == "alice@example.com"


def _assert_printed(output: str, bff_url: str, tenant_url: str) -> None:
    assert f"account page (BFF): {bff_url}" in output, output
    assert f"local tenant:       {tenant_url}" in output, output
    assert "alice@example.com / alice-demo-password" in output, output
    # No URL of another port than the ones asked for.
    for url in re.findall(r"https?://[\w.\-]+:\d+", output):
        assert url in (bff_url, tenant_url), f"{url} printed: {output}"


@pytest.mark.timeout(SETUP_SECONDS + 240)
def test_the_first_quickstart_command_starts_the_demo_on_a_fresh_clone(fresh_clone, commands,
                                                                      tmp_path):
    first = quickstart_commands()[0]
    busy = [f"{name} port {port}" for name, port in DEFAULT_PORTS.items()
            if not _port_is_free(port)]
    assert not busy, f"the demo's default ports are taken ({', '.join(busy)}): stop what uses them"

    demo = Command(shlex.split(first), fresh_clone, tmp_path / "demo.log")
    commands.append(demo)
    bff_url, tenant_url = "http://localhost:8000", "http://127.0.0.1:3001"
    _demo_answers(demo, bff_url, tenant_url, seconds=SETUP_SECONDS)
    _alice_signs_in(bff_url)
    _assert_printed(demo.output(), bff_url, tenant_url)
    demo.stop()
    assert demo.proc.returncode is not None

    # The same clone on other ports, its demo data (seeded for the default ports) reused.
    port, tenant_port = free_port(), free_port()
    other = Command([*shlex.split(first), "--port", str(port), "--tenant-port", str(tenant_port)],
                    fresh_clone, tmp_path / "demo-other-ports.log")
    commands.append(other)
    bff_url, tenant_url = f"http://localhost:{port}", f"http://127.0.0.1:{tenant_port}"
    _demo_answers(other, bff_url, tenant_url, seconds=120)
    _alice_signs_in(bff_url)
    _assert_printed(other.output(), bff_url, tenant_url)
    discovery = requests.get(f"{tenant_url}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == tenant_url + "/"


def test_the_readme_quickstart_holds_the_two_commands():
    assert quickstart_commands() == ["scripts/demo", "scripts/test"]
