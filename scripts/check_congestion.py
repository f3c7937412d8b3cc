"""Check the congestion cost functions against the discrete-event simulator.

For a border crossing point (M/G/c), a line section (headway) and a Caspian ferry on a
timetable, traffic is set to utilisations 0.3–1.2 of capacity; the simulator's mean wait
(``--replications`` seeded runs of ``--days`` days after a warm-up) is set beside the cost
function's. Above capacity the simulated wait grows with the horizon (the queue never empties)
while the cost function follows its tangent: that row shows what "deferred" means.

Run from the repository root::

    python scripts/check_congestion.py --write

It writes the table into docs/flows.md (between the ``congestion-check`` markers) and the plot
docs/img/congestion-check.svg.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from _doc_blocks import replace_block

from silkrail.simulation import Ferry, Route, Section, ServerStation, SimulationModel, TrainService
from silkrail.simulation.congestion import StationCapacity, mean_wait, utilization
from silkrail.simulation.engine import simulate

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "flows.md"
PLOT = ROOT / "docs" / "img" / "congestion-check.svg"
FEU = 50.0
UTILISATIONS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.05, 1.2)
#: Example stations with the packaged dataset's parameters (KZ-ALTYNKOL border: 2 lines of
#: 5 h, CV 0.5; a 1520 mm section of 24 trains a day; Aktau–Baku: a vessel of 52 FEU every
#: 48 h).
STATIONS = {
    "border (M/G/2)": ServerStation("border", servers=2, hours=5.0, cv=0.5, category="border"),
    "section (24/day)": Section("section", trains_per_day=24.0, hours=10.0),
    "ferry (52 FEU/48 h)": Ferry("ferry", vessel_feu=52.0, hours=20.0, interval_hours=48.0),
}


def simulated_wait(station, trains_per_week: float, *, days: float, reps: int, seed: int) -> float:
    model = SimulationModel(
        stations=(station,),
        routes=(Route("r", (station.name,)),),
        services=(TrainService("r", trains_per_week=trains_per_week, feu=FEU),),
    )
    waits = []
    for ss in np.random.SeedSequence(seed).spawn(reps):
        res = simulate(model, days=days, warmup_days=30, seed=np.random.default_rng(ss))
        waits.append(float(res.station_stats().column("mean_wait_h")[0]))
    return float(np.mean(waits))


def rows(*, days: float, reps: int, seed: int) -> list[tuple[str, float, float, float, float]]:
    out = []
    for label, st in STATIONS.items():
        cap = StationCapacity.from_stations([st], train_feu=FEU)
        per_hour = float(cap.trains_per_hour[0])
        for rho in UTILISATIONS:
            lam = rho * per_hour
            model_w = float(mean_wait(cap, np.array([lam]))[0])
            assert abs(float(utilization(cap, np.array([lam]))[0]) - rho) < 1e-9
            long_w = simulated_wait(st, lam * 168.0, days=days, reps=reps, seed=seed)
            year_w = simulated_wait(st, lam * 168.0, days=365.0, reps=10, seed=seed + 1)
            out.append((label, rho, model_w, long_w, year_w))
    return out


def table(data: list[tuple[str, float, float, float, float]], *, days: float, reps: int) -> str:
    lines = [
        f"Simulated with Poisson arrivals of 50-FEU trains after 30 days of warm-up: the long "
        f"run is {reps} replications of {days:g} days (steady state below capacity), the year "
        "10 replications of 365 days. Above capacity there is no steady state: the simulated "
        "wait grows with the horizon, and the cost function's finite, steep value is what "
        "makes the equilibrium divert the traffic.",
        "",
        "| station | utilisation | cost function (h) | long run (h) | difference | one year (h) |",
        "|---|---|---|---|---|---|",
    ]
    for label, rho, m, s, y in data:
        diff = f"{(m - s) / s:+.0%}" if s > 0 and rho < 1 else "–"
        lines.append(f"| {label} | {rho:.2f} | {m:.1f} | {s:.1f} | {diff} | {y:.1f} |")
    return "\n".join(lines)


def plot(data: list[tuple[str, float, float, float, float]]) -> str:
    w, h, pad = 640, 300, 50
    ymax = max(max(m, s) for _, rho, m, s, _ in data if rho <= 1.0) * 1.1
    colours = ["#1f77b4", "#d62728", "#2ca02c"]

    def xy(rho: float, v: float) -> tuple[float, float]:
        return pad + (rho - 0.25) / 1.0 * (w - 2 * pad), h - pad - min(v, ymax) / ymax * (
            h - 2 * pad
        )

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="11">']
    parts.append(f'<rect width="{w}" height="{h}" fill="white"/>')
    x0, y0 = xy(0.25, 0)
    x1, _ = xy(1.25, 0)
    _, y1 = xy(0.25, ymax)
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="black"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>')
    for rho in (0.3, 0.5, 0.7, 0.9, 1.0, 1.2):
        x, _ = xy(rho, 0)
        parts.append(f'<text x="{x}" y="{y0 + 15}" text-anchor="middle">{rho:g}</text>')
    parts.append(f'<text x="{w / 2}" y="{h - 8}" text-anchor="middle">utilisation</text>')
    parts.append(f'<text x="12" y="{pad - 10}">mean wait, h (cut at {ymax:.0f})</text>')
    for i, label in enumerate(STATIONS):
        pts = [(rho, m, s) for lab, rho, m, s, _ in data if lab == label]
        line = " ".join(f"{xy(r, m)[0]:.1f},{xy(r, m)[1]:.1f}" for r, m, _ in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colours[i]}"/>')
        for r, _, s in pts:
            cx, cy = xy(r, s)
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colours[i]}"/>')
        parts.append(
            f'<text x="{w - pad - 150}" y="{pad + 14 * i}" fill="{colours[i]}">{label}</text>'
        )
    parts.append(
        f'<text x="{w - pad - 150}" y="{pad + 42}">'
        "line: cost function; dots: simulator, long run</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=4000.0)
    ap.add_argument("--replications", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--write", action="store_true", help="write docs/flows.md and the plot")
    args = ap.parse_args(argv)
    data = rows(days=args.days, reps=args.replications, seed=args.seed)
    text = table(data, days=args.days, reps=args.replications)
    print(text)
    if args.write:
        PLOT.write_text(plot(data), encoding="utf-8")
        doc = DOC.read_text(encoding="utf-8")
        new = replace_block(doc, "congestion-check", text, where=str(DOC))
        DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
