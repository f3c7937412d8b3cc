"""Algorithm B's time per iteration beyond ChicagoSketch: k tiled copies of it, 1 thread.

Issue 16 saw the time per iteration grow 36–62 times from ChicagoSketch to Berlin-Center for
21 times the zones x links (an exponent of 1.2–1.4), where ``bench/algb_growth.py`` finds an
exponent of about 1 over the four TNTP networks on this machine, the largest of which still
keeps its per-bush arrays in cache. Berlin-Center is not here, so this script makes networks
of that size from the one it has: k copies of ChicagoSketch side by side, each copy's zones and
nodes renumbered (zones of all copies first, as TNTP wants), joined copy ``i`` to copy ``i + 1``
in both directions by connector links between the same node of the two copies (every
``STRIDE``-th node that is not a zone; free-flow time 5 min, capacity 20,000, length 5), with
each copy's own trips and 5 % of them again to the next copy (so that bushes span copies and
connectors carry flow). Bushes and links both grow k-fold, so bushes x links grows k² times:
k = 4 gives 16 times ChicagoSketch's, near Berlin-Center's 21 times.

For each k it solves once to a relative gap of 1e-4 with every kernel wrapped in a CPU timer
and prints CPU ms per iteration by phase and the exponent on bushes x links (least squares of
the logs). The networks are synthetic: they measure how the solver's cost grows with size and
memory, not how a real city of that size converges.

Usage::

    python bench/algb_tiled_growth.py            # k = 1..4
    python bench/algb_tiled_growth.py --tiles 1 2 3 4 5 --rgap 1e-4
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

import numpy as np

import silkrail

sys.path.insert(0, str(Path(__file__).parent))
from algb_growth import BYTES_PER_BUSH_LINK, PHASES, TNTP
from algb_kernel_split import time_kernels

STRIDE = 20
CROSS_SHARE = 0.05


def tile(net: silkrail.TrafficNetwork, trips: np.ndarray, k: int) -> tuple[object, np.ndarray]:
    """Return ``k`` copies of ``net`` joined copy to copy, and their trips (see the module)."""
    z, n = net.num_zones, net.num_nodes
    thru = n - z

    def number(copy: int, node: np.ndarray) -> np.ndarray:
        """New 1-based numbers of the 1-based ``node`` of ``copy``: zones first."""
        node = np.asarray(node)
        return np.where(node <= z, copy * z + node, k * z + copy * thru + (node - z))

    cols: dict[str, list[np.ndarray]] = collections.defaultdict(list)
    picked = np.arange(z + 1, n + 1)[::STRIDE]
    for c in range(k):
        cols["init_node"].append(number(c, net.init_node))
        cols["term_node"].append(number(c, net.term_node))
        for col in ("capacity", "length", "free_flow_time", "b", "power", "toll"):
            cols[col].append(np.asarray(getattr(net, col)))
        if c + 1 < k:
            for a, b in ((c, c + 1), (c + 1, c)):
                cols["init_node"].append(number(a, picked))
                cols["term_node"].append(number(b, picked))
                for col, value in (("capacity", 20_000.0), ("length", 5.0),
                                   ("free_flow_time", 5.0), ("b", 0.15), ("power", 4.0),
                                   ("toll", 0.0)):  # fmt: skip
                    cols[col].append(np.full(picked.size, value))
    tiled = silkrail.TrafficNetwork(
        **{col: np.concatenate(parts) for col, parts in cols.items()},
        num_nodes=k * n,
        num_zones=k * z,
        first_thru_node=1 if net.first_thru_node <= 1 else k * z + 1,
        name=f"{k} x {net.name}",
    )
    demand = np.zeros((k * z, k * z))
    for c in range(k):
        demand[c * z : (c + 1) * z, c * z : (c + 1) * z] = trips
        if c + 1 < k:
            demand[c * z : (c + 1) * z, (c + 1) * z : (c + 2) * z] = CROSS_SHARE * trips
    return tiled, demand


def split(net: silkrail.TrafficNetwork, pieces: int) -> silkrail.TrafficNetwork:
    """Return ``net`` with every link cut into ``pieces`` links in a row (new nodes between).

    Each piece has the link's capacity, BPR ``b`` and power and a share of its free-flow time
    and length; the toll is on the first piece. Paths and their costs at any flow are those of
    ``net``; only the nodes (of degree two) and links are more, as in networks digitised
    finely, such as Berlin-Center (1.5 nodes a link against ChicagoSketch's 0.3).
    """
    if pieces == 1:
        return net
    m, n = net.num_links, net.num_nodes
    inner = n + 1 + np.arange(m * (pieces - 1)).reshape(m, pieces - 1)
    chain = np.column_stack([net.init_node, inner, net.term_node])
    toll = np.zeros((m, pieces))
    toll[:, 0] = net.toll

    def each(col: str) -> np.ndarray:
        return np.repeat(np.asarray(getattr(net, col)), pieces)

    return silkrail.TrafficNetwork(
        init_node=chain[:, :-1].ravel(),
        term_node=chain[:, 1:].ravel(),
        capacity=each("capacity"),
        length=each("length") / pieces,
        free_flow_time=each("free_flow_time") / pieces,
        b=each("b"),
        power=each("power"),
        toll=toll.ravel(),
        num_nodes=n + m * (pieces - 1),
        num_zones=net.num_zones,
        first_thru_node=net.first_thru_node,
        name=f"{net.name} cut {pieces}",
    )


def _case(text: str) -> tuple[int, int]:
    k, _, pieces = text.partition("x")
    return int(k), int(pieces or 1)


def _exponents(rows: list[tuple[int, int, float, dict[str, float]]]) -> None:
    for size_label, at in (("bushes x links", 0), ("bushes x (nodes + links)", 1)):
        x = np.log([r[at] for r in rows])
        for label, values in (
            ("whole iteration", [r[2] for r in rows]),
            *((PHASES[name], [r[3][name] for r in rows]) for name in PHASES),
        ):
            slope = float(np.polyfit(x, np.log(np.maximum(values, 1e-9)), 1)[0])
            print(f"  exponent on {size_label:24s} {label:16s}: {slope:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", nargs="+", default=["1x1", "2x1", "3x1", "4x1", "1x2", "1x3", "2x2"],
        help="KxS: K tiled copies, every link cut into S pieces",
    )  # fmt: skip
    parser.add_argument("--rgap", type=float, default=1e-4)
    opts = parser.parse_args()
    folder = TNTP / "ChicagoSketch"
    base = silkrail.read_tntp_net(folder / "ChicagoSketch_net.tntp")
    base_trips = silkrail.read_tntp_trips(folder / "ChicagoSketch_trips.tntp")
    silkrail.assign(base, base_trips, method="algb", rgap=1e-4)  # load the kernels untimed
    spent: collections.Counter[str] = collections.Counter()
    time_kernels(tuple(PHASES), spent)
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"CPU ms per iteration, 1 thread, to rgap {opts.rgap:g}")
    print(
        f"{'case':>4s} {'bushes':>6s} {'nodes':>6s} {'links':>6s} {'bush x link':>12s} "
        f"{'MB':>5s} {'its':>3s} {'ms/it':>7s} {'update':>7s} {'shift':>7s} {'paths':>7s}"
    )
    rows: list[tuple[int, int, float, dict[str, float]]] = []
    for text in opts.cases:
        k, pieces = _case(text)
        net, trips = tile(split(base, pieces), base_trips, k)
        spent.clear()
        start = time.process_time()
        result = silkrail.assign(net, trips, method="algb", rgap=opts.rgap, cores=1)
        total = time.process_time() - start
        its = int(result.report.iteration[-1])
        bushes = int(np.count_nonzero(trips.sum(axis=1) > 0))
        size = bushes * int(net.num_links)
        per = {name: 1000 * spent[name] / its for name in PHASES}
        rows.append((size, bushes * (net.num_nodes + net.num_links), 1000 * total / its, per))
        print(
            f"{text:>4s} {bushes:6d} {net.num_nodes:6d} {net.num_links:6d} {size:12,d} "
            f"{size * BYTES_PER_BUSH_LINK / 1e6:5.0f} {its:3d} {1000 * total / its:7.1f} "
            f"{per['bush_update_share']:7.1f} {per['bush_shift_share']:7.1f} "
            f"{per['aon_share']:7.1f}",
            flush=True,
        )
    tiled = [r for r, t in zip(rows, opts.cases, strict=True) if _case(t)[1] == 1]
    cut = [r for r, t in zip(rows, opts.cases, strict=True) if _case(t)[0] == 1]
    for label, group in (("tiles (S = 1)", tiled), ("cuts (K = 1)", cut), ("all", rows)):
        if len(group) > 1:
            print(f"{label}:")
            _exponents(group)
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
