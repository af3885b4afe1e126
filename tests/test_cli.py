"""The `selfserve` command as a user runs it: real processes on real loopback ports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from dotenv import dotenv_values

from app.check import check_passkeys, run_checks
from app.config import load_settings
from tests.support.login import sign_in
from tests.support.servers import free_port, redis_command
from tests.support.waiting import Stopped, wait_for_http, wait_until

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
        tenant, bff_server, AUTH0_CLIENT_ID="no-such-client", SESSION_TYPE="redis",
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )))
    failed = {r.name: r.message for r in results if r.status == "FAIL"}
    assert "Allowed Callback URLs" in failed["callback /callback"]
    assert "does not answer" in failed["sessions"]


def test_check_warns_loudly_about_the_insecure_http_opt_out(tenant, bff_server):
    """Start-up refuses plain http on a real host name; the lab opt-out makes check warn."""
    results = run_checks(load_settings(_check_env(
        tenant, bff_server, PUBLIC_URL="http://intranet.example.com", ALLOW_INSECURE_HTTP="1",
    )))
    warned = {r.name: r.message for r in results if r.status == "WARN"}
    assert warned["cookies"].startswith("INSECURE: ALLOW_INSECURE_HTTP=1")
    assert "login CSRF" in warned["cookies"] and "https" in warned["cookies"]


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


# -- `selfserve tenant` for a BFF of your own, and the README's three-process setup ----


def test_tenant_command_prints_the_demo_clients_and_writes_a_env(run_background, tmp_path):
    port, bff_url = free_port(), "http://localhost:8123"
    env_file = tmp_path / "bff.env"
    proc = run_background("tenant", "--port", str(port), "--data", str(tmp_path / "t"),
                          "--bff-url", bff_url, "--write-env", str(env_file))
    _wait_for(f"http://127.0.0.1:{port}/.well-known/openid-configuration", proc)
    _wait_for_file(env_file, proc)
    proc.terminate()
    output = proc.communicate(timeout=10)[0]
    written = dotenv_values(env_file)
    secret = written["AUTH0_CLIENT_SECRET"]
    assert written["AUTH0_DOMAIN"] == f"http://127.0.0.1:{port}"
    assert written["AUTH0_CLIENT_ID"] == "selfserve-demo-bff"
    assert written["PUBLIC_URL"] == bff_url and len(written["APP_SECRET_KEY"]) >= 32
    assert env_file.stat().st_mode & 0o077 == 0  # it holds secrets
    for text in ("selfserve-demo-bff (confidential, secret " + secret + ")",
                 "selfserve-demo-bff-public (public, PKCE)", "selfserve-demo-spa",
                 f"{bff_url}/callback {bff_url}/link/callback",
                 f"logout URLs: {bff_url}/", f"back-channel logout: {bff_url}/backchannel-logout"):
        assert text in output, output
    load_settings({**written})  # a configuration the BFF accepts as it is


def _wait_for_file(path: Path, proc: subprocess.Popen) -> None:
    def written() -> bool:
        if proc.poll() is not None:
            raise Stopped(f"process exited early: {proc.stdout.read()}")
        return path.exists()

    wait_until(written, f"{path} to be written")


def readme_setup_commands() -> list[str]:
    """The command lines of the README's three-process setup block."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- three-process-setup:.*?-->\s*```sh\n(.*?)```", readme, re.S)
    assert found, "README.md has no three-process-setup block"
    return [line for line in found.group(1).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _wait_until(what: str, ready, procs: list[subprocess.Popen], seconds: float = 60) -> None:
    """`wait_until(ready)`, stopped at once with its output when one of `procs` exits."""

    def check() -> bool:
        exited = [p for p in procs if p.poll() is not None]
        if exited:
            raise Stopped(f"{exited[0].args} exited while waiting for {what}:"
                          f" {exited[0].stdout.read()}")
        return ready()

    wait_until(check, what, seconds)


def _stop_group(proc: subprocess.Popen) -> None:
    """End a command's whole process group (gunicorn's workers, bash and all)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    proc.stdout.close()


def test_the_readme_three_process_setup_signs_alice_in(tmp_path):
    """Runs the README's commands as they are, each in its own process group, with only
    their ports swapped for free ones (other test runs may share this machine)."""
    commands = readme_setup_commands()
    assert len(commands) == 3 and "selfserve tenant" in commands[0]
    assert "redis-server" in commands[1] and "gunicorn" in commands[2]
    tenant_port, redis_port, bff_port = free_port(), free_port(), free_port()
    ports = {"3001": tenant_port, "6379": redis_port, "8000": bff_port}
    pattern = re.compile(r"(?<=:)(3001|6379|8000)\b|(?<=--port )(3001|6379)\b")
    commands = [pattern.sub(lambda m: str(ports[m.group(0)]), line) for line in commands]
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    procs: list[subprocess.Popen] = []

    def start(command: str) -> None:
        procs.append(subprocess.Popen(  # noqa: S603 - the README's own command line
            ["bash", "-c", command], cwd=tmp_path, env=env, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True))

    tenant_url, bff_url = f"http://127.0.0.1:{tenant_port}", f"http://localhost:{bff_port}"
    try:
        start(commands[0])
        _wait_until("the tenant and its .env", lambda: requests.get(
            tenant_url + "/.well-known/openid-configuration", timeout=2).ok
            and (tmp_path / ".env").exists(), procs)
        start(commands[1])
        _wait_until("redis-server", lambda: redis_command(
            redis_port, b"PING").startswith(b"+PONG"), procs)
        start(commands[2])
        _wait_until("the BFF under gunicorn", lambda: requests.get(
            bff_url + "/readyz", timeout=2).status_code == 200, procs)
        with requests.Session() as http:
            assert sign_in(http, bff_url).status_code == 200
            user = http.get(bff_url + "/bff/user", timeout=10)
            assert user.status_code == 200
            assert user.json()["user"]["email"] == "alice@example.com"
    finally:
        for proc in reversed(procs):
            _stop_group(proc)
    for proc in procs:
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)  # nothing of the group is left


def _credentials(results) -> tuple[str, str]:
    (result,) = [r for r in results if r.name == "client credentials"]
    return result.status, result.message


def test_check_passes_the_right_client_secret(tenant, bff_server, hooks):
    status, message = _credentials(run_checks(load_settings(_check_env(tenant, bff_server))))
    assert status == "PASS", message


def test_check_fails_a_wrong_client_secret_and_says_which(tenant, bff_server, hooks):
    results = run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_CLIENT_SECRET="not-the-secret-" + "x" * 20)))
    status, message = _credentials(results)
    assert status == "FAIL"
    assert "AUTH0_CLIENT_SECRET is wrong" in message and "AUTH0_CLIENT_ID" not in message


def test_check_with_an_unknown_client_names_both(tenant, bff_server, hooks):
    status, message = _credentials(run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_CLIENT_ID="no-such-client"))))
    assert status == "FAIL"
    assert "AUTH0_CLIENT_ID or AUTH0_CLIENT_SECRET is wrong" in message


@pytest.mark.parametrize(
    ("status", "body", "verdict"),
    [
        (403, {"error": "invalid_grant", "error_description": "Invalid authorization code"},
         "PASS"),
        (401, {"error": "access_denied", "error_description": "Unauthorized"}, "FAIL"),
    ],
)
def test_check_reads_auth0s_own_answers(tenant, bff_server, hooks, status, body, verdict):
    """Auth0 refuses a made-up code with 403 invalid_grant and bad client authentication
    with 401 access_denied (tests/reference/AUTH0_WIRE_FACTS.md)."""
    hooks.fault("/oauth/token", method="POST", status=status, body=body)
    result_status, message = _credentials(
        run_checks(load_settings(_check_env(tenant, bff_server))))
    assert result_status == verdict, message


def test_check_says_the_credentials_check_does_not_apply_to_a_public_client(
    tenant, bff_server, hooks
):
    status, message = _credentials(run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_CLIENT_SECRET=""))))
    assert status == "SKIP" and "public client" in message


def _my_account(results) -> tuple[str, str]:
    (result,) = [r for r in results if r.name == "my account"]
    return result.status, result.message


def test_check_says_a_my_account_token_can_be_had_by_multi_resource_refresh(
    tenant, bff_server, hooks
):
    status, message = _my_account(run_checks(load_settings(_check_env(tenant, bff_server))))
    assert status == "PASS", message
    assert "multi-resource refresh" in message


def _api_access(hooks, tenant, access) -> None:
    answer = hooks.http.post(f"{tenant.url}/__test__/clients/selfserve-demo-bff/api-access",
                             json=access, timeout=10)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("access", [
    {"client_grants": {}, "refresh_token_policies": {"my_account": ["read:me:factors"]}},
    {"client_grants": {}, "refresh_token_policies": {}},
])
def test_check_warns_when_the_tenant_gives_no_my_account_token(tenant, bff_server, hooks,
                                                                access):
    _api_access(hooks, tenant, access)
    status, message = _my_account(run_checks(load_settings(_check_env(tenant, bff_server))))
    assert status == "WARN", message
    assert "client grant" in message and "client grant for the My Account API" in message


def test_check_says_the_silent_authorize_is_used_without_the_refresh_token_policy(
    tenant, bff_server, hooks
):
    _api_access(hooks, tenant, {"client_grants": {"my_account": ["read:me:factors"]},
                                "refresh_token_policies": {}})
    status, message = _my_account(run_checks(load_settings(_check_env(tenant, bff_server))))
    assert status == "PASS", message
    assert "silent /authorize" in message and "refresh token policy" in message
    # The implicit flow has no such fallback (no refresh token, no code).
    status, message = _my_account(run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_FLOW="implicit"))))
    assert status == "WARN", message


def test_check_skips_my_account_when_it_is_off(tenant, bff_server):
    status, message = _my_account(run_checks(load_settings(_check_env(
        tenant, bff_server, AUTH0_MYACCOUNT="off"))))
    assert (status, message) == ("SKIP", "does not apply: AUTH0_MYACCOUNT=off")


# -- the passkeys line: can the account page (PUBLIC_URL) create the tenant's passkeys? --


def _passkeys(results) -> tuple[str, str]:
    (result,) = [r for r in results if r.name == "passkeys"]
    return result.status, result.message


def _hosted(**overrides):
    """Settings for a hosted tenant, for the passkeys line alone (it makes no request)."""
    return load_settings({"AUTH0_DOMAIN": "tenant.us.auth0.com", "AUTH0_CLIENT_ID": "abc",
                          "APP_SECRET_KEY": "k" * 40, "AUTH0_PASSKEY_RP_ID": "",
                          "ALLOW_INSECURE_HTTP": "", **overrides})


def test_check_passes_passkeys_for_the_demo_configuration(tenant, bff_server):
    """Tenant on 127.0.0.1, BFF on http://localhost:<port>: the local tenant's rp.id is
    localhost, so the account page may create passkeys."""
    assert bff_server.url.startswith("http://localhost:")
    status, message = _passkeys(run_checks(load_settings(_check_env(tenant, bff_server))))
    assert status == "PASS", message
    assert "rp.id localhost" in message


def test_check_warns_that_passkeys_cannot_work_outside_the_tenants_domain():
    result = check_passkeys(_hosted(PUBLIC_URL="https://account.example.com"))
    assert result.status == "WARN", result.message
    assert "rp.id tenant.us.auth0.com" in result.message
    assert "custom domain" in result.message and "AUTH0_PASSKEY_RP_ID" in result.message
    assert "account.example.com or a parent of it" in result.message


def test_check_passes_passkeys_with_a_relying_party_identifier_above_the_page():
    result = check_passkeys(_hosted(AUTH0_DOMAIN="login.example.com",
                                    PUBLIC_URL="https://account.example.com",
                                    AUTH0_PASSKEY_RP_ID="example.com"))
    assert result.status == "PASS", result.message
    assert "rp.id example.com (AUTH0_PASSKEY_RP_ID)" in result.message


def test_check_warns_when_the_tenants_login_is_not_under_the_relying_party_identifier():
    """Auth0's relying party identifier is the custom domain or a parent of it: the
    canonical domain cannot use example.com, AUTH0_DOMAIN must be the custom domain."""
    result = check_passkeys(_hosted(PUBLIC_URL="https://account.example.com",
                                    AUTH0_PASSKEY_RP_ID="example.com"))
    assert result.status == "WARN", result.message
    assert "tenant.us.auth0.com (AUTH0_DOMAIN) is not under" in result.message


@pytest.mark.parametrize(("public_url", "named"), [
    ("http://account.example.com", "not a secure context"),
    ("http://127.0.0.1:8000", "http://localhost:8000"),
])
def test_check_warns_where_browsers_offer_no_passkeys(public_url, named):
    result = check_passkeys(_hosted(AUTH0_DOMAIN="http://127.0.0.1:3001",
                                    PUBLIC_URL=public_url, ALLOW_INSECURE_HTTP="1"))
    assert result.status == "WARN", result.message
    assert named in result.message


def test_check_skips_passkeys_when_the_my_account_api_is_off():
    result = check_passkeys(_hosted(PUBLIC_URL="https://account.example.com",
                                    AUTH0_MYACCOUNT="off"))
    assert result.status == "SKIP"
