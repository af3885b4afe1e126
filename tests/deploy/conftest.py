"""The BFF as production runs it: gunicorn with the configuration file of
docs/deployment.md (`app:create_app()`, several worker processes), configured by
environment, against the local tenant.

- `gunicorn_server` (module scope, parametrized by `request.param` = a `Deployment`):
  a gunicorn master in its own process group on 127.0.0.1 and a free port, with
  PUBLIC_URL `http://localhost:<port>`. Ready when `/readyz` answers 200 and every
  worker has booted; its log is attached to the failure when it does not start; the
  process group is always terminated.
- `deployed` (function scope): that server, with the tenant's demo BFF client pointed at
  its URL (callbacks, logout URL, back-channel logout URI) after the hooks' reset.
- Which worker answered a request: the access log records the worker's pid and the
  request's `X-Probe` header (`Gunicorn.probe` sends one, `Gunicorn.pids` reads them).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.servers import free_port
from tests.support.waiting import WaitTimeout, wait_for_http, wait_until

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
COOKIE = "selfserve-session"
TIMEOUT = 20
BFF_CLIENT_ID = "selfserve-demo-bff"
#: Worker pid (gunicorn writes it as <pid>), the X-Probe header, status, request line.
ACCESS_FORMAT = '%(p)s %({x-probe}i)s %(s)s "%(r)s"'
_ACCESS_LINE = re.compile(r'<(?P<pid>\d+)> (?P<probe>\S+) (?P<status>\d{3}) "(?P<request>.*)"$')
_BOOT_LINE = re.compile(r"Booting worker with pid: (\d+)")


@dataclass(frozen=True)
class Deployment:
    """How gunicorn runs the BFF: the session store and the worker model."""

    store: str = "redis"  # "redis", "sqlite" or "cluster" (a three-node Redis Cluster)
    worker_class: str = "sync"
    workers: int = 3
    threads: int = 1

    def __str__(self) -> str:
        threads = f"x{self.threads}" if self.threads > 1 else ""
        return f"{self.store}-{self.worker_class}{threads}"


@dataclass(frozen=True)
class AccessEntry:
    pid: int
    probe: str
    status: int
    request: str


class Gunicorn:
    """A running gunicorn master and how to read what its workers did."""

    def __init__(self, proc: subprocess.Popen, url: str, folder: Path, workers: int) -> None:
        self.proc = proc
        self.url = url
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        self.workers = workers

    def log_text(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else "(no error log)"

    def access(self) -> list[AccessEntry]:
        if not self.access_log.exists():
            return []
        entries = []
        for line in self.access_log.read_text().splitlines():
            match = _ACCESS_LINE.search(line)  # after the log handler's own prefix
            if match:
                entries.append(AccessEntry(int(match["pid"]), match["probe"],
                                           int(match["status"]), match["request"]))
        return entries

    def probe(self, path: str, *, cookie: str | None = None, method: str = "GET",
              **kwargs) -> tuple[str, requests.Response]:
        """One request on a new connection (so any worker may take it), tagged with a
        fresh `X-Probe` id; returns (id, response)."""
        probe_id = secrets.token_hex(8)
        headers = {"X-Probe": probe_id, **kwargs.pop("headers", {})}
        cookies = {COOKIE: cookie} if cookie else None
        response = requests.request(method, self.url + path, headers=headers, cookies=cookies,
                                    timeout=TIMEOUT, allow_redirects=False, **kwargs)
        return probe_id, response

    def pids(self, probe_ids: Iterable[str], wait: float = 30) -> dict[str, int]:
        """The worker pid that answered each probe. A worker writes its access line just
        after the response, so wait for the last ones."""
        wanted = set(probe_ids)

        def all_logged() -> dict[str, int]:
            found = {e.probe: e.pid for e in self.access() if e.probe in wanted}
            return found if len(found) == len(wanted) else {}

        return wait_until(all_logged, f"access log lines for probes {sorted(wanted)}", wait)

    def worker_pids(self) -> set[int]:
        return {int(pid) for pid in _BOOT_LINE.findall(self.log_text())}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def documented_config() -> str:
    """The gunicorn.conf.py that docs/deployment.md gives (its python block)."""
    text = DEPLOYMENT_DOC.read_text()
    match = re.search(r"```python\n(# gunicorn\.conf\.py.*?)```", text, re.S)
    assert match, f"no gunicorn.conf.py block in {DEPLOYMENT_DOC}"
    return match.group(1)


def start_gunicorn(deployment: Deployment, env: dict[str, str], folder: Path,
                   ready_path: str = "/readyz") -> Gunicorn:
    """Start gunicorn for `deployment` with the BFF configured by `env` (PUBLIC_URL is
    `http://localhost:<port>` unless `env` sets it, e.g. as behind a proxy); returns once
    `ready_path` answers 200 and every worker has booted, or raises with gunicorn's log.
    `Gunicorn.url` is where the server itself listens."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://localhost:{port}"
    config = folder / "gunicorn.conf.py"
    config.write_text(documented_config())
    # The documented configuration, with only the port, the worker model and the access
    # log format (worker pid and X-Probe) changed on the command line.
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(config),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(deployment.workers),
        "--worker-class", deployment.worker_class,
        "--threads", str(deployment.threads),
        "--access-logformat", ACCESS_FORMAT,
    ]
    process_env = {
        **os.environ, "PUBLIC_URL": url, **env,
        # The checkout's `app` package, wherever gunicorn runs from.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    # As configured, access lines go to stdout, gunicorn's and the app's log to stderr.
    with (folder / "access.log").open("ab") as stdout, (folder / "error.log").open("ab") as stderr:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=folder, env=process_env, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        )
    server = Gunicorn(proc, url, folder, deployment.workers)
    try:
        _wait_until_ready(server, ready_path)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: Gunicorn, ready_path: str) -> None:
    """Until `ready_path` answers 200 and every worker has booted (gunicorn's log)."""

    def exited() -> str | None:
        if server.proc.poll() is None:
            return None
        return f"gunicorn exited ({server.proc.returncode}):\n{server.log_text()}"

    try:
        wait_for_http(server.url + ready_path, "gunicorn's readiness", alive=exited)
        wait_until(lambda: len(server.worker_pids()) >= server.workers,
                   f"{server.workers} gunicorn workers to boot")
    except WaitTimeout as error:
        raise WaitTimeout(f"{error}\n{server.log_text()}") from None


