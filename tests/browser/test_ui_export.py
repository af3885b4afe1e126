"""'Download my data' in the Profile view (Chromium): the button downloads one JSON
file of alice's data without a token in it; axe finds nothing serious."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.test_ui_views import serious_violations, wait_loaded

pytestmark = pytest.mark.browser


def test_download_my_data(alice_page, console_errors):
    page = alice_page
    wait_loaded(page)
    button = page.get_by_role("link", name="Download my data")
    with page.expect_download() as waiting:
        button.click()
    download = waiting.value
    assert download.suggested_filename == "account-data.json"
    text = Path(download.path()).read_text()
    data = json.loads(text)
    assert data["profile"]["email"] == "alice@example.com"
    assert [s["current"] for s in data["sessions"]] == [True]
    assert "eyJ" not in text
    assert console_errors == []
    assert serious_violations(page) == []
    console_errors.clear()  # axe-core's injected inline styles are refused by our CSP
