"""How Algorithm B's time per iteration grows with the network: CPU per kernel, 1 thread.

Issue 16 measured time per iteration growing faster than zones x links from ChicagoSketch to
Berlin-Center. Berlin-Center is not on this machine; this script measures the growth over the
four TNTP networks that are (../shared/benchmarks/tntp): for each, one untimed solve (kernels
loaded), then a solve to a relative gap of 1e-6 with every kernel wrapped in a CPU timer. It
prints CPU per iteration, split into bush updates, flow shifts and the gap's shortest paths,
against the size that drives each: bushes x links (the per-bush arrays a pass reads), and the
working set of the per-bush arrays in MB. The exponent is the least-squares slope of
log(time per iteration) on log(bushes x links).

Usage::

    python bench/algb_growth.py
"""

from __future__ import annotations

import collections
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

import silkrail

sys.path.insert(0, str(Path(__file__).parent))
from algb_kernel_split import time_kernels

TNTP = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp"
NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch")
PHASES = {
    "bush_update_share": "bush updates",
    "bush_shift_share": "flow shifts",
    "aon_share": "shortest paths",
}
#: Bytes a bush keeps per link (docs/assignment.md): flow 8, in-link list 8, mask 1.
BYTES_PER_BUSH_LINK = 17


def main() -> None:
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    spent: collections.Counter[str] = collections.Counter()
    rows = []
    problems = []
    for name in NETWORKS:
        net = silkrail.read_tntp_net(TNTP / name / f"{name}_net.tntp")
        trips = silkrail.read_tntp_trips(TNTP / name / f"{name}_trips.tntp")
        problems.append((name, net, trips))
        silkrail.assign(net, trips, method="algb", rgap=1e-4)  # load the kernels untimed
    time_kernels(tuple(PHASES), spent)
    header = (
        f"{'network':14s} {'bushes':>6s} {'links':>6s} {'bush x link':>11s} {'MB':>6s} "
        f"{'its':>4s} {'ms/it':>7s} {'update':>7s} {'shift':>7s} {'paths':>7s}"
    )
    print(header)
    for name, net, trips in problems:
        spent.clear()
        start = time.process_time()
        result = silkrail.assign(net, trips, method="algb", rgap=1e-6, cores=1)
        total = time.process_time() - start
        its = int(result.report.iteration[-1])
        bushes = int(np.count_nonzero(np.asarray(trips).sum(axis=1) > 0))
        links = int(net.num_links)
        size = bushes * links
        per = {k: 1000 * spent[k] / its for k in PHASES}
        rows.append((size, 1000 * total / its, per))
        print(
            f"{name:14s} {bushes:6d} {links:6d} {size:11,d} "
            f"{size * BYTES_PER_BUSH_LINK / 1e6:6.1f} {its:4d} {1000 * total / its:7.1f} "
            f"{per['bush_update_share']:7.1f} {per['bush_shift_share']:7.1f} "
            f"{per['aon_share']:7.1f}"
        )
    x = np.log([r[0] for r in rows])
    for label, values in (
        ("whole iteration", [r[1] for r in rows]),
        *((PHASES[k], [r[2][k] for r in rows]) for k in PHASES),
    ):
        slope = float(np.polyfit(x, np.log(np.maximum(values, 1e-9)), 1)[0])
        print(f"exponent of ms per iteration on bushes x links, {label:16s}: {slope:.2f}")
    big, small = rows[-1], rows[-2]
    ratio, grow = big[1] / small[1], big[0] / small[0]
    print(
        f"{NETWORKS[-1]} / {NETWORKS[-2]}: x{grow:.1f} bushes x links, "
        f"x{ratio:.1f} time per iteration (exponent {math.log(ratio) / math.log(grow):.2f})"
    )
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
