"""Benchmark: silkrail's simulation engine against process-based SimPy models of the same systems.

Run from the repository root (needs simpy: ``pip install -e '.[bench]'``)::

    python bench/simulation_vs_simpy.py                 # everything, best of 3
    python bench/simulation_vs_simpy.py --quick         # smaller sizes, best of 1

Three measurements, each tool on the same system in the same run (so machine load hits both):

1. Tandem M/M/c, 3 stations (c = 2, 1, 3; utilizations 0.83, 0.80, 0.83), 200,000 customers.
   SimPy: the textbook process model (one process per customer, ``Resource`` per station).
   silkrail: :func:`~silkrail.simulation.tandem_model` + :func:`~silkrail.simulation.simulate`.
2. The corridor year: the default 2024 services (about 19,000 trains) on the packaged
   network, Poisson releases, one replication of 365 days; SimPy runs the reference model of
   the tests (``tests/simulation/simpy_reference.py``) on the same model.
3. The corridor year in silkrail alone: the full ``simulate`` call and the statistics.

Throughput is reported as customers (trains) per second of wall time: the systems and the
work are identical, so the ratio is the ratio of events per second whatever the event
definition. The engine's own event count (heap events plus releases) is also shown.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import simpy

import silkrail
from silkrail.simulation import (
    corridor_model,
    default_services,
    simulate,
    tandem_model,
)

ROOT = Path(__file__).resolve().parents[1]
LAM = 1.0
MUS = (0.6, 1.25, 0.4)
CS = (2, 1, 3)


def simpy_tandem(n_customers: int, seed: int) -> float:
    """Run the SimPy tandem; return the mean sojourn time (hours)."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    stations = [simpy.Resource(env, capacity=c) for c in CS]
    sojourn: list[float] = []

    def customer(env: simpy.Environment):  # type: ignore[no-untyped-def]
        t0 = env.now
        for res, mu in zip(stations, MUS, strict=True):
            with res.request() as req:
                yield req
                yield env.timeout(rng.exponential(1.0 / mu))
        sojourn.append(env.now - t0)

    def source(env: simpy.Environment):  # type: ignore[no-untyped-def]
        for _ in range(n_customers):
            yield env.timeout(rng.exponential(1.0 / LAM))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return float(np.mean(sojourn))


def silkrail_tandem(n_customers: int, seed: int) -> tuple[float, int, float, float]:
    """Run the engine on the same tandem; return sojourn, customers, events, kernel seconds."""
    model = tandem_model(arrival_rate=LAM, service_rates=MUS, servers=CS)
    res = simulate(model, days=n_customers / LAM / 24.0, seed=seed)
    return float(np.nanmean(res.transit_h)), res.n_trains, res.n_events, res.elapsed_s


