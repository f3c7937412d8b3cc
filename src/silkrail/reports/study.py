"""The study report: one self-contained HTML file a corridor planner can hand over.

It shows what a scenario does against its baseline: a summary in numbers, a network map, four
charts, the route, border and bottleneck tables, the assumptions and a reproducibility block.
Everything is inline (styles, SVG charts, the basemap); the file makes no network request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import platform
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from silkrail._atomic import atomic_file
from silkrail.network._schema import LinkMode
from silkrail.reports._map import MapMarker, network_map, utilisation_colour
from silkrail.reports._svg import BASE, SCEN, bar_chart, box_chart, line_chart
from silkrail.routing.families import CorridorFamily, land_family
from silkrail.routing.labels import CASPIAN_STATES
from silkrail.simulation.model import ServerStation
from silkrail.simulation.names import route_title, station_title

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    import pandas as pd

    from silkrail.network import CorridorNetwork
    from silkrail.simulation import MonteCarloResult, Scenario, SimulationModel
    from silkrail.studies import StudyResult

__all__ = ["ReportSection", "dataset_fingerprint", "study_report", "write_study_report"]

#: Routes drawn in the transit-time chart.
MAIN_ROUTES = 8
#: Bottlenecks marked on the map, drawn in the queue chart and listed.
TOP_BOTTLENECKS = 10
_QUEUE_LINES = 4
#: A route or station whose figure moves less than this is "unchanged" in the summary.
_DAYS_EPS = 0.05
_HOURS_EPS = 0.05


@dataclass(frozen=True)
class ReportSection:
    """An extra section of the report, placed before the assumptions.

    The hook for other studies: ``silkrail flows`` (issue #13) will pass its flows section
    here. `html` is trusted markup (escape what it quotes).

    Attributes
    ----------
    id
        The section's HTML id.
    title
        Its heading.
    html
        Its body.
    """

    id: str
    title: str
    html: str


def dataset_fingerprint(net: CorridorNetwork) -> str:
    """Return a SHA-256 of the network as loaded: every node, link and source column.

    The same for the same data however it was read (CSV, GeoJSON, the packaged files).

    Examples
    --------
    >>> from silkrail import load_network
    >>> len(dataset_fingerprint(load_network()))
    64
    """
    h = hashlib.sha256()
    for f in dataclasses.fields(net):
        value = getattr(net, f.name)
        h.update(f.name.encode())
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "OUS":
                h.update("\x1f".join(map(str, value.tolist())).encode())
            else:
                h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()


# -- what the runs say ---------------------------------------------------------------------------


def _family_of(
    net: CorridorNetwork,
    link_row: dict[str, int],
    node_ids: Sequence[str],
    link_ids: Sequence[str],
) -> str:
    if len(node_ids) < 2:
        return "other"
    country = net.country_of
    rows = [link_row[k] for k in link_ids if k in link_row]
    modes = {int(net.link_mode[r]) for r in rows}
    if int(LinkMode.SEA) in modes:
        return str(CorridorFamily.SEA)
    caspian = any(
        int(net.link_mode[link_row[k]]) == int(LinkMode.FERRY)
        and country.get(a) in CASPIAN_STATES
        and country.get(b) in CASPIAN_STATES
        for k, a, b in zip(link_ids, node_ids, node_ids[1:], strict=False)
        if k in link_row
    )
    countries = {country[n] for n in node_ids if n in country}
    road = bool(modes) and modes == {int(LinkMode.ROAD)}
    return str(land_family(countries, caspian_ferry=caspian, road=road))


def _families(net: CorridorNetwork, model: SimulationModel) -> dict[str, str]:
    link_row = {str(k): i for i, k in enumerate(net.link_id)}
    return {r.name: _family_of(net, link_row, r.node_ids, r.link_ids) for r in model.routes}


def _route_cost(net: CorridorNetwork, model: SimulationModel) -> dict[str, float]:
    """USD per FEU of each route: its links' tariffs plus its stations' fees."""
    link_row = {str(k): i for i, k in enumerate(net.link_id)}
    fee = {s.name: s.usd_per_feu for s in model.stations if isinstance(s, ServerStation)}
    out = {}
    for r in model.routes:
        tariff = sum(
            float(net.tariff_usd_per_feu[link_row[k]]) for k in r.link_ids if k in link_row
        )
        out[r.name] = tariff + sum(fee.get(s, 0.0) for s in r.stations)
    return out


def _trains_per_week_by_link(model: SimulationModel, scenario: Scenario | None) -> dict[str, float]:
    links = {r.name: r.link_ids for r in model.routes}
    out: dict[str, float] = {}
    for sv in model.services:
        growth = scenario.growth_of(sv.label) if scenario is not None else 0.0
        tpw = (sv.trains_per_week + len(sv.departures) * 7.0 / 365.0) * (1.0 + growth)
        for link in links.get(sv.route, ()):
            out[link] = out.get(link, 0.0) + tpw
    return out


def _utilisation_by_link(mc: MonteCarloResult) -> dict[str, float]:
    util = mc.station_summary()["utilization"]
    out: dict[str, float] = {}
    for s in mc.model.stations:
        link = getattr(s, "link", "")
        u = float(util.get(s.name, math.nan))
        if link and math.isfinite(u):
            out[link] = max(out.get(link, 0.0), u)
    return out


def _station_point(net: CorridorNetwork, model: SimulationModel, name: str) -> tuple[float, float]:
    s = model.stations[model.station_index[name]]
    node = getattr(s, "node", "")
    if node:
        i = net.index_of(node)
        return float(net.node_lon[i]), float(net.node_lat[i])
    link = getattr(s, "link", "")
    row = next(i for i, k in enumerate(net.link_id) if str(k) == link)
    a, b = net.link_from[row], net.link_to[row]
    return (
        0.5 * float(net.node_lon[a] + net.node_lon[b]),
        0.5 * float(net.node_lat[a] + net.node_lat[b]),
    )


def _quantiles(mc: MonteCarloResult, route: str) -> list[float] | None:
    first = mc.first
    if first is None:
        return None
    names = [r.name for r in first.model.routes]
    if route not in names:
        return None
    days = first.transit_h[first.train_route == names.index(route)] / 24.0
    days = days[np.isfinite(days)]
    if days.size == 0:
        return None
    return [float(v) for v in np.percentile(days, [5, 25, 50, 75, 95])]


def _num(v: Any) -> float:
    """Return a table cell as a float (pandas types its cells loosely)."""
    return float(v)


def _fmt(v: Any, digits: int = 1) -> str:
    v = _num(v)
    return "–" if not math.isfinite(v) else f"{v:,.{digits}f}"


def _delta(a: Any, b: Any, digits: int = 1) -> str:
    a, b = _num(a), _num(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        return ""
    d = b - a
    return f"{d:+.{digits}f}" if abs(d) >= 0.5 * 10.0**-digits else "±0"


# -- the sections ----------------------------------------------------------------------------------


def _summary(study: StudyResult, net: CorridorNetwork) -> str:
    mc, base, routes = study.scenario, study.baseline, study.routes
    trains = float(mc.n_trains.mean())
    items: list[str] = []
    if base is None:
        b = mc.bottlenecks(top=1)
        items.append(
            f"{trains:,.0f} trains per replication on {len(routes)} routes "
            f"({mc.replications} replications of {mc.days:g} days)."
        )
        if len(b):
            name = str(b.index[0])
            items.append(
                f"The worst bottleneck is {escape(station_title(net, name))}: "
                f"{b.iloc[0]['wait_train_hours_per_day']:.1f} train-hours of waiting a day, "
                f"mean wait {b.iloc[0]['mean_wait_h']:.1f} h."
            )
        return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    change = (routes["p95_days"] - routes["base_p95_days"]).astype(float)
    moved = change[change.abs() >= _DAYS_EPS].sort_values(ascending=False, key=abs)
    if len(moved):
        worst = str(moved.index[0])
        r = routes.loc[worst]
        weights = routes.loc[moved.index, "finished"].astype(float).fillna(0.0)
        mean = float(np.average(moved, weights=weights)) if weights.sum() > 0 else float("nan")
        up = int((moved > 0).sum())
        items.append(
            f"<b>p95 transit days</b>: the scenario moves the p95 of {len(moved)} of "
            f"{len(routes)} routes ({up} longer, {len(moved) - up} shorter) by "
            f"{_fmt(mean, 2)} days on average (weighted by trains); most on "
            f"{escape(route_title(net, worst))}, from {_fmt(r['base_p95_days'])} to "
            f"{_fmt(r['p95_days'])} days ({_delta(r['base_p95_days'], r['p95_days'])} d; p50 "
            f"{_fmt(r['base_p50_days'])} → {_fmt(r['p50_days'])} d)."
        )
    else:
        items.append(
            f"<b>p95 transit days</b>: no route's p95 moves by {_DAYS_EPS:g} days or more."
        )
    s, b = mc.station_summary(), base.station_summary()
    common = s.index.intersection(b.index)
    dw = (s.loc[common, "mean_wait_h"] - b.loc[common, "mean_wait_h"]).astype(float)
    dw = dw[dw.abs() >= _HOURS_EPS].sort_values(ascending=False, key=abs)
    if len(dw):
        shown = []
        for name in dw.index[:3]:
            shown.append(
                f"{escape(station_title(net, str(name)))} {b.loc[name, 'mean_wait_h']:.1f} → "
                f"{s.loc[name, 'mean_wait_h']:.1f} h (p95 {b.loc[name, 'p95_wait_h']:.1f} → "
                f"{s.loc[name, 'p95_wait_h']:.1f} h)"
            )
        items.append(
            f"<b>Waits</b>: the mean wait changes by {_HOURS_EPS:g} h or more at {len(dw)} "
            f"stations; most at " + "; ".join(shown) + "."
        )
    else:
        items.append(f"<b>Waits</b>: no station's mean wait moves by {_HOURS_EPS:g} h or more.")
    total = float(s["wait_train_hours_per_day"].sum())
    base_total = float(b["wait_train_hours_per_day"].sum())
    items.append(
        f"<b>Waiting on the whole network</b>: {base_total:,.0f} → {total:,.0f} train-hours a "
        f"day; trains finished per replication {float(base.n_trains.mean()):,.0f} → "
        f"{trains:,.0f}."
    )
    co2 = float(np.nansum(routes["co2e_t_wtw"]))
    base_co2 = float(np.nansum(routes["base_co2e_t_wtw"]))
    items.append(
        f"<b>CO2e</b> (well-to-wheel, finished trains): {base_co2:,.0f} → {co2:,.0f} t per "
        "replication."
    )
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _main_routes(routes: pd.DataFrame) -> list[str]:
    chosen: list[str] = []
    if "base_p95_days" in routes:
        change = (routes["p95_days"] - routes["base_p95_days"]).abs()
        moved = change[change >= _DAYS_EPS].sort_values(ascending=False)
        chosen += [str(k) for k in moved.index[: MAIN_ROUTES // 2]]
    busiest = routes.sort_values("finished", ascending=False, kind="stable").index
    chosen += [str(k) for k in busiest if str(k) not in chosen]
    return chosen[:MAIN_ROUTES]


def _transit_chart(study: StudyResult, net: CorridorNetwork) -> str:
    rows = []
    for name in _main_routes(study.routes):
        base = _quantiles(study.baseline, name) if study.baseline is not None else None
        rows.append((route_title(net, name), base, _quantiles(study.scenario, name)))
    return box_chart(
        rows,
        unit="transit days (box: 25th–75th percentile, bar: median, whiskers: 5th–95th)",
        title="Transit time of the main routes, first replication's trains",
    )


def _queue_chart(study: StudyResult, net: CorridorNetwork, top: Sequence[str]) -> str:
    series: list[tuple[str, Sequence[float], Sequence[float], str, bool]] = []
    palette = ("#1f6fb4", "#d62728", "#2ca02c", "#9467bd")
    for k, (mc, dashed) in enumerate(((study.scenario, False), (study.baseline, True))):
        if mc is None or mc.first is None:
            continue
        # Weekly means: daily values of eight lines over a year read as noise.
        q = mc.first.queue_lengths(step_hours=7 * 24.0)
        for j, name in enumerate(top[:_QUEUE_LINES]):
            if name not in q.stations:
                continue
            i = q.stations.index(name)
            label = station_title(net, name) + (", base" if k else "")
            series.append((label, list(q.bin_start_h / 24.0), list(q.mean[i]), palette[j], dashed))
    return line_chart(
        series,
        x_label="day of the run",
        y_label="trains queueing (weekly mean)",
        title="Queue length over the year at the top bottlenecks, first replication",
    )


def _per_week_by_family(net: CorridorNetwork, mc: MonteCarloResult) -> dict[str, float]:
    fam = _families(net, mc.model)
    finished = mc.route_summary()["finished"]
    out: dict[str, float] = {}
    for name, n in finished.items():
        f = fam.get(str(name), "other")
        out[f] = out.get(f, 0.0) + float(n) * 7.0 / mc.days
    return out


def _family_charts(study: StudyResult, net: CorridorNetwork) -> tuple[str, str]:
    scen = _per_week_by_family(net, study.scenario)
    base = _per_week_by_family(net, study.baseline) if study.baseline is not None else None
    fams: list[str] = [
        str(f) for f in CorridorFamily if f.value in scen or (base and f.value in base)
    ]
    fams += sorted(k for k in {*scen, *(base or {})} if k not in fams)
    trains = bar_chart(
        fams,
        [base.get(f, 0.0) for f in fams] if base is not None else None,
        [scen.get(f, 0.0) for f in fams],
        unit="trains/week",
        title="Trains a week by corridor (finished trains)",
    )
    routes = study.routes
    fam = {
        **(_families(net, study.baseline.model) if study.baseline is not None else {}),
        **_families(net, study.scenario.model),
    }
    by = routes.index.map(lambda r: fam.get(str(r), "other"))
    scen_co2 = routes["co2e_t_wtw"].groupby(by).sum() / 1000.0
    base_co2 = (
        routes["base_co2e_t_wtw"].groupby(by).sum() / 1000.0
        if "base_co2e_t_wtw" in routes
        else None
    )
    co2 = bar_chart(
        fams,
        [float(base_co2.get(f, 0.0)) for f in fams] if base_co2 is not None else None,
        [float(scen_co2.get(f, 0.0)) for f in fams],
        unit="kt CO2e",
        title="CO2e by corridor (well-to-wheel, per replication)",
    )
    return trains, co2


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, cls: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _routes_table(study: StudyResult, net: CorridorNetwork) -> str:
    routes = study.routes
    cost = _route_cost(net, study.scenario.model)
    if study.baseline is not None:
        cost = {**_route_cost(net, study.baseline.model), **cost}
    has_base = "base_p95_days" in routes
    order = _main_routes(routes)
    rest = routes.drop(index=order).sort_values("finished", ascending=False, kind="stable")
    head = ["route", "trains/yr", "p50 days", "p95 days"]
    head += ["base p50", "base p95", "Δ p95"] if has_base else []
    head += ["USD/FEU", "kg CO2e/FEU"]
    rows = []
    for name in [*order, *map(str, rest.index)]:
        r = routes.loc[name]
        row = [
            escape(route_title(net, name)),
            _fmt(_num(r["finished"]) * 365.0 / study.scenario.days, 0),
            f"{_fmt(r['p50_days'])} ± {_fmt(r['p50_days_ci'])}",
            f"{_fmt(r['p95_days'])} ± {_fmt(r['p95_days_ci'])}",
        ]
        if has_base:
            row += [
                _fmt(r["base_p50_days"]),
                _fmt(r["base_p95_days"]),
                _delta(r["base_p95_days"], r["p95_days"]),
            ]
        row += [_fmt(cost.get(name, math.nan), 0), _fmt(r["co2e_kg_per_feu_wtw"], 0)]
        rows.append(row)
    shown = len(order)
    table = _table(head, rows[:shown], cls="routes")
    more = _table(head, rows[shown:], cls="routes-all")
    return (
        table
        + f"<details><summary>All {len(rows)} routes</summary>{more}</details>"
        + '<p class="note">± is the half-width of the 95 % confidence interval over the '
        "replications. USD/FEU: the links' tariffs plus the border, gauge-change and port fees "
        "of the route's stations. kg CO2e/FEU: well-to-wheel (ISO 14083 / GLEC).</p>"
    )


def _borders_table(study: StudyResult, net: CorridorNetwork) -> str:
    mc, base = study.scenario, study.baseline
    b = mc.border_summary().sort_values("mean_clear_h", ascending=False)
    bb = base.border_summary() if base is not None else None
    head = ["border crossing point", "crossings/yr", "mean h", "p95 h"]
    head += ["base mean h", "base p95 h"] if bb is not None else []
    head += ["USD/FEU"]
    rows = []
    for key, r in b.iterrows():
        node = str(key)
        try:
            place = str(net.node_name[net.index_of(node)])
        except KeyError:
            place = str(node)
        row = [
            escape(place),
            _fmt(_num(r["crossings"]) * 365.0 / mc.days, 0),
            f"{_fmt(r['mean_clear_h'])} ± {_fmt(r['mean_clear_h_ci'])}",
            _fmt(r["p95_clear_h"]),
        ]
        if bb is not None:
            row += (
                [_fmt(bb.loc[node, "mean_clear_h"]), _fmt(bb.loc[node, "p95_clear_h"])]
                if node in bb.index
                else ["–", "–"]
            )
        row.append(_fmt(r["usd_per_feu"], 0))
        rows.append(row)
    return _table(head, rows, cls="borders") + (
        '<p class="note">CAREC Corridor Performance Measurement and Monitoring indicators: the '
        "time to clear a border crossing point (waiting and service), per crossing, and its "
        "fee.</p>"
    )


def _bottleneck_table(study: StudyResult, net: CorridorNetwork, top: Sequence[str]) -> str:
    s = study.scenario.station_summary()
    b = study.baseline.station_summary() if study.baseline is not None else None
    head = ["#", "station", "kind", "utilisation", "wait train-h/day", "mean wait h", "p95 wait h"]
    head += ["base mean wait h", "base p95 wait h"] if b is not None else []
    rows = []
    for k, name in enumerate(top, start=1):
        r = s.loc[name]
        u = _num(r["utilization"])
        swatch = f'<span class="sw" style="background:{utilisation_colour(u)}"></span>'
        row = [
            str(k),
            escape(station_title(net, name)),
            escape(str(r["category"])),
            swatch + ("–" if not math.isfinite(u) else f"{u:.0%}"),
            _fmt(r["wait_train_hours_per_day"]),
            f"{_fmt(r['mean_wait_h'])} ± {_fmt(r['mean_wait_h_ci'])}",
            _fmt(r["p95_wait_h"]),
        ]
        if b is not None:
            row += (
                [_fmt(b.loc[name, "mean_wait_h"]), _fmt(b.loc[name, "p95_wait_h"])]
                if name in b.index
                else ["–", "–"]
            )
        rows.append(row)
    return _table(head, rows, cls="bottlenecks")


def _map(study: StudyResult, net: CorridorNetwork, top: Sequence[str]) -> str:
    mc = study.scenario
    markers: list[MapMarker] = []
    for k, name in enumerate(top, start=1):
        lon, lat = _station_point(net, mc.model, name)
        markers.append((k, lon, lat))
    util = mc.station_summary()["utilization"]
    by_node: dict[str, float] = {}
    for st in mc.model.stations:
        node = getattr(st, "node", "")
        u = _num(util.get(st.name, math.nan))
        if node and math.isfinite(u):
            by_node[node] = max(by_node.get(node, 0.0), u)
    dots = []
    for node, u in by_node.items():
        i = net.index_of(node)
        dots.append((float(net.node_lon[i]), float(net.node_lat[i]), u))
    return network_map(
        net,
        _trains_per_week_by_link(mc.model, mc.scenario),
        _utilisation_by_link(mc),
        markers,
        stations=dots,
        title="Network map: line width = trains a week, colour = utilisation",
    )


def _touched_sources(net: CorridorNetwork, study: StudyResult) -> str:
    sc = study.scenario.scenario
    if sc is None:
        return "<p>No scenario: the packaged 2024 services on the network as it is.</p>"
    model = study.scenario.model
    targets = [("closure", c.target) for c in sc.closures]
    targets += [("capacity", c.target) for c in sc.capacity]
    targets += [("ferry", f.target or "every ferry") for f in sc.ferries]
    link_row = {str(k): i for i, k in enumerate(net.link_id)}
    src_row = {str(k): i for i, k in enumerate(net.source_id)}
    blocks = []
    for what, target in targets:
        hits = (
            model.targets(target)
            if target != "every ferry"
            else [i for i, s in enumerate(model.stations) if s.category == "ferry"]
        )
        ids: list[str] = []
        places: list[str] = []
        for i in hits:
            s = model.stations[i]
            node, link = getattr(s, "node", ""), getattr(s, "link", "")
            places.append(station_title(net, s.name))
            if node:
                ids += str(net.node_source_ids[net.index_of(node)]).split(";")
            if link and link in link_row:
                ids += str(net.link_source_ids[link_row[link]]).split(";")
        items = []
        for sid in dict.fromkeys(x.strip() for x in ids if x.strip()):
            j = src_row.get(sid)
            if j is None:
                continue
            url = str(net.source_url[j])
            items.append(
                f"<li><code>{escape(sid)}</code> {escape(str(net.source_title[j]))} "
                f'({int(net.source_year[j])}), <a href="{escape(url)}">{escape(url)}</a></li>'
            )
        blocks.append(
            f"<p><b>{escape(what)}</b> of <code>{escape(target)}</code>: "
            f"{escape(', '.join(dict.fromkeys(places)))}. Its parameters come from:</p>"
            f'<ul class="sources">{"".join(items)}</ul>'
        )
    if not blocks:
        return "<p>The scenario changes no sourced station parameter (demand only).</p>"
    return "".join(blocks)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:1040px;padding:16px 24px;color:#222;line-height:1.4}
h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #e3e3e3;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
table.bottlenecks td:nth-child(2),table.bottlenecks td:nth-child(3),
table.sources td{text-align:left}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.note{color:#555;font-size:12px}.key{display:inline-block;width:14px;height:10px;
margin:0 4px 0 10px}pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}
figure{margin:.5em 0}svg{max-width:100%;height:auto}dl{display:grid;
grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:600}dd{margin:0}
"""


def study_report(
    study: StudyResult,
    net: CorridorNetwork,
    *,
    command: str = "",
    scenario_text: str | None = None,
    dataset: str | None = None,
    version: str = "",
    sections: Sequence[ReportSection] = (),
) -> str:
    """Render a study as one self-contained HTML page.

    Parameters
    ----------
    study
        The scenario, its baseline and their comparison (:func:`silkrail.studies.run_study`).
    net
        The network the study ran on (names, map, sources).
    command
        The command that made the study, shown for reproducibility.
    scenario_text
        The scenario file as written (YAML or JSON), shown in the assumptions.
    dataset
        What the network is (default: its name and size).
    version
        The silkrail version.
    sections
        Extra sections (e.g. the flows of ``silkrail flows``), placed before the assumptions.

    Returns
    -------
    str
        The HTML document. It loads nothing: styles and SVG are inline.

    Examples
    --------
    >>> from silkrail import corridor_model, default_services, load_network, run_study
    >>> net = load_network()
    >>> study = run_study(corridor_model(net, default_services()[:4]), days=30, replications=2,
    ...                   seed=1)
    >>> html = study_report(study, net)
    >>> html.startswith("<!DOCTYPE html>") and 'id="map"' in html
    True
    """
    mc, base = study.scenario, study.baseline
    top = [str(k) for k in mc.bottlenecks(top=TOP_BOTTLENECKS).index]
    trains_chart, co2_chart = _family_charts(study, net)
    title = f"Corridor study: {study.label}" if base is not None else "Corridor study: the baseline"
    sc = mc.scenario
    description = sc.description if sc is not None and sc.description else ""
    key = (
        f'<span class="key" style="background:{BASE}"></span>baseline'
        f'<span class="key" style="background:{SCEN}"></span>scenario'
        if base is not None
        else ""
    )
    fingerprint = dataset_fingerprint(net)
    n_sources = len(net.source_id)
    extra = "".join(
        f'<section id="{escape(s.id)}"><h2>{escape(s.title)}</h2>{s.html}</section>'
        for s in sections
    )
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    repro = [
        ("silkrail", escape(version or "unknown")),
        ("command", f"<code>{escape(command)}</code>" if command else "–"),
        ("seed", str(study.seed)),
        (
            "runs",
            f"{mc.replications} replications × {mc.days:g} days"
            + (f", {mc.warmup_days:g} warm-up days" if mc.warmup_days else "")
            + (", the baseline with the same seed" if base is not None else ""),
        ),
        ("run time", f"{study.elapsed_s:.1f} s"),
        ("generated", generated),
        ("Python", escape(platform.python_version())),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(description)}</p>" if description else "",
        f'<section id="summary"><h2>Summary</h2>{_summary(study, net)}</section>',
        f'<section id="map"><h2>Network</h2><figure>{_map(study, net, top)}<figcaption '
        "class=\"note\">Links that carry the scenario's trains (colour: the busier direction's "
        "line utilisation); dots: border, gauge-change and port stations in their "
        "utilisation's colour; grey: links without trains. Numbered rings: the bottlenecks in "
        "the table below.</figcaption></figure></section>",
        f'<section id="charts"><h2>Charts</h2><p class="note">{key}</p>',
        f'<figure id="chart-transit">{_transit_chart(study, net)}</figure>',
        f'<figure id="chart-queues">{_queue_chart(study, net, top)}</figure>',
        f'<figure id="chart-trains">{trains_chart}</figure>',
        f'<figure id="chart-co2e">{co2_chart}</figure></section>',
        '<section id="tables"><h2>Routes</h2>',
        _routes_table(study, net),
        "<h2>Border crossing points</h2>",
        _borders_table(study, net),
        "<h2>Bottlenecks</h2>",
        '<p class="note">Stations with the most train-hours of waiting a day in the scenario.</p>',
        _bottleneck_table(study, net, top),
        "</section>",
        extra,
        '<section id="assumptions"><h2>Assumptions</h2>',
        "<h3>Scenario</h3>",
        f"<pre>{escape(scenario_text)}</pre>" if scenario_text else "<p>No scenario file.</p>",
        "<h3>Dataset</h3>",
        f"<dl><dt>network</dt><dd>{escape(dataset or net.name)}: {net.n_nodes} nodes, "
        f"{net.n_links} links, {n_sources} sources</dd>"
        f"<dt>SHA-256</dt><dd><code>{fingerprint}</code> (of the network as loaded)</dd></dl>",
        "<h3>Sources of the parameters the scenario touched</h3>",
        _touched_sources(net, study),
        '<p class="note">Queue lengths and transit-time distributions are those of the first '
        "replication; the tables and the summary use every replication.</p></section>",
        '<section id="reproducibility"><h2>Reproducibility</h2><dl>',
        "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in repro),
        "</dl></section></body></html>",
    ]
    return "\n".join(p for p in parts if p)


def write_study_report(
    study: StudyResult,
    net: CorridorNetwork,
    path: str | os.PathLike[str],
    *,
    command: str = "",
    scenario_text: str | None = None,
    dataset: str | None = None,
    version: str = "",
    sections: Sequence[ReportSection] = (),
) -> Path:
    """Write :func:`study_report` to `path`, atomically; return the path.

    Parameters
    ----------
    study, net, command, scenario_text, dataset, version, sections
        As for :func:`study_report`.
    path
        The HTML file; its folder must exist.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    target = Path(path)
    html = study_report(
        study,
        net,
        command=command,
        scenario_text=scenario_text,
        dataset=dataset,
        version=version,
        sections=sections,
    )
    with atomic_file(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
