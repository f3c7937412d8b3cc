"""Shipment store benchmarks: batched ingest before and after a change, beside plain sqlite3.

1. Ingest events in batches into a fresh SQLite file, each case in a fresh process per side
   ("before": the ``src`` folder given by ``--before``; "after": this checkout), the sides
   alternating case by case, each the median of ``--repeat`` runs; wall time and the
   process's CPU time of the ingest calls only (the 2 cores may be shared with other jobs;
   the load average is printed before and after).

   - ``add_events``: the store alone (one transaction per batch, idempotency and
     unknown-container checks), 50 shipments on one train;
   - ``ingest_events`` (the store, then one forecast per shipment and batch): 50 shipments
     on one train (every container at the same node on the same day), or each on a day of
     its own (no two share a computation unless their dates carry the same conditions);
   - **daily feed**: 800 containers on 20 trains (40 a train) on 6 routes, the trains
     departed 0–10 days before the first feed day; each day's batch has one event per
     container, its train's latest arrival (at the scheduled time, a container's event a
     minute after the one before), 5 days;
   - 1,000 shipments, each event a different shipment: on one train; or each on a day and
     at a place of its own (March 2025 on: no dated condition in reach, so the days share
     draws); or the worst case: each event on a day of its own in March–June 2024, when the
     Malaszewicze congestion period is in reach, at one of 10 places, no two events of a
     batch alike (a computation per event);
   - ``ingest_events(every_event=True)``: a forecast after every new event.

   The peer, in the "after" process: Python's ``sqlite3`` with ``executemany`` of
   ``INSERT OR IGNORE`` into the same table layout, one transaction per batch, same pragmas.
2. One arrival forecast (``forecast_shipment``, 1,000 draws) for a Xi'an → Duisburg shipment
   after its departure: median of 50 calls, per side.

Run:  python bench/shipments_ingest.py --before $BEFORE/src [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
T0 = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
NODES = ("CN-XIAN", "CN-BAOJI", "CN-TIANSHUI", "CN-LANZHOU", "KZ-DOSTYK", "BY-BREST")
# Ten nodes of the Xi'an -> Duisburg route before Malaszewicze.
GRID_NODES = (*NODES, "CN-WUWEI", "CN-JIAYUGUAN", "CN-HAMI", "CN-URUMQI")
FEED_ROUTES = (
    ("Xi'an", "Duisburg"),
    ("Chengdu", "Lodz"),
    ("Zhengzhou", "Hamburg"),
    ("Xi'an", "Baku"),
    ("Yiwu", "Madrid"),
    ("Xi'an", "Almaty"),
)
FEED_TRAINS, FEED_BOXES, FEED_DAYS = 20, 40, 5

# name: (label, events, shipments, how the events fall)
CASES = {
    "store": ("`add_events` (store only)", 10_000, 50, "one train"),
    "train50": ("`ingest_events`", 10_000, 50, "one train"),
    "own50": ("`ingest_events`", 10_000, 50, "own day each"),
    "feed": ("`ingest_events`, daily feed", 0, FEED_TRAINS * FEED_BOXES, "20 trains"),
    "train1000": ("`ingest_events`", 2_500, 1000, "one train"),
    "own1000": ("`ingest_events`", 2_500, 1000, "own day and place"),
    "worst1000": ("`ingest_events`", 2_500, 1000, "own day and place, 2024"),
    "every": ("`ingest_events(every_event=True)`", 1_000, 50, "one train"),
}


def containers(n: int, prefix: str = "SILU") -> list[str]:
    from silkrail.shipments import check_digit

    out = []
    for i in range(n):
        head = f"{prefix}{i:06d}"
        out.append(head + str(check_digit(head)))
    return out


def events(n: int, boxes: list[str], tag: str, *, own: str = "") -> list[Any]:
    """Return n events cycling over the containers.

    `own` "day": each container's events fall on a day of its own; "place": also at a node
    of its own; "grid": on one of 100 days from 2024-03-20 and at one of 10 nodes, no two
    events of 1,000 alike.
    """
    from silkrail.shipments import ShipmentEvent

    k = len(boxes)
    if own == "grid":
        start = dt.datetime(2024, 3, 20, 8, tzinfo=dt.UTC)
        when = [start + dt.timedelta(days=i % 100, minutes=i // 100) for i in range(n)]
        where = [GRID_NODES[(i // 100) % len(GRID_NODES)] for i in range(n)]
    else:
        when = [T0 + dt.timedelta(days=(i % k) if own else 0, minutes=i) for i in range(n)]
        shift = [(i % k) if own == "place" else 0 for i in range(n)]
        where = [NODES[((i // k) + shift[i]) % len(NODES)] for i in range(n)]
    return [
        ShipmentEvent(f"{tag}-{i}", boxes[i % k], "TRANSPORT", "ARRI", "ACT", t, at, "RAIL")
        for i, (t, at) in enumerate(zip(when, where, strict=True))
    ]


def daily_feed(net: Any, tag: str) -> tuple[list[Any], list[list[Any]]]:
    """Return the feed's shipments and its daily batches (see the module docstring)."""
    from silkrail.shipments import ShipmentEvent, plan_shipment

    boxes = containers(FEED_TRAINS * FEED_BOXES, "FEDU")
    planned = [plan_shipment(net, boxes[0], a, b, depart=T0) for a, b in FEED_ROUTES]
    shipments, schedule = [], []
    for t in range(FEED_TRAINS):
        base = planned[t % len(planned)]
        depart = T0 - dt.timedelta(days=(t * 7) % 11, hours=3 * t)
        arrive, elapsed = [], 0.0
        for leg in base.route.legs:
            elapsed += leg.hours
            if leg.kind == "travel":
                arrive.append((depart + dt.timedelta(hours=elapsed), leg.to_id))
        ids = boxes[t * FEED_BOXES : (t + 1) * FEED_BOXES]
        shipments += [replace(base, container=c, depart=depart) for c in ids]
        schedule.append((ids, arrive))
    batches = []
    for day in range(FEED_DAYS):
        end = T0 + dt.timedelta(days=day + 1)
        batch = []
        for ids, arrive in schedule:
            reached = [(when, node) for when, node in arrive if when <= end]
            if not reached or reached[-1][0] < end - dt.timedelta(days=1):
                continue  # not departed, or no new node that day
            when, node = reached[-1]
            batch += [
                ShipmentEvent(f"{tag}-{c}-{node}", c, "TRANSPORT", "ARRI", "ACT", t, node, "RAIL")
                for t, c in ((when + dt.timedelta(minutes=k), c) for k, c in enumerate(ids))
            ]
        batches.append(batch)
    return shipments, batches


