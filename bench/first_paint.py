"""What a page load is made of, measured in the page: when the profile showed, and the
waves of requests before it.

Contract: `SHOWN_SCRIPT` is an init script (Playwright `add_init_script`) that records in
`window.__shownAt` the time (ms after navigation start) at which an element matching
`window.__shownSelector` first renders; `SELECTORS` has the two this project uses.
`LOAD_REPORT` (evaluated after that) returns `{shown, waves, requests}`: the requests of
the page's own origin that started before it showed (the page's icon left out: the
browser fetches it when it gets round to it), each with its wave. A wave is a
round of requests that could not start before an earlier one ended: the document is
wave 1; a request is one wave later than the latest-ending request that had ended
before it started (Resource Timing's `startTime` is when the browser asked for it, so
a request queued behind the connection limit keeps its wave).
"""

from __future__ import annotations

#: The profile card inside <selfserve-account>, shown (its stylesheet applied), or the
#: static comparison page's marker.
SELECTORS = {
    "profile": "selfserve-account >>> .profile-card",
    "static": ".profile-card",
}

SHOWN_SCRIPT = """(() => {
  const find = () => {
    const [host, inner] = (window.__shownSelector || "").split(" >>> ");
    if (!host) return null;
    const el = document.querySelector(host);
    if (!inner) return el;
    const app = el?.shadowRoot?.querySelector(".app");
    return app && !app.hidden ? app.querySelector(inner) : null;
  };
  const poll = () => {
    const el = find();
    if (el && el.getClientRects().length) {
      window.__shownAt = performance.now();
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();"""

LOAD_REPORT = """() => {
  const shown = window.__shownAt;
  const nav = performance.getEntriesByType("navigation")[0];
  // The icon is the browser's own errand, fetched when it gets round to it: nothing waits for it.
  const icon = document.querySelector("link[rel=icon]")?.href;
  const entries = performance.getEntriesByType("resource")
    .filter((entry) => entry.name.startsWith(location.origin) && entry.startTime <= shown)
    .filter((entry) => entry.name !== icon)
    .sort((a, b) => a.startTime - b.startTime);
  const done = [{ end: nav.responseEnd, wave: 1 }];
  const requests = [];
  for (const entry of entries) {
    const before = done.filter((item) => item.end <= entry.startTime);
    const wave = 1 + Math.max(1, ...before.map((item) => item.wave));
    done.push({ end: entry.responseEnd, wave });
    requests.push({ url: entry.name.slice(location.origin.length), wave,
                    start: entry.startTime, end: entry.responseEnd });
  }
  return { shown, waves: Math.max(1, ...requests.map((r) => r.wave)), requests };
}"""


def shown_selector_script(kind: str) -> str:
    """An init script naming what `SHOWN_SCRIPT` waits for (run it before that one)."""
    return f"window.__shownSelector = {SELECTORS[kind]!r};"