@pytest.fixture(scope="module")
def gunicorn_server(request, tenant, tmp_path_factory) -> Iterator[Gunicorn]:
    deployment: Deployment = request.param
    folder = tmp_path_factory.mktemp(f"gunicorn-{deployment}")
    env = {
        "AUTH0_DOMAIN": tenant.url,
        "AUTH0_CLIENT_ID": BFF_CLIENT_ID,
        "AUTH0_CLIENT_SECRET": tenant.bff_client_secret,
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "SESSION_TYPE": "sqlite" if deployment.store == "sqlite" else "redis",
    }
    if deployment.store == "redis":
        redis_server = request.getfixturevalue("redis_server")
        # A database of its own: back-channel logout looks sessions up by user.
        env["REDIS_URL"] = redis_server.url.rsplit("/", 1)[0] + "/5"
    elif deployment.store == "cluster":
        env["REDIS_CLUSTER_NODES"] = request.getfixturevalue("redis_cluster").nodes_setting
    else:
        # Every worker process on this machine shares the database file.
        env["DATA_DIR"] = str(folder / "data")
    server = start_gunicorn(deployment, env, folder)
    yield server
    server.stop()


@pytest.fixture
def deployed(gunicorn_server, hooks) -> Gunicorn:
    """The module's gunicorn, with the demo BFF client registered for its URL."""
    root = gunicorn_server.url
    hooks.client_urls(
        BFF_CLIENT_ID,
        callbacks=[f"{root}/callback", f"{root}/link/callback"],
        allowed_logout_urls=[f"{root}/"],
        web_origins=[root],
        backchannel_logout_uri=f"{root}/backchannel-logout",
    )
    assert gunicorn_server.proc.poll() is None, gunicorn_server.log_text()
    return gunicorn_server
