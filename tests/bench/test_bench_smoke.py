"""The benchmarks run end to end in `--quick` mode and print their ratio lines.

Only the shape of the output is checked, never a timing: speed depends on the machine.
Each runs as `python -m bench.<name> --quick` from the repo root, as a user would run it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"\d+\.\d\d"


def run_quick(module: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def ratio_line(output: str, label: str, target: str | None) -> re.Match:
    suffix = (rf"\(target {re.escape(target)}: (met|NOT met)\)" if target
              else r"\(for information")
    pattern = rf"^RATIO {re.escape(label)} = {NUMBER} {suffix}"
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"no line matching {pattern!r} in:\n{output}"
    return match


@pytest.mark.timeout(360)
def test_bench_me_prints_both_ratios_against_their_targets():
    output = run_quick("bench.bench_me")
    ratio_line(output, "me_miss/direct", "<= 1.25")
    ratio_line(output, "me_hit/direct", "< 1")
    for side in ("direct", "bff miss", "bff hit"):
        assert re.search(rf"^  {side}\s+\d+\s+\d+\.\d", output, re.MULTILINE), output


@pytest.mark.timeout(360)
def test_bench_tokens_prints_ratios_and_finds_no_signature_check_per_request():
    output = run_quick("bench.bench_tokens")
    ratio_line(output, "ours/pyjwt", "<= 1.2")
    for label in ("ours/rsa", "pyjwt/rsa", "per_request/ours", "current_user/ours"):
        ratio_line(output, label, None)
    # Not a timing: the count of signature verifications, which the code decides.
    assert re.search(r"^SIGNATURES current_user\(\): 0 verifications", output, re.M), output
    assert re.search(r"^SIGNATURES GET /api/me: 0 verifications", output, re.M), output
    control = re.search(r"^SIGNATURES validator \(control\): (\d+) verifications in (\d+)",
                        output, re.M)
    assert control and control[1] == control[2] != "0", output
    assert "CHECK per-request path verifies no signature: met" in output


@pytest.mark.timeout(480)
def test_bench_store_prints_its_ratios_against_their_targets():
    """gunicorn, Debian's wrk and redis-server for real; a short run, 2,000 sessions."""
    output = run_quick("bench.bench_store", timeout=420)
    for label, target in (("sqlite/bare", ">= 0.6"), ("redis/bare", ">= 0.6"),
                          ("redis/sqlite", ">= 1 (Redis no slower)"),
                          ("sqlite_p99_2k/100", "<= 1.2"), ("redis_p99_2k/100", "<= 1.2")):
        ratio_line(output, label, target)
    for side in ("bare", "sqlite 100", "sqlite 2k", "redis 100", "redis 2k"):
        assert re.search(rf"^  {side}\s+\d+\s+\d+\.\d\d$", output, re.MULTILINE), output


@pytest.mark.timeout(360)
def test_bench_first_paint_prints_its_waves_and_the_ratio_to_a_static_page():
    output = run_quick("bench.bench_first_paint")
    ratio_line(output, "reload/static", None)
    ratio_line(output, "waves/target", "<= 1")
    assert re.search(r"^WAVES profile reload = \d+ \(target <= 3: (met|NOT met)\)", output, re.M), \
        output
    for side in ("profile reload", "static page"):
        assert re.search(rf"^  {side}\s+\d+\s+\d+\.\d", output, re.MULTILINE), output
