"""Which browser a request comes from, as the account page shows it: never more.

Contract: `describe(user_agent) -> (browser, os)` reads a User-Agent with the
maintained `ua-parser` rules ("Chrome 131", "Linux"; "Unknown" where it says nothing),
cached per string; `shorten_ip(address)` keeps the network only (/24 for IPv4, /48 for
IPv6) so that neither the sessions list nor the activity log keeps a full address;
`of_request()` is both for the current Flask request.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

from flask import request
from ua_parser import parse

#: User-Agent characters read: a longer header is cut (it is only shown, not trusted).
MAX_USER_AGENT = 512
UNKNOWN = "Unknown"


@dataclass(frozen=True)
class ClientInfo:
    browser: str
    os: str
    ip: str  # shortened: a network, not a host


@functools.lru_cache(maxsize=1024)
def describe(user_agent: str) -> tuple[str, str]:
    """(browser with its major version, operating system) of a User-Agent string."""
    parsed = parse(user_agent[:MAX_USER_AGENT]) if user_agent else None
    agent = parsed.user_agent if parsed else None
    system = parsed.os if parsed else None
    return _name(agent), _name(system)


def _name(part) -> str:  # noqa: ANN001 - ua-parser's UserAgent or OS
    # ua-parser says "Other" for what its rules do not know.
    if part is None or part.family in ("", "Other"):
        return UNKNOWN
    return f"{part.family} {part.major}" if part.major else part.family


def shorten_ip(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of `address`, or "" for none or garbage."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def of_request() -> ClientInfo:
    browser, os_name = describe(request.headers.get("User-Agent", ""))
    return ClientInfo(browser=browser, os=os_name, ip=shorten_ip(request.remote_addr))
