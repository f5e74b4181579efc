"""Compares two logits files (e.g. the C# runtime's and bert_reference.py's) within a tolerance.

    /usr/bin/python3 scripts/torch/compare_logits.py --expected ref.json --actual runtime.json [--atol 1e-4] [--rtol 0]

Each file is either bert_reference.py's output ({"logits": [[...], ...], ...}) or a bare JSON list
of rows. Prints the largest difference and where it is; exit 0 when every |a − e| ≤ atol + rtol·|e|,
1 when some value is off (each such value is listed, up to 20), 2 for unreadable or mismatched files.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Sequence


def load_rows(path: str) -> list[list[float]]:
    """The logits rows of a file; ValueError says what is wrong with it."""
    with open(path, encoding="utf-8") as f:
        document: Any = json.load(f)
    rows = document.get("logits") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ValueError(f"{path}: expected a list of logits rows or an object with 'logits'")
    for n, row in enumerate(rows):
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
            raise ValueError(f"{path}: row {n} holds something other than numbers")
    return [[float(v) for v in row] for row in rows]


def compare(expected: list[list[float]], actual: list[list[float]], atol: float, rtol: float) -> tuple[float, list[str]]:
    """(largest |difference|, descriptions of the values outside the tolerance); ValueError on shape mismatch."""
    if len(expected) != len(actual):
        raise ValueError(f"{len(expected)} expected rows but {len(actual)} actual rows")
    worst = 0.0
    problems = []
    for n, (e_row, a_row) in enumerate(zip(expected, actual)):
        if len(e_row) != len(a_row):
            raise ValueError(f"row {n}: {len(e_row)} expected values but {len(a_row)} actual")
        for c, (e, a) in enumerate(zip(e_row, a_row)):
            difference = abs(a - e)
            if not math.isfinite(a) or not math.isfinite(e):
                difference = math.inf if a != e else 0.0
            worst = max(worst, difference)
            if difference > atol + rtol * abs(e):
                problems.append(f"row {n}, logit {c}: expected {e!r}, actual {a!r}, |difference| {difference:.3g}")
    return worst, problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--expected", required=True)
    parser.add_argument("--actual", required=True)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--rtol", type=float, default=0.0)
    args = parser.parse_args(argv)
    try:
        worst, problems = compare(load_rows(args.expected), load_rows(args.actual), args.atol, args.rtol)
    except (OSError, ValueError) as error:  # json.JSONDecodeError is a ValueError
        print(f"compare_logits: {error}", file=sys.stderr)
        return 2
    for line in problems[:20]:
        print(line)
    verdict = "FAILED" if problems else "ok"
    print(f"compare_logits: {verdict}: largest |difference| {worst:.3g} (atol {args.atol:g}, rtol {args.rtol:g}), "
          f"{len(problems)} value(s) outside")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
