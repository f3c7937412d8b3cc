#!/usr/bin/env python
"""Find missing lines: plan a seeded sample of nearby terminal pairs and list the long detours.

The issue-#12 test holds the 30 busiest terminals of the demand table to a land detour index of
1.5. This scan looks wider: pairs of open terminals and ports whose great-circle distance lies
between ``--min-km`` and ``--max-km``, sampled with a seed, planned with the defaults, and the
first route's land detour index (route km on land ÷ great circle of its land stretches) counted.
A pair far above 2 usually means a line the data lack (a train would not go round that way);
the worst pairs by country pair say where to look. Nothing is fitted and nothing is written:
the findings go into docs/data.md by hand, with what was added for them.

Run from the repository root::

    .venv/bin/python scripts/scan_detours.py                  # 1,500 pairs, seed 1
    .venv/bin/python scripts/scan_detours.py --pairs 300 --worst 20
"""

from __future__ import annotations

import argparse
import collections
import itertools
import random
import statistics
from importlib import resources

import pandas as pd

import silkrail
from silkrail.network._geo import great_circle_km


def _candidates() -> pd.DataFrame:
    path = resources.files("silkrail.datasets") / "corridors" / "nodes.csv"
    with path.open(encoding="utf-8") as fh:
        nodes = pd.read_csv(fh)
    return nodes[nodes["kind"].isin(["terminal", "port"]) & (nodes["status"] == "open")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1500, help="pairs planned (1500)")
    parser.add_argument("--seed", type=int, default=1, help="sampling seed (1)")
    parser.add_argument("--min-km", type=float, default=150.0, help="least great circle (150)")
    parser.add_argument("--max-km", type=float, default=1500.0, help="most great circle (1500)")
    parser.add_argument("--worst", type=int, default=15, help="worst pairs listed (15)")
    args = parser.parse_args()

    net = silkrail.load_network()
    nodes = _candidates()
    where = {r.id: (r.lat, r.lon, r.country) for r in nodes.itertuples()}
    pairs = []
    for a, b in itertools.combinations(sorted(where), 2):
        km = float(great_circle_km(where[a][0], where[a][1], where[b][0], where[b][1]))
        if args.min_km < km < args.max_km:
            pairs.append((a, b))
    random.Random(args.seed).shuffle(pairs)
    pairs = pairs[: args.pairs]

    detours, worst = [], []
    by_countries: collections.Counter[str] = collections.Counter()
    for a, b in pairs:
        route = silkrail.plan(net, a, b, depart="2025-06-01").routes[0]
        d = route.land_detour_index
        detours.append(d)
        if d > 2.0:
            by_countries["–".join(sorted({where[a][2], where[b][2]}))] += 1
        worst.append((d, route.legs[0].from_name, route.legs[-1].to_name, route.label))

    n = len(detours)
    print(f"{n} pairs of open terminals and ports {args.min_km:.0f}–{args.max_km:.0f} km apart")
    print(f"(great circle), seed {args.seed}; land detour index of the first route:")
    print(f"  median {statistics.median(detours):.2f}")
    for cap in (1.5, 2.0, 3.0):
        k = sum(d > cap for d in detours)
        print(f"  above {cap}: {k} ({k / n:.0%})")
    print("above 2.0 by countries:", ", ".join(f"{c} {k}" for c, k in by_countries.most_common(12)))
    print(f"worst {args.worst}:")
    for d, a, b, label in sorted(worst, reverse=True)[: args.worst]:
        print(f"  {d:5.2f}  {a} → {b}: {label}"[:78])


if __name__ == "__main__":
    main()
