"""Interleaved measurement and the tables the benchmarks print.

Contract: `interleave(sides, rounds, budget)` calls each side's sampler once per round,
rotating the order every round, so that machine noise (another process, CPU frequency,
a GC pause) falls on every side alike; it stops after `rounds` rounds or once `budget`
seconds have passed (at least 3 rounds). A sampler returns the seconds one operation
took (it may time a batch and divide, and may do untimed preparation). `print_table`
prints median, p10 and p90 per side; `ratio` is the ratio of two sides' medians.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

Sampler = Callable[[], float]


def interleave(
    sides: Mapping[str, Sampler], rounds: int, budget: float = float("inf")
) -> dict[str, list[float]]:
    names = list(sides)
    samples: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.monotonic() + budget
    for index in range(rounds):
        if index >= 3 and time.monotonic() > deadline:
            break
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(sides[name]())
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(samples: Mapping[str, list[float]], numerator: str, denominator: str) -> float:
    return median(samples[numerator]) / median(samples[denominator])


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def print_table(title: str, samples: Mapping[str, list[float]], unit: str = "us") -> None:
    scale = {"us": 1e6, "ms": 1e3}[unit]
    width = max(len(name) for name in samples)
    print(f"\n{title}")
    print(f"  {'':{width}}  {'n':>5}  {'median':>9}  {'p10':>9}  {'p90':>9}  ({unit})")
    for name, values in samples.items():
        print(f"  {name:{width}}  {len(values):5d}  {median(values) * scale:9.1f}"
              f"  {_quantile(values, 0.1) * scale:9.1f}  {_quantile(values, 0.9) * scale:9.1f}")


def print_ratio(label: str, value: float, target: str, met: bool) -> None:
    """One ratio line: `RATIO <label> = <value> (target <target>: met|NOT met)`."""
    print(f"RATIO {label} = {value:.2f} (target {target}: {'met' if met else 'NOT met'})")