def peer_ingest(path: Path, batches: list[list[Any]]) -> float:
    from silkrail.shipments.store import _naive

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE events (event_id TEXT PRIMARY KEY, container TEXT, event_type TEXT, "
        "code TEXT, classifier TEXT, event_time TEXT, location TEXT, mode TEXT, received_at TEXT)"
    )
    con.execute("CREATE INDEX ix ON events (container, event_time)")
    t = time.perf_counter()
    for b in batches:
        now = _naive(dt.datetime.now(dt.UTC)).isoformat(" ")
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    e.event_id,
                    e.container,
                    e.event_type,
                    e.code,
                    e.classifier,
                    _naive(e.event_time).isoformat(" "),
                    e.location,
                    e.mode,
                    now,
                )
                for e in b
            ],
        )
        con.execute("COMMIT")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def child(case: str, repeat: int, peer: bool) -> dict[str, Any]:
    """Run one case `repeat` times in this process; return medians as a dict."""
    import silkrail
    from silkrail.shipments import ShipmentStore, forecast_shipment, ingest_events, plan_shipment

    net = silkrail.load_network()
    base = plan_shipment(net, "CSQU3054383", "Xi'an", "Duisburg", depart=T0)
    if case == "forecast":
        from silkrail.shipments import ShipmentEvent

        dep = [ShipmentEvent("d", base.container, "TRANSPORT", "DEPA", "ACT", T0, "CN-XIAN")]
        forecast_shipment(base, dep, net)
        walls, cpus = [], []
        for _ in range(50):
            t, c = time.perf_counter(), time.process_time()
            forecast_shipment(base, dep, net)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        return {"wall": statistics.median(walls), "cpu": statistics.median(cpus)}
    _, n, ships, how = CASES[case]
    walls, cpus, peers, counts = [], [], [], []
    for r in range(repeat):
        if case == "feed":
            shipments, batches = daily_feed(net, f"r{r}")
        else:
            own = {"own day each": "day", "own day and place": "place"}.get(how, "")
            own = "grid" if case == "worst1000" else own
            shipments = [replace(base, container=c) for c in containers(ships)]
            ev = events(n, [s.container for s in shipments], f"r{r}", own=own)
            batches = [ev[i : i + 1000] for i in range(0, len(ev), 1000)]
        tmp = Path(tempfile.mkdtemp())
        url = f"sqlite:///{tmp / 's.sqlite'}"
        with ShipmentStore(url) as store:
            for s in shipments:
                store.add_shipment(s)
        store = ShipmentStore(url)  # a fresh store, as a new CLI import or server starts
        made = 0
        t, c = time.perf_counter(), time.process_time()
        for b in batches:
            if case == "store":
                store.add_events(b)
            else:
                made += ingest_events(store, b, net, every_event=case == "every").forecasts
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        store.close()
        counts.append((sum(map(len, batches)), len(batches), made))
        if peer:
            peers.append(peer_ingest(tmp / "peer.sqlite", batches))
    events_, nbatches, made = counts[0]
    return {
        "events": events_,
        "batches": nbatches,
        "forecasts": made,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "cpu_first": cpus[0],  # dates' conditions not yet cached in the process
        "peer": statistics.median(peers) if peers else None,
        "module": silkrail.__file__,
    }


