"""Shipment store benchmarks: silkrail's batched ingest beside plain sqlite3, and forecast time.

1. Ingest N events in batches into a fresh SQLite file: ``ShipmentStore.add_events`` (the
   validated events of one batch in one transaction, with the idempotency and
   unknown-container checks), the same through ``ingest_events`` (plus one forecast per
   shipment and batch, the default: with `--shipments` shipments, and on a quarter of the
   events with each event of a batch for a different shipment, all at the same node on the
   same day (the containers of one train: they share one forecast draw) or each container on
   a day of its own (no sharing, the worst case); or with
   ``every_event=True`` one after every new event, on a tenth of the events), and the peer:
   Python's ``sqlite3`` with ``executemany`` of ``INSERT OR IGNORE`` into the same table
   layout, one transaction per batch, same pragmas. Wall time and the process's CPU time
   (the 2 cores may be shared with other jobs; the load average is printed).
2. One arrival forecast (``forecast_shipment``, its default 1,000 draws) for a Xi'an →
   Duisburg shipment after its departure: median of repeated calls.

Run:  python bench/shipments_ingest.py [--events 20000] [--batch 1000] [--shipments 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import silkrail
from silkrail.shipments import (
    ShipmentEvent,
    ShipmentStore,
    check_digit,
    forecast_shipment,
    ingest_events,
    plan_shipment,
)
from silkrail.shipments.store import _naive

T0 = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
NODES = ("CN-XIAN", "CN-BAOJI", "CN-TIANSHUI", "CN-LANZHOU", "KZ-DOSTYK", "BY-BREST")


def containers(n: int) -> list[str]:
    out = []
    for i in range(n):
        head = f"SILU{i:06d}"
        out.append(head + str(check_digit(head)))
    return out


def events(n: int, boxes: list[str], tag: str, *, own_day: bool = False) -> list[ShipmentEvent]:
    """Return n events cycling over the containers; with `own_day` each container's events
    fall on a day of their own (so no two containers share a forecast)."""
    k = len(boxes)
    return [
        ShipmentEvent(
            f"{tag}-{i}",
            boxes[i % k],
            "TRANSPORT",
            "ARRI",
            "ACT",
            T0 + dt.timedelta(days=(i % k) if own_day else 0, minutes=i),
            NODES[(i // k) % len(NODES)],
            "RAIL",
        )
        for i in range(n)
    ]


def silkrail_ingest(
    url: str, batches: list[list[ShipmentEvent]], net, mode: str
) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Return the wall and CPU seconds of ingesting the batches."""
    store = ShipmentStore(url)
    t, c = time.perf_counter(), time.process_time()
    for b in batches:
        if mode == "store":
            store.add_events(b)
        else:
            ingest_events(store, b, net, every_event=mode == "every_event")
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    store.close()
    return elapsed, cpu


def peer_ingest(path: Path, batches: list[list[ShipmentEvent]]) -> float:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--shipments", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    net = silkrail.load_network()
    base = plan_shipment(net, "CSQU3054383", "Xi'an", "Duisburg", depart=T0)
    rows = []
    spread = max(args.batch, args.shipments)
    modes = (
        ("add_events", "store", args.events, args.shipments, False),
        ("ingest_events", "batch", args.events, args.shipments, False),
        ("ingest_events", "batch", args.events, args.shipments, True),
        ("ingest_events", "batch", args.events // 4, spread, False),
        ("ingest_events", "batch", args.events // 4, spread, True),
        (
            "ingest_events(every_event=True)",
            "every_event",
            args.events // 10,
            args.shipments,
            False,
        ),
    )
    load = os.getloadavg()[0]
    for label, mode, n, ships, own_day in modes:
        boxes = containers(ships)
        runs, cpus, peers = [], [], []
        for r in range(args.repeat):
            tmp = Path(tempfile.mkdtemp())
            url = f"sqlite:///{tmp / 's.sqlite'}"
            with ShipmentStore(url) as store:
                for c in boxes:
                    store.add_shipment(replace(base, container=c))
            ev = events(n, boxes, f"r{r}", own_day=own_day)
            batches = [ev[i : i + args.batch] for i in range(0, len(ev), args.batch)]
            wall, cpu = silkrail_ingest(url, batches, net, mode)
            runs.append(wall)
            cpus.append(cpu)
            peers.append(peer_ingest(tmp / "peer.sqlite", batches))
        s, c, p = statistics.median(runs), statistics.median(cpus), statistics.median(peers)
        rows.append(
            (label, n, ships, "own day" if own_day else "shared", n / s, n / c, n / p, p / s)
        )
    dep = [ShipmentEvent("d", base.container, "TRANSPORT", "DEPA", "ACT", T0, "CN-XIAN", "RAIL")]
    forecast_shipment(base, dep, net)
    times, cpu_times = [], []
    for _ in range(50):
        t, c = time.perf_counter(), time.process_time()
        forecast_shipment(base, dep, net)
        times.append(time.perf_counter() - t)
        cpu_times.append(time.process_time() - c)
    print(
        f"batches of {args.batch} events, median of {args.repeat}; "
        f"1-minute load average at the start {load:.1f} (2 cores)"
    )
    print(
        "| silkrail call | events | shipments | days | silkrail (events/s) | per CPU-second "
        "| sqlite3 executemany (events/s) | ratio |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for label, n, ships, days, a, cpu, b, ratio in rows:
        print(
            f"| `{label}` | {n:,} | {ships:,} | {days} | {a:,.0f} | {cpu:,.0f} | {b:,.0f} "
            f"| {ratio:.2f} |"
        )
    print(
        f"forecast_shipment, Xi'an -> Duisburg after departure, median of 50: "
        f"{statistics.median(times) * 1000:.1f} ms "
        f"({statistics.median(cpu_times) * 1000:.1f} ms CPU)"
    )


if __name__ == "__main__":
    main()
