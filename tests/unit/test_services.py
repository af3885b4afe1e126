"""Service logic that needs no tenant: If-Match preconditions, the device registry (over
an in-memory store), the pending link's checks (over a small pending-link holder)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.selfservice.device_keys import DeviceRegistry
from app.selfservice.services.linking import waiting_link
from app.selfservice.services.metadata import Precondition
from app.selfservice.store import KeyValueStore
from app.web.problems import Problem
from tests.unit.memory_store import MemoryStore

CURRENT = {"theme": "dark"}


def refused(call) -> Problem:
    with pytest.raises(Problem) as problem:
        call()
    return problem.value


def test_no_if_match_or_a_star_always_goes_ahead():
    Precondition().check("m-1", "p-1", CURRENT)
    Precondition(sent=True, any_version=True).check("m-1", "p-1", CURRENT)


def test_either_tag_kind_matches():
    Precondition(sent=True, tags=frozenset({"m-1"})).check("m-1", "p-1", CURRENT)
    Precondition(sent=True, tags=frozenset({"p-1"})).check("m-1", "p-1", CURRENT)


def test_a_stale_tag_is_a_conflict_with_the_newest_version():
    problem = refused(lambda: Precondition(sent=True, tags=frozenset({"m-0"})).check(
        "m-1", "p-1", CURRENT))
    assert (problem.status, problem.code) == (409, "conflict")
    assert problem.extra == {"current": CURRENT, "etag": "m-1"}
    assert problem.headers["ETag"] == '"m-1"'


def test_a_malformed_if_match_is_412():
    problem = refused(Precondition(sent=True, well_formed=False).refuse_malformed)
    assert (problem.status, problem.code) == (412, "precondition_failed")
    Precondition(sent=True, tags=frozenset({"m-1"})).refuse_malformed()


def test_the_device_registry_is_per_user_and_survives_a_new_object():
    store = KeyValueStore(MemoryStore())
    alice = DeviceRegistry(store, "auth0|alice")
    with alice.locked(ttl=5) as registry:
        record = registry.add("cred-1", "Phone", "0A1B")
    assert DeviceRegistry(store, "auth0|alice").find("cred-1") == record
    assert DeviceRegistry(store, "auth0|alice").find_device("0a1b") == record
    assert DeviceRegistry(store, "auth0|bob").list() == []
    alice.remove("cred-1")
    assert alice.list() == []


@dataclass
class Pending:
    claims: dict[str, Any]
    expires_at: float
    connection: str = "github"
    id_token: str = "x.y.z"
    access_token: str | None = None


@dataclass
class Links:
    pending: Pending | None
    cleared: list[bool] = field(default_factory=list)

    def current(self):
        return self.pending

    def clear(self):
        self.cleared.append(True)
        self.pending = None


def test_a_pending_link_to_the_account_itself_is_refused_and_dropped():
    links = Links(Pending({"sub": "auth0|alice"}, time.time() + 60))
    problem = refused(lambda: waiting_link(links, "auth0|alice"))
    assert (problem.status, problem.code) == (409, "link_same_account")
    assert links.pending is None


def test_an_expired_pending_link_is_none_and_dropped():
    links = Links(Pending({"sub": "github|1"}, time.time() - 1))
    problem = refused(lambda: waiting_link(links, "auth0|alice"))
    assert (problem.status, problem.code) == (404, "no_pending_link")
    assert links.cleared == [True]
    live = Links(Pending({"sub": "github|1"}, time.time() + 60))
    assert waiting_link(live, "auth0|alice") is live.pending and live.cleared == []
