"""What segment values would it take to reach the validation target? A mixed-integer answer.

``scripts/validation_sensitivity.py`` tries a grid of uniform settings. This script asks the
question with far more freedom: every class of segment gets its own free factor, and a
mixed-integer program (HiGHS, through :func:`scipy.optimize.milp`) finds values that put rows
of ``transit-times-calibration.csv`` inside the published range ±20 %. It answers two
questions: the most rows any values within ``1/F``–``F`` times the sourced ones could fit, and
the fewest values that must leave their sourced ones for the target (75 %) to be met.

The free values, each between ``1/F`` and ``F`` times the sourced one:

* the running time on the links of each speed key of ``scripts/build_dataset.py`` (CN,
  ERAI1520, KZ800, EU18, PL30, AZ24H, GE24H, TR70H, the Caspian and Black Sea sailings, the
  deep-sea legs), one factor per key;
* the border processing time at each border node, one factor per node;
* the gauge-change time at each yard, one factor per node;
* the rail–water transfer time at each port, one factor per node, plus up to ``--dwell`` hours
  of port dwell added at every port;
* the wait for a sailing on each ferry or sea link, one factor per link.

Each row keeps the routes the planner chooses at the sourced values. A route's mean time is
linear in the values; its median is the sourced route's median-to-mean ratio times its mean. A
row with several origin/destination pairs is inside when more than half of its pairs are
(which puts their median inside). At the sourced values the linear model reproduces the
validation table's count, which the script checks. Because routes may change and medians move
with the variances, every solution is checked by re-planning all rows on the changed network
with ``scripts/validate_transit_times.py``; the "fewest values" question narrows each window by
a small margin until its solution passes that check.

Run:  python scripts/validation_bound.py [--factor 1.5 ...] [--out FILE]   (15-20 min)
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

import silkrail
from silkrail._atomic import atomic_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_transit_times as validator
from validation_sensitivity import speed_key

if TYPE_CHECKING:
    from collections.abc import Sequence

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "validation-bound.md"
HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class Variables:
    """Names of the free values; index 0.. in the program's vector."""

    names: tuple[str, ...]
    is_dwell: np.ndarray

    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}


def route_terms(net: silkrail.CorridorNetwork, route: silkrail.Route) -> dict[str, float]:
    """A route's mean time split into named terms, in days at the sourced values."""
    link_row = {lid: i for i, lid in enumerate(net.link_id.tolist())}
    terms: dict[str, float] = {}

    def add(name: str, hours: float) -> None:
        if hours:
            terms[name] = terms.get(name, 0.0) + hours / HOURS_PER_DAY

    for leg in route.legs:
        if leg.kind == "travel":
            key = speed_key(str(net.link_note[link_row[leg.link_id]]))
            add(f"run:{key}", leg.hours - leg.wait_hours - leg.border_hours)
            add(f"wait:{leg.link_id}", leg.wait_hours)
            add(f"border:{leg.to_id}", leg.border_hours)
        elif leg.kind == "gauge change":
            add(f"gauge:{leg.to_id}", leg.hours)
        else:
            add(f"transfer:{leg.to_id}", leg.hours)
            if leg.mode in ("ferry", "sea") or _is_water_arrival(route, leg):
                terms.setdefault(f"dwell:{leg.to_id}", 0.0)
    return terms


def _is_water_arrival(route: silkrail.Route, leg: silkrail.Leg) -> bool:
    # A transfer onto rail after a sailing is a port call too.
    i = route.legs.index(leg)
    return i > 0 and route.legs[i - 1].mode in ("ferry", "sea")


@dataclass
class Item:
    row: int
    lo: float
    hi: float
    pairs: list[tuple[dict[str, float], float]]  # per pair: (terms, median/mean ratio)
    inside_at_source: bool


def collect(net: silkrail.CorridorNetwork, calib: pd.DataFrame) -> list[Item]:
    """Plan every row and keep the terms of each pair's compared route."""
    items = []
    for o in validator.evaluate(net, calib):
        if o.inside is None:
            continue
        lo, hi = (float(x) for x in _window(o.published))
        pairs = [
            (route_terms(net, r), r.transit_days_p50 * HOURS_PER_DAY / r.hours_mean)
            for r in o.routes
        ]
        items.append(Item(o.row, lo, hi, pairs, bool(o.inside)))
    return items


