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


class RedisServer:
    """A throwaway redis-server on a loopback port, no persistence."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: apt-get install redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc = subprocess.Popen(  # noqa: S603 - fixed binary, our own arguments
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        def pong() -> bool:
            if self._proc.poll() is not None:
                raise Stopped(f"redis-server exited ({self._proc.returncode})")
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        try:
            wait_until(pong, f"redis-server on port {self.port}")
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)
