"""The store on Redis or Redis Cluster: every operation is one Redis command or one
server-side script on one key, so each is atomic and, in a cluster, stays in one slot.

- `redis_client(settings)`: `redis.Redis` for `REDIS_URL` (connects on first use), or
  `redis.cluster.RedisCluster` on `REDIS_CLUSTER_NODES` (the URL's password and
  `rediss://` TLS apply to them), which reads the cluster's slots at once: when no
  node answers, start-up stops with a `ConfigError` naming REDIS_CLUSTER_NODES.
- `RedisStore(client)`: the `Store` contract (`store.py`). Keys get the prefix
  `selfserve:`; values are msgspec JSON; a value without a ttl has no TTL in Redis.
  Sets are sorted sets scored by each member's expiry, so a member that was never
  removed (a session that timed out) drops out by itself.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import RedisClusterException

from ..config import ConfigError, Settings
from .store import StoreUnavailable, decode, encode, write_read_delete

PREFIX = "selfserve:"

# Compare-and-delete in one step on the server.
_DELETE_IF = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# Add one and keep the counter ARGV[1] more milliseconds.
_INCR = """
local value = redis.call('incr', KEYS[1])
redis.call('pexpire', KEYS[1], ARGV[1])
return value
"""
# Add a member scored by its expiry (ARGV[1], ms epoch), drop the expired ones, and let
# the set live as long as its longest-lived member.
_ADD_MEMBER = """
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[2])
redis.call('zadd', KEYS[1], ARGV[1], ARGV[3])
local last = redis.call('zrange', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('pexpireat', KEYS[1], last[2])
return 1
"""

# Append to a capped log (a sorted set scored by time in µs; members are unique JSON
# entries): drop what is older than ARGV[3] (µs epoch), keep the newest ARGV[4], and
# let the log live as long as its newest entry may.
_LOG_APPEND = """
redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[3])
redis.call('zremrangebyrank', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
redis.call('pexpire', KEYS[1], ARGV[5])
return 1
"""


def redis_client(settings: Settings) -> redis.Redis | RedisCluster:
    """A client for the configured Redis, with `HTTP_TIMEOUT` as its socket timeouts."""
    timeouts = {"socket_timeout": settings.http_timeout,
                "socket_connect_timeout": settings.http_timeout}
    if not settings.redis_cluster_nodes:
        return redis.from_url(settings.redis_url, **timeouts)
    url = urlsplit(settings.redis_url)
    try:
        return RedisCluster(
            startup_nodes=[ClusterNode(host, port) for host, port in settings.redis_cluster_nodes],
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            ssl=url.scheme == "rediss",
            **timeouts,
        )
    except (RedisClusterException, redis.RedisError) as error:
        nodes = ",".join(f"{host}:{port}" for host, port in settings.redis_cluster_nodes)
        raise ConfigError(
            f"REDIS_CLUSTER_NODES={nodes}: no node of a Redis Cluster answered ({error});"
            " check the addresses, the password in REDIS_URL and that the cluster is up."
        ) from None


class RedisStore:
    def __init__(self, client: redis.Redis | RedisCluster, prefix: str = PREFIX) -> None:
        self.client = client
        self._prefix = prefix
        self._delete_if = client.register_script(_DELETE_IF)
        self._incr = client.register_script(_INCR)
        self._add_member = client.register_script(_ADD_MEMBER)
        self._log_append = client.register_script(_LOG_APPEND)

    def _k(self, key: str) -> str:
        return self._prefix + key

    def get(self, key: str) -> Any | None:
        return decode(self.client.get(self._k(key)), key)

    def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        # One MGET: in a cluster, keys sharing a hash tag are in one slot.
        raws = self.client.mget([self._k(key) for key in keys])
        return [decode(raw, key) for raw, key in zip(raws, keys, strict=True)]

    def set(self, key: str, value: Any, ttl: float | None) -> None:
        self.client.set(self._k(key), encode(value), px=None if ttl is None else _millis(ttl))

    def delete(self, key: str) -> None:
        self.client.delete(self._k(key))

    def add(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self.client.set(self._k(key), encode(value), px=_millis(ttl), nx=True))

    def pop(self, key: str) -> Any | None:
        return decode(self.client.getdel(self._k(key)), key)

    def delete_if(self, key: str, value: Any) -> bool:
        return bool(self._delete_if(keys=[self._k(key)], args=[encode(value)]))

    def incr(self, key: str, ttl: float) -> int:
        return int(self._incr(keys=[self._k(key)], args=[_millis(ttl)]))

    def add_member(self, key: str, member: str, ttl: float) -> None:
        now = time.time()
        self._add_member(keys=[self._k(key)],
                         args=[int((now + ttl) * 1000), int(now * 1000), member])

    def members(self, key: str) -> set[str]:
        found = self.client.zrangebyscore(self._k(key), int(time.time() * 1000), "+inf")
        return {m.decode() if isinstance(m, bytes) else m for m in found}

    def remove_member(self, key: str, member: str) -> None:
        self.client.zrem(self._k(key), member)

    def log_append(self, key: str, entry: Any, *, at: float, cap: int,
                   max_age: float) -> None:
        # Time and expiry go into the member: equal entries at two moments stay two, and
        # a reader skips what expired since the last append trimmed the log.
        member = encode([at, at + max_age, entry])
        cutoff = int((time.time() - max_age) * _MICROS)
        self._log_append(keys=[self._k(key)],
                         args=[int(at * _MICROS), member, cutoff, cap, _millis(max_age)])

    def log_read(self, key: str, *, before: float | None,
                 limit: int) -> list[tuple[float, Any]]:
        high = "+inf" if before is None else f"({int(before * _MICROS)}"
        now = time.time()
        # Expired entries are the oldest: filtering them leaves a page short only at
        # the log's end.
        found = self.client.zrevrangebyscore(self._k(key), high, "-inf", start=0, num=limit)
        entries = [decode(raw, key) for raw in found]
        return [(float(at), entry) for at, expires_at, entry in
                (e for e in entries if isinstance(e, list) and len(e) == 3)
                if expires_at > now]

    def ping(self) -> None:
        try:
            write_read_delete(self, "Redis")
        except redis.RedisError as error:
            raise StoreUnavailable(f"Redis: {error}") from error

    def close(self) -> None:
        self.client.close()


#: Log scores are microseconds since the epoch (exact in a Redis double until 2255).
_MICROS = 1_000_000


def _millis(ttl: float) -> int:
    return max(int(ttl * 1000), 1)
