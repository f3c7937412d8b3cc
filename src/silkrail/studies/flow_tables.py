"""Tables of a flows study, with readable names: what ``silkrail flows`` prints and writes.

Stations are named by :func:`~silkrail.simulation.names.station_title`, as everywhere else
(``"Dostyk gauge change"``, ``"Zabaikalsk–Manzhouli, eastbound"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from silkrail.routing.choice import CORRIDORS, MODES
from silkrail.simulation.congestion import DELAY
from silkrail.simulation.names import station_title

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork
    from silkrail.simulation.scenario import ScenarioSpec
    from silkrail.studies.flow_study import FlowStudy
    from silkrail.studies.flows import FlowResult

__all__ = [
    "corridor_table",
    "flow_study_json",
    "flows_report_html",
    "link_table",
    "market_table",
    "station_table",
    "study_json",
]

#: Stations shown in the crossing table: borders, gauge changes, ports and ferries.
CROSSINGS = ("border", "gauge", "port", "ferry")


def _corridor_name(code: int) -> str:
    return "sea" if CORRIDORS[code] == "sea" else CORRIDORS[code]


def corridor_table(res: FlowResult) -> pd.DataFrame:
    """TEU a year, mean p50 days and kt CO2e by market and corridor."""
    alts = res.alternatives
    x = res.teu_by_alternative
    market = np.asarray(res.demand.market)[alts.od]
    rows = []
    for m in dict.fromkeys(res.demand.market):
        for c in range(len(CORRIDORS)):
            keep = (market == m) & (alts.corridor == c)
            teu = float(x[keep].sum())
            if teu <= 0.5:
                continue
            rows.append(
                {
                    "market": m,
                    "corridor": _corridor_name(c),
                    "teu_per_year": teu,
                    "p50_days": float((x[keep] * res.hours_p50[keep]).sum() / teu / 24.0),
                    "co2e_kt": float((x[keep] * alts.co2e_kg[keep]).sum() / 1e6),
                }
            )
    return pd.DataFrame(rows)


def market_table(res: FlowResult) -> pd.DataFrame:
    """TEU a year and rail share by market."""
    alts = res.alternatives
    x = res.teu_by_alternative
    market = np.asarray(res.demand.market)[alts.od]
    rail = alts.mode == MODES.index("rail")
    rows = []
    for m in dict.fromkeys(res.demand.market):
        keep = market == m
        tot = float(x[keep].sum())
        rows.append(
            {
                "market": m,
                "teu_per_year": tot,
                "rail_teu_per_year": float(x[keep & rail].sum()),
                "rail_share": float(x[keep & rail].sum()) / tot if tot else 0.0,
            }
        )
    return pd.DataFrame(rows)


def station_table(res: FlowResult, net: CorridorNetwork, *, top: int | None = None) -> pd.DataFrame:
    """Border crossings, gauge changes, ports and ferries with traffic, busiest first."""
    alts = res.alternatives
    rows = []
    for j, st in enumerate(alts.stations.name):
        if alts.station_category[j] not in CROSSINGS or alts.stations.kind[j] == DELAY:
            continue
        if res.station_trains_per_week[j] <= 0:
            continue
        rows.append(
            {
                "station": station_title(net, st),
                "station_id": st,
                "trains_per_week": float(res.station_trains_per_week[j]),
                "utilization": float(res.station_utilization[j]),
                "wait_hours": float(res.station_wait_hours[j]),
                "deferred_share": float(res.station_deferred_share[j]),
            }
        )
    df = pd.DataFrame(rows).sort_values("utilization", ascending=False, ignore_index=True)
    return df if top is None else df.head(top)


def link_table(res: FlowResult) -> pd.DataFrame:
    """TEU a year on every link the routes use, both directions added, and rail trains a week.

    Examples
    --------
    >>> import numpy as np
    >>> from silkrail.simulation.congestion import StationCapacity
    >>> from silkrail.simulation.corridor import CorridorRoute
    >>> from silkrail.studies.flows import Alternatives, FlowDemand, FlowResult
    >>> cap = StationCapacity.from_arrays(name=[], kind=[], servers=[], service_hours=[],
    ...                                   service_cv=[])
    >>> alts = Alternatives(od=np.array([0]), label=("r",), mode=np.array([1]),
    ...     corridor=np.array([1]), tariff=np.zeros(1), hours_free=np.zeros(1),
    ...     spread_hours=np.zeros(1), baseline_wait=np.zeros(1), co2e_kg=np.zeros(1),
    ...     station_ptr=np.array([0, 0]), station_idx=np.array([], dtype=int), stations=cap,
    ...     station_node=(), station_category=(),
    ...     routes=(CorridorRoute(("A", "B", "C"), ("A~B", "B~C")),))
    >>> res = FlowResult(alts, FlowDemand(("A",), ("C",), np.array([5355.0]), ("m",)), (),
    ...     np.array([[5355.0]]), *([np.zeros(0)] * 4), np.zeros(1), np.zeros(1),
    ...     np.zeros(1), True, 107.1)
    >>> link_table(res)[["link_id", "teu_per_year", "trains_per_week"]].round(2).values.tolist()
    [['A~B', 5355.0, 0.96], ['B~C', 5355.0, 0.96]]
    """
    alts = res.alternatives
    x = res.teu_by_alternative
    teu: dict[str, float] = {}
    rail: dict[str, float] = {}
    for k, route in enumerate(alts.routes):
        if x[k] <= 0:
            continue
        is_rail = alts.mode[k] == MODES.index("rail")
        for lid in route.link_ids:
            teu[lid] = teu.get(lid, 0.0) + float(x[k])
            if is_rail:
                rail[lid] = rail.get(lid, 0.0) + float(x[k])
    per_week = 7.0 / 365.0 / res.teu_per_train
    return pd.DataFrame(
        {
            "link_id": list(teu),
            "teu_per_year": list(teu.values()),
            "trains_per_week": [rail.get(k, 0.0) * per_week for k in teu],
        }
    )


def saturated(res: FlowResult, net: CorridorNetwork) -> list[str]:
    """One warning per station loaded above its capacity."""
    out = []
    for j in np.flatnonzero(res.station_deferred_share > 0):
        label = station_title(net, res.alternatives.stations.name[j])
        out.append(
            f"{label} is loaded to {res.station_utilization[j]:.0%} of its capacity: "
            f"{res.station_deferred_share[j]:.0%} of its trains would be deferred beyond the "
            "year; its wait is the cost function's finite value, not a steady state"
        )
    return out


def study_json(study: FlowStudy, net: CorridorNetwork) -> dict[str, object]:
    """Return the study as JSON-ready data: markets, corridors, stations, gap, warnings."""

    def one(res: FlowResult) -> dict[str, object]:
        return {
            "markets": market_table(res).to_dict(orient="records"),
            "corridors": corridor_table(res).to_dict(orient="records"),
            "stations": station_table(res, net).to_dict(orient="records"),
            "links": link_table(res).round(3).to_dict(orient="records"),
            "relative_gap": [float(g) for g in res.gap],
            "converged": res.converged,
            "warnings": saturated(res, net),
        }

    out: dict[str, object] = {"baseline": one(study.baseline)}
    if study.scenario is not None:
        out["scenario"] = {"name": study.scenario_name, **one(study.scenario)}
    return out


def flows_report_html(study: FlowStudy, net: CorridorNetwork, *, top: int = 12) -> str:
    """Render a flows study as HTML tables for the study report (``silkrail report --flows``).

    Rail share by market, TEU a year by market and corridor (with the scenario beside the base
    year when there is one), the busiest crossings, and the saturation warnings.
    """
    from html import escape

    def table(head: list[str], rows: list[list[str]]) -> str:
        th = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    final = study.scenario if study.scenario is not None else study.baseline
    base_m = market_table(study.baseline).set_index("market")["rail_share"].to_dict()
    scen_m = market_table(final).set_index("market")["rail_share"].to_dict()
    markets = [[str(m), f"{base_m[m]:.2%}", f"{scen_m.get(m, 0.0):.2%}"] for m in base_m]
    corr_b = corridor_table(study.baseline)
    corr_s = corridor_table(final)
    keys = list(
        dict.fromkeys(zip(corr_b["market"], corr_b["corridor"], strict=True))
        | dict.fromkeys(zip(corr_s["market"], corr_s["corridor"], strict=True))
    )
    b_teu: dict[tuple[str, str], float] = {
        (str(m), str(c)): float(t)
        for m, c, t in zip(
            corr_b["market"], corr_b["corridor"], corr_b["teu_per_year"], strict=True
        )
    }
    s_teu = {(r.market, r.corridor): r for r in corr_s.itertuples()}
    corridors = []
    for k in keys:
        s = s_teu.get(k)
        corridors.append(
            [
                str(k[0]),
                str(k[1]),
                f"{b_teu.get(k, 0.0):,.0f}",
                f"{s.teu_per_year:,.0f}" if s is not None else "0",
                f"{s.p50_days:.1f}" if s is not None else "–",
                f"{s.co2e_kt:,.0f}" if s is not None else "–",
            ]
        )
    st = station_table(final, net, top=top)
    stations = [
        [str(r["station"]), f"{float(r['trains_per_week']):.0f}",
         f"{float(r['utilization']):.0%}", f"{float(r['wait_hours']):,.0f}"]
        for r in st.to_dict(orient="records")
    ]  # fmt: skip
    warnings = "".join(f"<li>{escape(w)}</li>" for w in saturated(final, net))
    label = "scenario" if study.scenario is not None else "base year"
    parts = [
        "<p>Container flows at equilibrium on the packaged 2024 demand (sea or rail, corridor "
        "and route by a nested logit; waits from queueing cost functions; docs/flows.md). "
        f"Relative gap {final.gap[-1]:.1e} after {final.gap.size} iterations.</p>",
        table(["market", "rail share, base year", f"rail share, {label}"], markets),
        table(
            [
                "market",
                "corridor",
                "TEU a year, base",
                f"TEU a year, {label}",
                "p50 days",
                "kt CO2e",
            ],
            corridors,
        ),
        table(["station", "trains a week", "utilisation", "wait h"], stations),
    ]
    if warnings:
        parts.append(f"<ul>{warnings}</ul>")
    return "\n".join(parts)


def flow_study_json(net: CorridorNetwork, spec: ScenarioSpec | None = None) -> dict[str, object]:
    """Solve the 2024 base year and, with `spec`, the scenario; return the flows JSON.

    The answer of ``silkrail flows --json`` and of the service's flows jobs
    (:func:`~silkrail.studies.flow_study.run_flow_study`, then :func:`study_json`).

    Parameters
    ----------
    net
        The corridor network.
    spec
        A scenario file (``None``: the base year only).

    Returns
    -------
    dict
        ``baseline`` and ``scenario`` markets, corridors, stations, the relative gap per
        iteration and warnings.
    """
    from silkrail.studies.flow_study import run_flow_study

    return study_json(run_flow_study(net, spec), net)