def best(fn: Any, repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def load_reference() -> Any:
    path = ROOT / "tests" / "simulation" / "simpy_reference.py"
    spec = importlib.util.spec_from_file_location("simpy_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["simpy_reference"] = module
    spec.loader.exec_module(module)
    return module


def poisson_corridor() -> Any:
    services = [dataclasses.replace(s, random_share=1.0) for s in default_services()]
    return corridor_model(silkrail.load_network(), services)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, one repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument(
        "--no-corridor-simpy",
        action="store_true",
        help="skip the (slow) SimPy run of the corridor year",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    n = 20_000 if args.quick else args.customers
    out: dict[str, Any] = {
        "python": platform.python_version(),
        "simpy": simpy.__version__,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "repeats": repeats,
    }

    # Compile the kernels once, outside the timings.
    silkrail_tandem(1_000, 0)

    t_simpy, w_simpy = best(lambda: simpy_tandem(n, 1), repeats)
    t_ours, (w_ours, n_ours, ev_ours, k_ours) = best(lambda: silkrail_tandem(n, 1), repeats)
    out["tandem"] = {
        "customers": n,
        "simpy_s": t_simpy,
        "simpy_customers_per_s": n / t_simpy,
        "silkrail_s": t_ours,
        "silkrail_customers": n_ours,
        "silkrail_customers_per_s": n_ours / t_ours,
        "silkrail_events": ev_ours,
        "silkrail_events_per_s": ev_ours / t_ours,
        "silkrail_kernel_customers_per_s": n_ours / k_ours,
        "ratio": (n_ours / t_ours) / (n / t_simpy),
        "mean_sojourn_h": {"simpy": w_simpy, "silkrail": w_ours},
    }

    model = poisson_corridor()
    days = 60.0 if args.quick else 365.0
    simulate(model, days=5, seed=0)
    t_year, res = best(lambda: simulate(model, days=days, seed=7), repeats)
    t_stats, _ = best(lambda: (res.station_stats(), res.route_stats(), res.border_stats()), repeats)
    out["corridor"] = {
        "days": days,
        "trains": res.n_trains,
        "stations": len(model.stations),
        "records": int(res.rec_station.size),
        "silkrail_simulate_s": t_year,
        "silkrail_kernel_s": res.elapsed_s,
        "silkrail_stats_s": t_stats,
        "silkrail_events": res.n_events,
        "silkrail_trains_per_s": res.n_trains / t_year,
    }
    if not args.no_corridor_simpy:
        ref = load_reference()

        def run_simpy() -> Any:
            draws = ref.IndependentDraws(model, np.random.default_rng(7), days)
            return ref.run_reference(model, draws, until=days * 24.0 + 365 * 24.0)

        t_ref, run = best(run_simpy, 1)
        n_ref = len(run.release)
        out["corridor"].update(
            {
                "simpy_s": t_ref,
                "simpy_trains": n_ref,
                "simpy_trains_per_s": n_ref / t_ref,
                "ratio": (res.n_trains / t_year) / (n_ref / t_ref),
                "mean_transit_days": {
                    "simpy": float(np.nanmean(np.array(run.finish) - np.array(run.release)) / 24),
                    "silkrail": float(np.nanmean(res.transit_h) / 24),
                },
            }
        )

    if args.json:
        print(json.dumps(out, indent=2))
        return
    tan, cor = out["tandem"], out["corridor"]
    print(f"Python {out['python']}, SimPy {out['simpy']}, numpy {out['numpy']}, best of {repeats}")
    print()
    print(f"Tandem M/M/c (3 stations, {n:,} customers)")
    print("| tool | wall s | customers/s | mean sojourn h |")
    print("|---|---:|---:|---:|")
    print(
        f"| SimPy (processes) | {tan['simpy_s']:.2f} | {tan['simpy_customers_per_s']:,.0f} | "
        f"{tan['mean_sojourn_h']['simpy']:.2f} |"
    )
    print(
        f"| silkrail simulate | {tan['silkrail_s']:.3f} | {tan['silkrail_customers_per_s']:,.0f} | "
        f"{tan['mean_sojourn_h']['silkrail']:.2f} |"
    )
    print(
        f"ratio silkrail / SimPy: {tan['ratio']:.0f}x  (engine events/s: "
        f"{tan['silkrail_events_per_s']:,.0f}; kernel only: "
        f"{tan['silkrail_kernel_customers_per_s']:,.0f} customers/s)"
    )
    print()
    print(
        f"Corridor, {cor['days']:g} days, {cor['trains']:,} trains, {cor['stations']} stations, "
        f"{cor['records']:,} train-station visits"
    )
    print(
        f"silkrail simulate: {cor['silkrail_simulate_s']:.3f} s per replication "
        f"(kernel {cor['silkrail_kernel_s']:.3f} s, statistics {cor['silkrail_stats_s']:.3f} s)"
    )
    if "simpy_s" in cor:
        print(f"SimPy reference:   {cor['simpy_s']:.2f} s ({cor['simpy_trains']:,} trains)")
        print(
            f"ratio silkrail / SimPy: {cor['ratio']:.0f}x  (mean transit days: SimPy "
            f"{cor['mean_transit_days']['simpy']:.2f}, silkrail "
            f"{cor['mean_transit_days']['silkrail']:.2f})"
        )


if __name__ == "__main__":
    main()
