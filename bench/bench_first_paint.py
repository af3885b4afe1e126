"""A signed-in reload of the profile in Chromium, against a static page of the same bytes.

Run: `.venv/bin/python -m bench.bench_first_paint [--quick] [--rounds N]` from the repo root.

The tenant and the BFF run on loopback ports in this process (`bench/stack.py`); Debian's
Chromium (headless, through Playwright) signs alice in through the real login form. Two
sides are sampled in interleaved rounds, each a reload in its own tab, timed in the page
from navigation start until its content renders (`bench/first_paint.py`):

- `profile reload`: `/profile`, signed in, until the profile card shows styled;
- `static page`: one HTML document of the same size as everything the profile reload
  transferred before it showed (HTML, modules, stylesheets, JSON), served by a plain
  static handler on another loopback port, until its last element shows: the floor for
  moving that many bytes in one request.

It prints both medians, the waves of requests before the profile showed (target: at most
three: the HTML; modules and stylesheets, preloaded; the data, in parallel), and the ratio
of the two times.
"""

from __future__ import annotations

import argparse
import re
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, sync_playwright

from app.tenant.directory import ALICE_TOTP_SECRET
from bench.first_paint import LOAD_REPORT, SHOWN_SCRIPT, shown_selector_script
from bench.stack import running_stack
from bench.stats import interleave, median, print_table
from tests.support.servers import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000
WAVES_TARGET = 3
ALICE = ("alice@example.com", "alice-demo-password")


def static_app(size: int):
    """A WSGI app answering one HTML page of `size` bytes whose last element is the marker."""
    head = (b"<!doctype html><html lang=en><head><meta charset=utf-8><title>static</title>"
            b"</head><body><!--")
    tail = b'--><div class="profile-card">Alice Example</div></body></html>'
    body = head + b"x" * max(0, size - len(head) - len(tail)) + tail

    def app(environ, start_response):
        start_response("200 OK", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Cache-Control", "no-cache"),
        ])
        return [body]

    return app


def sign_in(page: Page, bff_url: str) -> None:
    page.goto(bff_url + "/profile")
    page.get_by_role("button", name="Sign in").click()
    page.locator("#username").fill(ALICE[0])
    page.locator("#password").fill(ALICE[1])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/u/login" not in url)
    if "/u/mfa" in page.url:  # alice's seeded authenticator app
        page.locator("#code").fill(pyotp.TOTP(ALICE_TOTP_SECRET).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(bff_url) + r"/profile"))


def timed_reload(page: Page) -> dict:
    """Reload `page`; the page's own report of when its content showed, and its requests."""
    page.reload()
    page.wait_for_function("() => window.__shownAt !== undefined", timeout=TIMEOUT_MS)
    return page.evaluate(LOAD_REPORT)


def content_bytes(page: Page, report: dict) -> int:
    """The bytes of the document and of every request in `report` (bodies as served,
    fetched again: a reload's revalidated answers carry none)."""
    return page.evaluate("""async (urls) => {
      const sizes = await Promise.all([location.pathname, ...urls].map((url) =>
        fetch(url, { credentials: "include", cache: "no-store" })
          .then((response) => response.arrayBuffer()).then((body) => body.byteLength)));
      return sizes.reduce((sum, size) => sum + size, 0);
    }""", [request["url"] for request in report["requests"]])


def run(rounds: int, warmup: int, budget: float) -> None:
    with running_stack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            profile = context.new_page()
            sign_in(profile, stack.bff_url)
            profile.add_init_script(shown_selector_script("profile"))
            profile.add_init_script(SHOWN_SCRIPT)
            first = timed_reload(profile)
            size = content_bytes(profile, first)

            static_server = LiveServer(url_host="127.0.0.1").serve(static_app(size))
            try:
                static = context.new_page()
                static.add_init_script(shown_selector_script("static"))
                static.add_init_script(SHOWN_SCRIPT)
                static.goto(static_server.url + "/")
                for _ in range(warmup):
                    timed_reload(profile)
                    timed_reload(static)
                reports: list[dict] = [first]

                def sample_profile() -> float:
                    report = timed_reload(profile)
                    reports.append(report)
                    return report["shown"] / 1000

                samples = interleave({
                    "profile reload": sample_profile,
                    "static page": lambda: timed_reload(static)["shown"] / 1000,
                }, rounds, budget)
            finally:
                static_server.stop()
        finally:
            browser.close()

    print(f"Signed-in reload of the profile vs a static page of the same {size} bytes (Chromium)")
    print_table("Time until the content shows", samples, unit="ms")
    slowest = max(reports, key=lambda report: report["waves"])
    waves = slowest["waves"]
    print(f"\nRequests of the reload with the most waves ({len(reports)} reloads), by wave:")
    for wave in range(1, waves + 1):
        urls = [urlsplit(r["url"]).path for r in slowest["requests"] if r["wave"] == wave]
        print(f"  wave {wave}: {'(the document)' if wave == 1 else ', '.join(urls)}")
    print()
    print(f"WAVES profile reload = {waves} (target <= {WAVES_TARGET}: "
          f"{'met' if waves <= WAVES_TARGET else 'NOT met'})")
    ratio = median(samples["profile reload"]) / median(samples["static page"])
    print(f"RATIO reload/static = {ratio:.2f} (for information: the same bytes in one request"
          " are the floor)")
    print(f"RATIO waves/target = {waves / WAVES_TARGET:.2f} (target <= 1: "
          f"{'met' if waves <= WAVES_TARGET else 'NOT met'})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds (smoke test)")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop measuring after this many seconds (at least 3 rounds)")
    args = parser.parse_args(argv)
    if args.quick:
        run(rounds=4, warmup=1, budget=20.0)
    else:
        run(rounds=args.rounds, warmup=5, budget=args.budget)


if __name__ == "__main__":
    main()