def _window(published: str) -> tuple[float, float]:
    parts = published.split("–")
    return float(parts[0]), float(parts[-1])


def variables(items: Sequence[Item]) -> Variables:
    names = sorted({t for it in items for terms, _ in it.pairs for t in terms})
    is_dwell = np.array([n.startswith("dwell:") for n in names])
    return Variables(tuple(names), is_dwell)


def linear_time(terms: dict[str, float], ratio: float, idx: dict[str, int], n: int) -> np.ndarray:
    """Coefficients of a route's median (days) on the value vector (dwell in hours)."""
    coef = np.zeros(n)
    for name, days in terms.items():
        coef[idx[name]] = ratio * (1.0 / HOURS_PER_DAY if name.startswith("dwell:") else days)
    return coef


def _count_at(items: Sequence[Item], vs: Variables, x: np.ndarray) -> tuple[int, list[int]]:
    """Rows inside at value vector `x`."""
    idx, n = vs.index(), len(vs.names)
    rows = []
    for it in items:
        medians = [float(linear_time(terms, ratio, idx, n) @ x) for terms, ratio in it.pairs]
        m = float(np.median(medians))
        if it.lo * (1 - validator.TOLERANCE) <= m <= it.hi * (1 + validator.TOLERANCE):
            rows.append(it.row)
    return len(rows), rows


@dataclass(frozen=True)
class Bound:
    question: str
    factor: float
    dwell_h: float
    status: str
    best: int
    proven: float
    rows: list[int]
    values: dict[str, float]
    seconds: float
    replanned: int = -1
    margin: float = 0.0


@dataclass
class Program:
    """The constraint system shared by both questions (values first, then binaries)."""

    n: int
    lower: np.ndarray
    upper: np.ndarray
    z_of: dict[int, int]
    cols: int
    rows_i: list[int]
    rows_j: list[int]
    vals: list[float]
    lo_c: list[float]
    hi_c: list[float]

    def put(self, entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.lo_c)
        for j, v in entries:
            self.rows_i.append(r)
            self.rows_j.append(j)
            self.vals.append(v)
        self.lo_c.append(lo)
        self.hi_c.append(hi)

    def column(self) -> int:
        self.cols += 1
        return self.cols - 1


def program(
    items: Sequence[Item], vs: Variables, *, factor: float, dwell_h: float, margin: float = 0.0
) -> Program:
    """Rows inside the window as binaries z over the free values (module docstring).

    `margin` narrows each window by that share at both ends, so that a solution survives the
    re-planning check (medians move a little with the variances, and routes may change).
    """
    idx, n = vs.index(), len(vs.names)
    lower = np.where(vs.is_dwell, 0.0, 1.0 / factor)
    upper = np.where(vs.is_dwell, dwell_h, factor)
    prog = Program(n, lower, upper, {}, n, [], [], [], [], [])
    for it in items:
        low = it.lo * (1 - validator.TOLERANCE) * (1 + margin)
        high = it.hi * (1 + validator.TOLERANCE) * (1 - margin)
        z = prog.z_of[it.row] = prog.column()
        a_cols, b_cols = [], []
        for terms, ratio in it.pairs:
            a, b = prog.column(), prog.column()
            a_cols.append(a)
            b_cols.append(b)
            coef = linear_time(terms, ratio, idx, n)
            nz = [(int(j), float(coef[j])) for j in np.flatnonzero(coef)]
            # a: median >= low; b: median <= high. Each big-M is the least that frees its
            # row over the value box, which keeps the relaxation tight.
            m_low = max(low - float(coef @ lower), 0.0)
            m_high = max(float(coef @ upper) - high, 0.0)
            prog.put([*nz, (a, -m_low)], low - m_low, np.inf)
            prog.put([*nz, (b, m_high)], -np.inf, high + m_high)
        need = len(it.pairs) // 2 + 1
        prog.put([*((j, 1.0) for j in a_cols), (z, -need)], 0.0, np.inf)
        prog.put([*((j, 1.0) for j in b_cols), (z, -need)], 0.0, np.inf)
    return prog


