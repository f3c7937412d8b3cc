"""Benchmark: the corridor equilibrium against SciPy's generic fixed-point solvers.

Run from the repository root::

    python bench/flows_equilibrium.py

The packaged 2024 base year (96 origin–destination pairs, three cargo classes, the planner's
route sets) is planned once; then the same fixed point ``x = D · P(GC(x))`` is solved three
ways in the same process, each to a relative gap of 1e-4 (``|D · P(GC(x)) − x|₁ / |x|₁``):

1. silkrail's :func:`~silkrail.studies.flows.equilibrium` (self-regulated averaging);
2. ``scipy.optimize.fixed_point`` (Steffensen's acceleration, ``method="del2"``);
3. ``scipy.optimize.anderson`` (Anderson mixing on ``F(x) = D · P(GC(x)) − x``).

Each is timed best of ``--repeat``; the report gives seconds, the response evaluations and the
gap each reached, and the ratio to silkrail. Planning the route sets is timed separately.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy import optimize

from silkrail import load_network
from silkrail.studies.flow_study import (
    BASE_DATE,
    _offsets,
    flow_scenario,
    load_flow_inputs,
    study_alternatives,
    teu_per_train,
)
from silkrail.studies.flows import equilibrium, equilibrium_response

TARGET = 1e-4


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    net = load_network()
    inputs = load_flow_inputs()
    t0 = time.perf_counter()
    alts = study_alternatives(
        net,
        inputs,
        scenario=flow_scenario(None, base_sea_rate_factor=inputs.base_sea_rate_factor),
        depart=BASE_DATE,
    )
    t_plan = time.perf_counter() - t0
    ppt = teu_per_train()
    offset = _offsets(alts, inputs, inputs.constants)
    dem = inputs.demand.teu_per_year[alts.od]
    calls = [0]
    # The same map the equilibrium iterates (one function in silkrail.studies.flows).
    respond = equilibrium_response(
        alts, inputs.demand, inputs.classes, inputs.params, teu_per_train=ppt, offset=offset
    )

    def response(flat: np.ndarray) -> np.ndarray:
        calls[0] += 1
        return respond(flat.reshape(len(inputs.classes), alts.n))[0].ravel()

    def gap(flat: np.ndarray) -> float:
        return float(np.abs(response(flat) - flat).sum() / flat.sum())

    start = response(np.zeros(len(inputs.classes) * alts.n))
    results = {}

    def best(fn):  # type: ignore[no-untyped-def]
        times, out = [], None
        for _ in range(args.repeat):
            calls[0] = 0
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return min(times), calls[0], out

    def ours() -> np.ndarray:
        res = equilibrium(
            alts, inputs.demand, inputs.classes, inputs.params, teu_per_train=ppt,
            offset=offset, rgap=TARGET,
        )  # fmt: skip
        calls[0] = res.gap.size + 2  # the response is evaluated once per iteration, plus 2
        return res.teu.ravel()

    def steffensen() -> np.ndarray:
        return optimize.fixed_point(response, start, xtol=TARGET / 10, maxiter=500)

    def anderson() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return optimize.anderson(
                    lambda x: response(x) - x, start, f_tol=TARGET * dem.sum() / 10, maxiter=500
                )
            except optimize.NoConvergence as exc:
                return np.asarray(exc.args[0])

    for name, fn in (("silkrail", ours), ("scipy fixed_point", steffensen),
                     ("scipy anderson", anderson)):  # fmt: skip
        try:
            seconds, n_calls, x = best(fn)
            results[name] = (seconds, n_calls, gap(x))
        except Exception as exc:  # a solver that fails is reported, not hidden
            results[name] = (float("nan"), 0, float("nan"))
            print(f"{name}: failed ({type(exc).__name__}: {exc})")
    print(
        f"Route sets: {alts.n} routes for {len(inputs.demand.origin)} pairs, "
        f"{len(alts.stations.name)} stations, planned in {t_plan:.1f} s."
    )
    print()
    print(
        f"| solver | seconds (best of {args.repeat}) | response evaluations | relative gap "
        "| ratio |"
    )
    print("|---|---|---|---|---|")
    base = results["silkrail"][0]
    for name, (s, n, g) in results.items():
        print(f"| {name} | {s:.3f} | {n} | {g:.1e} | {s / base:.1f} |")


if __name__ == "__main__":
    main()
