"""The one percentile of the benchmarks (bench/load.py, bench/telegram_bot.py and any new one).

numpy's ``percentile`` with ``method="linear"`` (numpy's default; type 7 of Hyndman and Fan, as
R's default, pandas' ``quantile`` and spreadsheets' PERCENTILE.INC): between the two nearest
ranks, interpolated. Chosen over "nearest" because the figures then agree with what other
tools compute from the same latencies, p50 is exactly the ``statistics.median`` the other
benchmarks print, and a p95 of a small sample moves smoothly instead of jumping from one
measured value to the next. Before, two hand-written nearest-rank functions rounded the rank
differently (one up, one to the nearest) and gave different p95s for the same data.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

#: numpy's method name, written into result files and docs where a percentile is shown.
METHOD = "linear"


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ``values``; NaN when there are none."""
    data = np.asarray(list(values), dtype=float)
    if data.size == 0:
        return float("nan")
    return float(np.percentile(data, q, method=METHOD))