def solve(
    items: Sequence[Item],
    vs: Variables,
    *,
    question: str,
    factor: float,
    dwell_h: float,
    target: int,
    time_limit: float,
    margin: float = 0.0,
) -> Bound:
    """``question="rows"``: the most rows inside; ``"changes"``: the fewest values changed
    from their sourced ones so that `target` rows are inside."""
    prog = program(items, vs, factor=factor, dwell_h=dwell_h, margin=margin)
    z_cols = list(prog.z_of.values())
    changed: list[int] = []
    if question == "changes":
        for v in range(prog.n):
            ch = prog.column()
            changed.append(ch)
            if vs.is_dwell[v]:
                prog.put([(v, 1.0), (ch, -dwell_h)], -np.inf, 0.0)
            else:
                prog.put([(v, 1.0), (ch, -(factor - 1.0))], -np.inf, 1.0)
                prog.put([(v, 1.0), (ch, 1.0 - 1.0 / factor)], 1.0, np.inf)
        prog.put([(j, 1.0) for j in z_cols], float(target), np.inf)
    cols = prog.cols
    a = coo_matrix(
        (np.array(prog.vals), (np.array(prog.rows_i), np.array(prog.rows_j))),
        shape=(len(prog.lo_c), cols),
    )
    c = np.zeros(cols)
    if question == "changes":
        c[changed] = 1.0
    else:
        c[z_cols] = -1.0
    integrality = np.ones(cols, dtype=np.int64)
    integrality[: prog.n] = 0
    lb = np.concatenate([prog.lower, np.zeros(cols - prog.n)])
    ub = np.concatenate([prog.upper, np.ones(cols - prog.n)])
    start = time.perf_counter()
    res = milp(
        c,
        constraints=LinearConstraint(a.tocsr(), np.array(prog.lo_c), np.array(prog.hi_c)),
        integrality=integrality,
        bounds=Bounds(lb, ub),
        options={"time_limit": time_limit, "disp": False},
    )
    seconds = time.perf_counter() - start
    if res.x is None:
        return Bound(
            question,
            factor,
            dwell_h,
            str(res.message),
            -1,
            math.nan,
            [],
            {},
            seconds,
            margin=margin,
        )
    x = res.x[: prog.n]
    chosen = [row for row, j in prog.z_of.items() if res.x[j] > 0.5]
    bound = float(res.mip_dual_bound)
    proven = math.floor(-bound + 1e-6) if question == "rows" else math.ceil(bound - 1e-6)
    best = len(chosen) if question == "rows" else round(float(res.fun))
    values = {name: float(v) for name, v in zip(vs.names, x, strict=True)}
    return Bound(
        question,
        factor,
        dwell_h,
        str(res.message),
        best,
        proven,
        chosen,
        values,
        seconds,
        margin=margin,
    )


def apply(net: silkrail.CorridorNetwork, values: dict[str, float]) -> silkrail.CorridorNetwork:
    """A copy of `net` with the program's values, to re-plan the rows on it."""
    speed = net.speed_kmh.copy()
    border = net.border_hours.copy()
    gauge = net.gauge_change_hours.copy()
    transfer = net.port_transfer_hours.copy()
    sailings = net.sailings_per_week.copy()
    keys = np.array([speed_key(str(note)) for note in net.link_note])
    node = {nid: i for i, nid in enumerate(net.node_id.tolist())}
    link = {lid: i for i, lid in enumerate(net.link_id.tolist())}
    for name, v in values.items():
        kind, what = name.split(":", 1)
        if kind == "run":
            speed[keys == what] /= v
        elif kind == "border":
            border[node[what]] *= v
        elif kind == "gauge":
            gauge[node[what]] *= v
        elif kind == "transfer":
            transfer[node[what]] *= v
        elif kind == "wait":
            sailings[link[what]] /= v
    for name, v in values.items():
        kind, what = name.split(":", 1)
        if kind == "dwell":
            transfer[node[what]] = np.nan_to_num(transfer[node[what]]) + v
    return dataclasses.replace(
        net,
        speed_kmh=speed,
        border_hours=border,
        gauge_change_hours=gauge,
        port_transfer_hours=transfer,
        sailings_per_week=sailings,
    )


