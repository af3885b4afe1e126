"""The local tenant's outbox: where e-mail and SMS one-time codes go instead of the world.

Contract: `deliver(conn, channel, to, text)` records a message (`channel` is `email` or
`sms`); `GET /outbox` shows the latest messages as a page (the demo links to it) and
`GET /outbox/messages` as JSON (`[{id, channel, to, text, created_at}]`, newest first),
optionally filtered by `?to=`. Only the latest `KEEP` messages are kept. The outbox is
a demo device: anyone who can reach the tenant can read it, which is why the tenant
only ever listens on loopback.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, Response, jsonify, render_template, request

from app.tenant.db import get_db, register_schema
from app.tenant.directory.store import now_iso

register_schema(
    """
    CREATE TABLE IF NOT EXISTS outbox_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """
)

KEEP = 100
bp = Blueprint("outbox", __name__)


def deliver(conn: sqlite3.Connection, channel: str, to: str, text: str) -> None:
    conn.execute(
        "INSERT INTO outbox_messages (channel, recipient, text, created_at) VALUES (?, ?, ?, ?)",
        (channel, to, text, now_iso()),
    )
    conn.execute(
        "DELETE FROM outbox_messages WHERE id <= (SELECT MAX(id) FROM outbox_messages) - ?",
        (KEEP,),
    )
    conn.commit()


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM outbox_messages")
    conn.commit()


def messages(conn: sqlite3.Connection, to: str | None = None) -> list[dict]:
    sql = "SELECT * FROM outbox_messages"
    args: tuple = ()
    if to:
        sql += " WHERE recipient = ?"
        args = (to,)
    rows = conn.execute(sql + " ORDER BY id DESC", args).fetchall()
    return [{"id": row["id"], "channel": row["channel"], "to": row["recipient"],
             "text": row["text"], "created_at": row["created_at"]} for row in rows]


@bp.get("/outbox")
def page():
    body = render_template("tenant/outbox.html", messages=messages(get_db()))
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/outbox/messages")
def messages_json():
    response = jsonify(messages(get_db(), request.args.get("to") or None))
    response.headers["Cache-Control"] = "no-store"
    return response