def run_side(src: Path, case: str, repeat: int, peer: bool) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--child", case, "--repeat", str(repeat)]
    out = subprocess.run(
        [*cmd, *(["--peer"] if peer else [])], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if not result.get("module", str(src)).startswith(str(src)):
        msg = f"{case}: imported {result['module']}, not from {src}"
        raise RuntimeError(msg)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="src folder to compare with")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.peer)))
        return
    sides = {"after": HERE.parent / "src"}
    if args.before:
        sides = {"before": args.before.resolve(), **sides}
    load = os.getloadavg()[0]
    rows = []
    for case in args.cases.split(","):
        got = {s: run_side(src, case, args.repeat, s == "after") for s, src in sides.items()}
        rows.append((case, got))
        print(case, json.dumps(got), file=sys.stderr)
    fc = {side: run_side(src, "forecast", 1, False) for side, src in sides.items()}
    print(
        f"batches of up to 1,000 events, median of {args.repeat}; 1-minute load average "
        f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores)\n"
    )
    names = list(sides)
    head = ["case", "events", "ships", "events fall", "forecasts"]
    head += [f"{s} ev/s" for s in names] + [f"{s} ev/CPU-s" for s in names]
    if len(names) == 2:
        head += ["CPU ratio"]
    head += ["sqlite3 ev/s"]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for case, got in rows:
        label, _, ships, how = CASES[case]
        a = got["after"]
        cells = [label, f"{a['events']:,}", f"{ships:,}", how]
        cells.append(" / ".join(f"{got[s]['forecasts']:,}" for s in names))
        cells += [f"{a['events'] / got[s]['wall']:,.0f}" for s in names]
        cells += [f"{a['events'] / got[s]['cpu']:,.0f}" for s in names]
        if len(names) == 2:
            cells.append(f"{got['before']['cpu'] / a['cpu']:.1f}×")
        cells.append(f"{a['events'] / a['peer']:,.0f}")
        print("| " + " | ".join(cells) + " |")
    for s in names:
        print(
            f"\nforecast_shipment ({s}), Xi'an -> Duisburg after departure, median of 50: "
            f"{fc[s]['wall'] * 1000:.1f} ms ({fc[s]['cpu'] * 1000:.1f} ms CPU)"
        )


if __name__ == "__main__":
    main()
