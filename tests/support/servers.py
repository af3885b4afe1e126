"""Real servers on loopback ports for the tests: WSGI apps in threads, and redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

from tests.support.waiting import Stopped, wait_until


class LiveServer:
    """A WSGI app served by werkzeug on 127.0.0.1 in a daemon thread.

    The port is bound first and the app attached later (`serve(app)`), so that two
    servers can each be told the other's URL before either app is built.
    """

    def __init__(self, url_host: str = "127.0.0.1") -> None:
        self._app: Callable | None = None
        self._server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://{url_host}:{self.port}"
        self._thread: threading.Thread | None = None

    def _dispatch(self, environ, start_response):
        assert self._app is not None, "LiveServer.serve() was not called"
        return self._app(environ, start_response)

    def serve(self, app: Callable) -> LiveServer:
        self._app = app
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def swap(self, app: Callable) -> None:
        """Serve another app on the same port (e.g. a BFF with other settings)."""
        self._app = app

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary(name: str) -> str:
    binary = shutil.which(name)
    if binary is None:
        raise RuntimeError(f"{name} is not installed: apt-get install redis-server")
    return binary


def redis_command(port: int, command: bytes, timeout: float = 0.5) -> bytes:
    """One inline command to a Redis on 127.0.0.1:`port`; its reply's first bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(command + b"\r\n")
        return sock.recv(4096)


class RedisServer:
    """A throwaway redis-server on a loopback port, no persistence (`args`: more options,
    e.g. cluster mode)."""

    def __init__(self, workdir: Path, args: tuple[str, ...] = (), port: int | None = None
                 ) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc = subprocess.Popen(  # noqa: S603 - fixed binary, our own arguments
            [_binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(workdir), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        def pong() -> bool:
            if self._proc.poll() is not None:
                raise Stopped(f"redis-server exited ({self._proc.returncode})")
            return redis_command(self.port, b"PING", timeout=2).startswith(b"+PONG")

        try:
            wait_until(pong, f"redis-server on port {self.port}")
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)


def _cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free and valid as well."""
    for _ in range(100):
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair (port, port + 10000) for a Redis cluster node")


class RedisClusterServers:
    """Three `redis-server --cluster-enabled yes` on loopback ports, joined by
    `redis-cli --cluster create` (no replicas); ready once every node reports
    `cluster_state:ok`. `nodes_setting` is the BFF's REDIS_CLUSTER_NODES for them."""

    def __init__(self, workdir: Path, size: int = 3, wait: float = 60) -> None:
        self.nodes: list[RedisServer] = []
        try:
            for i in range(size):
                folder = workdir / f"node{i}"
                folder.mkdir(parents=True, exist_ok=True)
                self.nodes.append(RedisServer(folder, (
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000"), port=_cluster_port()))
            addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
            subprocess.run(  # noqa: S603 - fixed binary, our own arguments
                [_binary("redis-cli"), "--cluster", "create", *addresses,
                 "--cluster-replicas", "0", "--cluster-yes"],
                check=True, capture_output=True, timeout=wait)
            self._wait_until_ok(wait)
        except BaseException:
            self.stop()
            raise
        self.nodes_setting = ",".join(addresses)

    def _wait_until_ok(self, wait: float) -> None:
        def all_ok() -> bool:
            return all("cluster_state:ok" in redis_command(node.port, b"CLUSTER INFO", timeout=2)
                       .decode(errors="replace") for node in self.nodes)

        wait_until(all_ok, f"the Redis cluster on ports {[n.port for n in self.nodes]}"
                   " to reach cluster_state:ok", wait)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
