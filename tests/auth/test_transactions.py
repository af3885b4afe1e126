"""Transactions on a real store: of concurrent valid callbacks for one state exactly one
consumes it; refused callbacks consume nothing."""

from __future__ import annotations

import threading
import time

import pytest

from app.auth import transactions
from app.auth.store_sqlite import SqliteStore
from app.auth.transactions import Transaction, TransactionError


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "redis":
        from app.auth.store import open_store
        from app.config import Settings

        url = request.getfixturevalue("redis_env")["REDIS_URL"]
        redis_store = open_store(Settings(tenant_url="", client_id="", client_secret=None,
                                          secret_key="", session_type="redis", redis_url=url))
        yield redis_store
        redis_store.close()
        return
    sqlite_store = SqliteStore.in_folder(str(tmp_path / "data"))
    yield sqlite_store
    sqlite_store.close()


def saved(store, binding: str, kind: str = "login") -> Transaction:
    transaction = Transaction(
        kind=kind, state="state-" + binding, nonce="n", flow="code",
        redirect_uri="http://localhost/callback", return_to="/",
        binding_hash=transactions.binding_hash(binding), expires_at=time.time() + 60)
    transactions.save(store, transaction)
    return transaction


def test_of_concurrent_valid_callbacks_exactly_one_wins(store):
    transaction = saved(store, "b1")
    won: list[Transaction] = []
    refused: list[str] = []
    barrier = threading.Barrier(10)

    def callback() -> None:
        barrier.wait()
        try:
            won.append(transactions.take(store, state=transaction.state, binding="b1",
                                         kind="login"))
        except TransactionError as error:
            refused.append(error.code)

    threads = [threading.Thread(target=callback) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won == [transaction]
    assert refused == ["invalid_state"] * 9


@pytest.mark.parametrize(("binding", "kind", "code"), [
    (None, "login", "transaction_not_bound"),
    ("another", "login", "transaction_not_bound"),
    ("b2", "link", "invalid_state"),
])
def test_a_refused_callback_consumes_nothing(store, binding, kind, code):
    transaction = saved(store, "b2")
    with pytest.raises(TransactionError) as refused:
        transactions.take(store, state=transaction.state, binding=binding, kind=kind)
    assert refused.value.code == code
    assert transactions.take(store, state=transaction.state, binding="b2",
                             kind="login") == transaction
    with pytest.raises(TransactionError, match="already used"):
        transactions.take(store, state=transaction.state, binding="b2", kind="login")
