"""The floor for `bench_store`: a bare Flask app answering every GET with one fixed body.

`create_app()` (gunicorn `bench.bare_app:create_app()`) serves the bytes of the file
`BENCH_BODY_FILE` as `application/json`: the very body the BFF's `GET /api/me` returned,
so that both sides send the same response through the same gunicorn.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response


def create_app() -> Flask:
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
    app = Flask(__name__)

    @app.get("/api/me")
    def me() -> Response:
        return Response(body, mimetype="application/json")

    return app
