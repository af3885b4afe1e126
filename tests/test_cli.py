"""The `selfserve` command as a user runs it: real processes on real loopback ports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from app.check import run_checks
from app.config import load_settings
from tests.support.login import sign_in
from tests.support.servers import free_port
from tests.support.waiting import wait_for_http

SELFSERVE = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).resolve().parents[1]


def _wait_for(url: str, proc: subprocess.Popen) -> None:
    def exited() -> str | None:
        return None if proc.poll() is None else f"exited early: {proc.stdout.read()}"

    wait_for_http(url, "the selfserve command", alive=exited)


@pytest.fixture
def run_background(tmp_path):
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(  # noqa: S603 - our own command
            [*SELFSERVE, *args], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.terminate()
        proc.communicate(timeout=10)  # also closes the pipe


def test_demo_serves_tenant_and_bff_and_alice_signs_in(run_background, tmp_path):
    port, tenant_port = free_port(), free_port()
    proc = run_background("demo", "--port", str(port), "--tenant-port", str(tenant_port),
                          "--data", str(tmp_path / "demo"))
    bff_url = f"http://localhost:{port}"
    _wait_for(bff_url + "/healthz", proc)
    _wait_for(f"http://127.0.0.1:{tenant_port}/.well-known/openid-configuration", proc)

    with requests.Session() as http:
        assert http.get(bff_url + "/bff/user", timeout=5).status_code == 401
        assert sign_in(http, bff_url).status_code == 200
        user = http.get(bff_url + "/bff/user", timeout=5).json()
        assert user["user"]["email"] == "alice@example.com"

    proc.terminate()
    output = proc.communicate(timeout=10)[0]
    assert bff_url in output and f"http://127.0.0.1:{tenant_port}" in output
    assert "alice@example.com / alice-demo-password" in output
    assert "sign-in flow:       code (authorization code" in output  # which flow runs


def test_demo_reports_a_busy_port(run_background, tmp_path, tenant):
    busy = int(tenant.url.rsplit(":", 1)[1])
    proc = run_background("demo", "--port", str(free_port()), "--tenant-port", str(busy),
                          "--data", str(tmp_path / "demo"))
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 1
    assert f"Port {busy} is in use" in output


def test_tenant_command_serves_discovery_and_keeps_keys(run_background, tmp_path):
    data = tmp_path / "tenant"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = run_background("tenant", "--port", str(port), "--data", str(data))
    _wait_for(base + "/.well-known/openid-configuration", proc)
    discovery = requests.get(base + "/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == base + "/"
    kids = {k["kid"] for k in requests.get(discovery["jwks_uri"], timeout=5).json()["keys"]}
    # The test hooks are off unless asked for.
    assert requests.post(base + "/__test__/reset", timeout=5).status_code == 404
    proc.terminate()
    proc.communicate(timeout=10)

    rotate = subprocess.run(  # noqa: S603
        [*SELFSERVE, "rotate-keys", "--data", str(data)], capture_output=True, text=True,
        timeout=30, check=True,
    )
    new_kid = rotate.stdout.split()[3]
    proc = run_background("tenant", "--port", str(port), "--data", str(data))
    _wait_for(base + "/.well-known/jwks.json", proc)
    published = {k["kid"] for k in requests.get(base + "/.well-known/jwks.json",
                                                timeout=5).json()["keys"]}
    assert kids < published and new_kid in published


def _check_env(tenant, bff_server, **overrides):
    env = {
        "AUTH0_DOMAIN": tenant.url,
        "AUTH0_CLIENT_ID": "selfserve-demo-bff",
        "AUTH0_CLIENT_SECRET": tenant.bff_client_secret,
        "APP_SECRET_KEY": "k" * 40,
        "PUBLIC_URL": bff_server.url,
    }
    return {**env, **overrides}


def test_check_passes_for_the_demo_configuration(tenant, bff_server):
    results = run_checks(load_settings(_check_env(tenant, bff_server)))
    assert [r for r in results if r.status == "FAIL"] == []
    assert {r.name for r in results} >= {"discovery", "jwks", "callback /callback",
                                         "callback /link/callback", "cookies", "sessions"}


def test_check_names_what_to_fix(tenant, bff_server):
    results = run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_CLIENT_ID="no-such-client",
        PUBLIC_URL="http://intranet.example.com", SESSION_TYPE="redis",
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )))
    failed = {r.name: r.message for r in results if r.status == "FAIL"}
    assert "Allowed Callback URLs" in failed["callback /callback"]
    assert "https" in failed["cookies"]
    assert "does not answer" in failed["sessions"]


def test_check_command_exit_status(tenant, bff_server, tmp_path):
    env = {**os.environ, **_check_env(tenant, bff_server)}
    ok = subprocess.run([*SELFSERVE, "check"], env=env, cwd=tmp_path, capture_output=True,  # noqa: S603
                        text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout
    assert "all checks passed" in ok.stdout
    env["APP_SECRET_KEY"] = "short"
    bad = subprocess.run([*SELFSERVE, "check"], env=env, cwd=tmp_path, capture_output=True,  # noqa: S603
                         text=True, timeout=60)
    assert bad.returncode == 1 and "APP_SECRET_KEY" in bad.stdout


def test_check_never_prints_the_redis_password(tenant, bff_server):
    url = f"redis://default:s3cret-pass@127.0.0.1:{free_port()}/0"
    results = run_checks(load_settings(_check_env(tenant, bff_server, SESSION_TYPE="redis",
                                                  REDIS_URL=url)))
    printed = "\n".join(r.line() for r in results)
    assert "s3cret-pass" not in printed
    assert "redis://default:***@127.0.0.1:" in printed