def replan(net: silkrail.CorridorNetwork, calib: pd.DataFrame, values: dict[str, float]) -> int:
    """Rows inside when the validation re-plans every row on the changed network."""
    return sum(o.inside is True for o in validator.evaluate(apply(net, values), calib))


def _base_values(net: silkrail.CorridorNetwork, names: Sequence[str]) -> dict[str, float]:
    """The sourced value behind each free value, in its physical unit."""
    keys = np.array([speed_key(str(note)) for note in net.link_note])
    node = {nid: i for i, nid in enumerate(net.node_id.tolist())}
    link = {lid: i for i, lid in enumerate(net.link_id.tolist())}
    out = {}
    for name in names:
        kind, what = name.split(":", 1)
        if kind == "run":
            out[name] = float(np.median(net.speed_kmh[keys == what]))
        elif kind == "dwell":
            out[name] = 0.0
        elif kind == "wait":
            out[name] = float(net.sailings_per_week[link[what]])
        else:
            column = {
                "border": net.border_hours,
                "gauge": net.gauge_change_hours,
                "transfer": net.port_transfer_hours,
            }[kind]
            out[name] = float(column[node[what]])
    return out


_UNITS = {
    "run": ("speed of the links with speed key {}", "km/h"),
    "border": ("border processing at {}", "h"),
    "gauge": ("gauge change at {}", "h"),
    "transfer": ("rail–water transfer at {}", "h"),
    "dwell": ("added port dwell at {}", "h"),
    "wait": ("sailings on {}", "per week"),
}


def _physical(name: str, factor: float, base: float) -> tuple[str, float, float, str]:
    kind, what = name.split(":", 1)
    text, unit = _UNITS[kind]
    if kind == "dwell":
        return text.format(what), 0.0, factor, unit
    # Speeds and sailings are rates: a time factor f divides them.
    new = base / factor if kind in ("run", "wait") else base * factor
    return text.format(what), base, new, unit


def _optimal(b: Bound) -> bool:
    return b.status.startswith("Optimization terminated successfully")


def _moved(values: dict[str, float]) -> dict[str, float]:
    return {
        k: v
        for k, v in values.items()
        if (v > 0.5 if k.startswith("dwell:") else abs(math.log(v)) > 0.01)
    }


