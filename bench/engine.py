# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Rating throughput of the pure engine: ``python3 bench/engine.py [N]`` (default 1,000,000).

A realistic mix of charges (standard, 3-tier graduated, volume, package), built and
validated once, is rated N times through the public :func:`engine.rating.rate`, each time
with a fresh quantity: every rating computes its amount, the single rounding step and the
cents. The breakdown (``amount_details``) is built lazily by the engine, so a second run
also builds it for every rating, and a third serialises the whole result
(:meth:`~engine.rating.Rating.as_dict`). Single process, single core.
"""

import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

# Runnable from anywhere: the repository root (the addon) holds the ``engine`` package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.rating import Charge, rate  # noqa: E402

CHARGES = (
    Charge.build("standard", {"amount": "0.0125"}, included_quantity="1000"),
    Charge.build("graduated", {"graduated_ranges": [
        {"from_value": 0, "to_value": 1000, "per_unit_amount": "0", "flat_amount": "0"},
        {"from_value": 1001, "to_value": 10000, "per_unit_amount": "0.02", "flat_amount": "5"},
        {"from_value": 10001, "to_value": None, "per_unit_amount": "0.015", "flat_amount": "0"},
    ]}),
    Charge.build("volume", {"volume_ranges": [
        {"from_value": 0, "to_value": 100, "per_unit_amount": "2", "flat_amount": "10"},
        {"from_value": 101, "to_value": 200, "per_unit_amount": "1", "flat_amount": "0"},
        {"from_value": 201, "to_value": None, "per_unit_amount": "0.5", "flat_amount": "50"},
    ]}),
    Charge.build("package", {"amount": "30", "package_size": 1000, "free_units": 100}),
)
DISTINCT_QUANTITIES = 4096


def _quantities(seed=20260101):
    """Pre-made Decimal quantities (integers and 2-decimal values, 0 to 50,000)."""
    rng = random.Random(seed)
    values = []
    for _ in range(DISTINCT_QUANTITIES):
        cents = rng.randrange(0, 5_000_000)
        values.append(Decimal(cents).scaleb(-2) if rng.random() < 0.3 else Decimal(cents // 100))
    return values


def _run(n, quantities, mode):
    charges, mask = CHARGES, DISTINCT_QUANTITIES - 1
    total_cents = 0
    start = time.perf_counter()
    for i in range(n):
        result = rate(charges[i & 3], quantities[i & mask])
        total_cents += result.amount_cents
        if mode == "breakdown":
            result.breakdown  # noqa: B018 - building it is the point
        elif mode == "as_dict":
            result.as_dict()
    return time.perf_counter() - start, total_cents


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 1_000_000
    quantities = _quantities()
    print(f"platform : {platform.platform()}")
    print(f"python   : {platform.python_implementation()} {platform.python_version()}")
    print(f"cpus     : {os.cpu_count()} (benchmark uses 1)")
    print(f"data     : {n:,} ratings; {len(CHARGES)} charges (standard, 3-tier graduated, "
          f"3-tier volume, package) x {DISTINCT_QUANTITIES:,} distinct quantities")
    for mode, label in (("amount", "amount + rounding + cents (breakdown lazy)"),
                        ("breakdown", "... + breakdown built for every rating"),
                        ("as_dict", "... + whole result serialised (as_dict)")):
        elapsed, checksum = _run(n, quantities, mode)
        print(f"{label:48s}: {n / elapsed:12,.0f} ratings/s  ({elapsed:6.2f} s, "
              f"checksum {checksum} cents)")


if __name__ == "__main__":
    main(sys.argv)