def render(
    net: silkrail.CorridorNetwork,
    items: Sequence[Item],
    vs: Variables,
    most: Sequence[Bound],
    fewest: Sequence[Bound],
    *,
    at_source: int,
    seconds: float,
) -> str:
    n_rows = len(items)
    need = math.ceil(0.75 * n_rows)
    counts = {
        kind: sum(v.startswith(kind + ":") for v in vs.names)
        for kind in ("run", "border", "gauge", "transfer", "dwell", "wait")
    }
    run_keys = ", ".join(v.split(":", 1)[1] for v in vs.names if v.startswith("run:"))
    lines = [
        "# Validation: what segment values would it take to reach the target?",
        "",
        f"Generated by `python scripts/validation_bound.py` ({seconds / 60:.0f} min; method in "
        "its docstring). [validation-sensitivity.md](validation-sensitivity.md) scales whole "
        "classes of segments together on a grid; here a mixed-integer program (HiGHS) may move "
        f"{len(vs.names)} values independently: the speed of each of {counts['run']} speed "
        f"keys ({run_keys}), the border time at each of {counts['border']} border nodes, the "
        f"gauge-change time at each of {counts['gauge']} yards, the transfer time at each of "
        f"{counts['transfer']} ports plus added dwell at each of {counts['dwell']}, and the "
        f"sailing frequency of each of {counts['wait']} ferry and sea links. Each row keeps "
        "the routes the planner picks at the sourced values; every solution is then checked "
        "by re-planning all rows on the changed network (`re-planned`).",
        "",
        f"At the sourced values: **{at_source} of {n_rows}** rows inside. The target of 75 % "
        f"needs **{need} of {n_rows}**.",
        "",
        "## The most rows any values could fit",
        "",
        "Windows narrowed by 1 % at both ends, so that solutions survive re-planning.",
        "",
        "| each value within | port dwell added | most rows (fixed routes; upper bound if the "
        "solver stopped early) | re-planned | values moved |",
        "|---|---|---|---|---|",
    ]
    for b in most:
        lines.append(
            f"| 1/{b.factor:g}–{b.factor:g} × sourced | 0–{b.dwell_h:g} h | "
            f"{'' if _optimal(b) else '≤ '}{b.proven} of {n_rows} ({b.proven / n_rows:.0%}) | "
            f"{b.replanned} | "
            f"{len(_moved(b.values))} of {len(vs.names)} |"
        )
    base = _base_values(net, vs.names)
    lines += ["", "## The fewest values that must leave their sources", ""]
    for b in fewest:
        if not b.values:
            lines.append(f"- Within 1/{b.factor:g}–{b.factor:g}: no solution ({b.status}).")
            continue
        lines.append(
            f"Within 1/{b.factor:g}–{b.factor:g} × sourced (windows narrowed by "
            f"{b.margin:.0%} so that the result survives re-planning): **{b.best} values** "
            + (
                "(the proven minimum for the narrowed windows)"
                if _optimal(b)
                else f"(the solver stopped at its time limit; the minimum is at least {b.proven:g})"
            )
            + "; re-planned, "
            f"**{b.replanned} of {n_rows}** rows are inside.",
        )
        lines += ["", "| value | sourced | needed | unit |", "|---|---|---|---|"]
        for name, f in sorted(_moved(b.values).items()):
            text, was, now, unit = _physical(name, f, base[name])
            lines.append(f"| {text} | {was:.3g} | {now:.3g} | {unit} |")
        lines.append("")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, action="append")
    parser.add_argument("--dwell", type=float, default=96.0)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument(
        "--fewest-time-limit",
        type=float,
        default=None,
        help="time limit of each 'fewest values' solve (default: --time-limit)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--calibration", type=Path, default=validator.DEFAULT_CSV)
    args = parser.parse_args()
    if not args.calibration.is_file():
        raise SystemExit(f"calibration file not found: {args.calibration}")
    start = time.perf_counter()
    factors = args.factor or [1.25, 1.5, 2.0]
    net = silkrail.load_network()
    calib = pd.read_csv(args.calibration)
    items = collect(net, calib)
    vs = variables(items)
    at_source, _ = _count_at(items, vs, np.where(vs.is_dwell, 0.0, 1.0))
    expected = sum(it.inside_at_source for it in items)
    if at_source != expected:
        msg = f"linear model gives {at_source} rows at the sourced values, the table {expected}"
        raise SystemExit(msg)
    target = math.ceil(0.75 * len(items))
    common = {"dwell_h": args.dwell, "target": target, "time_limit": args.time_limit}
    most, fewest = [], []
    for f in factors:
        b = solve(items, vs, question="rows", factor=f, margin=0.01, **common)
        b = dataclasses.replace(b, replanned=replan(net, calib, b.values))
        print(f"F={f:g}: most rows {b.proven}, re-planned {b.replanned}", flush=True)
        most.append(b)
    for f in factors[-2:]:
        for margin in (0.01, 0.02, 0.03):
            b = solve(
                items,
                vs,
                question="changes",
                factor=f,
                margin=margin,
                **{**common, "time_limit": args.fewest_time_limit or args.time_limit},
            )
            if b.values:
                b = dataclasses.replace(b, replanned=replan(net, calib, b.values))
            print(f"F={f:g} margin {margin}: {b.best} values, re-planned {b.replanned}")
            if b.replanned >= target or not b.values:
                break
        fewest.append(b)
    text = render(
        net, items, vs, most, fewest, at_source=at_source, seconds=time.perf_counter() - start
    )
    with atomic_file(args.out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
