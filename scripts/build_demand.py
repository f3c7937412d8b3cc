#!/usr/bin/env python
"""Derive the packaged default demand (``datasets/demand``) from its sourced figures.

Run from the repository root::

    .venv/bin/python scripts/build_demand.py           # rewrite the derived files
    .venv/bin/python scripts/build_demand.py --check   # fail if they are out of date

``figures.csv`` and ``sources.csv`` are the source of truth: published train counts, each with
its sources. This script derives from them, and writes:

``marginals_2024.csv``
    the totals the table is fitted to, by origin city, border gateway, segment (where the
    trains end) and destination, each sourced or derived with the arithmetic in its note;
``services_2024.csv``
    trains a year by origin, gateway, destination and direction: the fitted table;
``routes_2024.csv``
    the route the planner (:func:`silkrail.plan`) chooses on the packaged network for each
    pair of services (outbound and inbound run the same route);
``SHA256SUMS``
    checksums of every file of the folder.

The method (see the README and docs/simulation.md, "Default demand"):

1. Marginals. Origins: the ten cities of the 2024 CRCT ranking that are network nodes, plus
   one group "other" for the rest of the national total (Changsha and Jinan, which the
   network lacks, and the cities the source does not name). Gateways: Manzhouli (2023 count),
   Erenhot (4 x its Q1 2024 count) and the Xinjiang remainder of the national total, split
   between Horgos and Alashankou in proportion to their 2024 port counts. Segments: trains to
   and from the EU (UTLC ERA's 2024 transit TEU over the 2024 average TEU per train, plus the
   published return ratio), the Trans-Caspian block trains counted at Baku, and the remainder,
   trains that end in Russia or Belarus.
2. Iterative proportional fitting of a table origin x gateway x segment to the three
   marginals, starting from a uniform seed with one structural zero: Trans-Caspian trains
   cannot cross at Manzhouli or Erenhot. With no published origin-gateway or
   origin-destination matrix, the fit is the maximum-entropy table with those marginals.
3. Directions: each cell is split into outbound and inbound trains by its segment's published
   direction ratio; the segment ratios add up to the national outbound and inbound totals.
4. Places: trains of the "other" group start at the network's Chinese terminal nearest (by
   the planner's mean hours) to their gateway among those the ranking does not name. EU trains
   end at Duisburg (its 2020 share of China-EU rail trade) or, for the rest, at the EU
   terminal nearest the EU entry Malaszewicze; Trans-Caspian trains at Baku port, where they
   are counted; Russia/Belarus trains at Moscow.
5. Routes: ``silkrail.plan(china end, far end, via=[gateway (, Aktau)], modes)``, rail only
   (rail and ferry for the Trans-Caspian trains), the first route (least generalized cost);
   inbound services run the same route reversed (checked: the planner's route back is it).

Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import silkrail  # noqa: E402
from silkrail.network import NodeKind, Status  # noqa: E402
from silkrail.simulation import route_from_plan  # noqa: E402
from silkrail.simulation._demand import DEMAND_DATE  # noqa: E402

DATA = ROOT / "src" / "silkrail" / "datasets" / "demand"
YEAR = 2024

# ---------------------------------------------------------------------------------------------
# Rules (no figures): which node stands for what
# ---------------------------------------------------------------------------------------------
GATEWAYS = ("CN-ALASHANKOU", "CN-KHORGOS", "CN-MANZHOULI", "CN-ERENHOT")
XINJIANG = ("CN-ALASHANKOU", "CN-KHORGOS")
SEGMENTS = ("eu", "titr", "ru_by")
#: Trans-Caspian trains were reloaded at Aktau port (seanews_titr_2024, seanews_baku_2024).
TITR_PORT = "KZ-AKTAU"
TITR_END = "AZBAK"
#: Trains ending in Russia or Belarus: no published split by terminal; all go to Moscow.
RU_BY_END = "RU-MOSCOW"
EU_ENTRY = "PL-MALASZEWICZE"
DUISBURG = "DE-DUISBURG"
# fmt: off
EU_MEMBERS = frozenset((
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
))
# fmt: on
MODES = {"eu": ("rail",), "titr": ("rail", "ferry"), "ru_by": ("rail",)}
OTHER = "other"

SERVICE_COLUMNS = (
    "service",
    "segment",
    "origin_group",
    "gateway_id",
    "origin_id",
    "destination_id",
    "via",
    "direction",
    "trains_per_year",
    "route_id",
    "source_ids",
    "note",
)
ROUTE_COLUMNS = (
    "route_id",
    "china_id",
    "far_id",
    "via",
    "modes",
    "label",
    "hours_mean",
    "distance_km",
    "node_ids",
    "link_ids",
)
MARGINAL_COLUMNS = (
    "dimension",
    "key",
    "node_id",
    "year",
    "trains_per_year",
    "outbound",
    "inbound",
    "basis",
    "source_ids",
    "note",
)


class Figures:
    """The rows of figures.csv by id."""

    def __init__(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as fh:
            self.rows = {r["id"]: r for r in csv.DictReader(fh)}

    def value(self, key: str) -> float:
        return float(self.rows[key]["value"])

    def src(self, *keys: str) -> list[str]:
        out: list[str] = []
        for key in keys:
            for s in self.rows[key]["source_ids"].split(";"):
                if s and s not in out:
                    out.append(s)
        return out


def _ids(items: list[str]) -> str:
    return ";".join(dict.fromkeys(items))


def _fmt(x: float, digits: int = 3) -> str:
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ipf(
    seed: np.ndarray, margins: list[np.ndarray], *, tol: float = 1e-12, max_iter: int = 10_000
) -> np.ndarray:
    """Scale `seed` until its sums over every other axis equal `margins` (one per axis)."""
    table = seed.astype(np.float64).copy()
    for _ in range(max_iter):
        for axis, target in enumerate(margins):
            others = tuple(a for a in range(table.ndim) if a != axis)
            current = table.sum(axis=others)
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            shape = [1] * table.ndim
            shape[axis] = -1
            table *= factor.reshape(shape)
        gap = max(
            float(np.max(np.abs(table.sum(axis=tuple(b for b in range(table.ndim) if b != a)) - m)))
            for a, m in enumerate(margins)
        )
        if gap < tol * float(margins[0].sum()):
            return table
    msg = f"IPF did not converge in {max_iter} sweeps (gap {gap})"
    raise RuntimeError(msg)


def nearest(
    net: silkrail.CorridorNetwork, candidates: list[str], target: str, *, to_target: bool
) -> tuple[str, float]:
    """The candidate node with the least planned mean hours to (or from) `target`."""
    best: tuple[float, str] | None = None
    for c in candidates:
        o, d = (c, target) if to_target else (target, c)
        try:
            hours = (
                silkrail.plan(net, o, d, modes=["rail"], max_routes=1, depart=DEMAND_DATE)
                .routes[0]
                .hours_mean
            )
        except silkrail.NoRouteError:
            continue  # e.g. Kouvola: no rail route from the EU entry since 2023
        if best is None or (hours, c) < best:
            best = (hours, c)
    assert best is not None
    return best[1], best[0]


def _route(
    net: silkrail.CorridorNetwork,
    route_id: str,
    china: str,
    far: str,
    via: list[str],
    modes: tuple[str, ...],
) -> dict[str, str]:
    """Plan the route China end -> far end; check that the way back is the same, reversed."""
    best = silkrail.plan(
        net, china, far, via=via, modes=modes, max_routes=1, depart=DEMAND_DATE
    ).routes[0]
    r = route_from_plan(best)
    back = silkrail.plan(
        net, far, china, via=via[::-1], modes=modes, max_routes=1, depart=DEMAND_DATE
    ).routes[0]
    if route_from_plan(back).link_ids != r.link_ids[::-1]:
        msg = f"{route_id}: the planner's route back is not the reverse of the route out"
        raise RuntimeError(msg)
    return {
        "route_id": route_id,
        "china_id": china,
        "far_id": far,
        "via": ";".join(via),
        "modes": ";".join(modes),
        "label": best.label,
        "hours_mean": f"{best.hours_mean:.1f}",
        "distance_km": f"{best.distance_km:.0f}",
        "node_ids": ";".join(r.node_ids),
        "link_ids": ";".join(r.link_ids),
    }


def derive(fig: Figures, net: silkrail.CorridorNetwork) -> dict[str, list[dict[str, str]]]:
    total = fig.value("cre_trains")
    outbound, inbound = fig.value("cre_outbound"), fig.value("cre_inbound")
    assert outbound + inbound == total
    teu_per_train = fig.value("cre_teu") / total
    marg: list[dict[str, str]] = []

    def add(
        dim: str,
        key: str,
        node: str,
        year: int,
        trains: float,
        basis: str,
        src: list[str],
        note: str,
        out: float | None = None,
        inn: float | None = None,
    ) -> None:
        marg.append(
            {
                "dimension": dim,
                "key": key,
                "node_id": node,
                "year": str(year),
                "trains_per_year": _fmt(trains),
                "outbound": "" if out is None else _fmt(out),
                "inbound": "" if inn is None else _fmt(inn),
                "basis": basis,
                "source_ids": _ids(src),
                "note": note,
            }
        )

    add(
        "total",
        "cre",
        "",
        YEAR,
        total,
        "sourced",
        fig.src("cre_trains", "cre_outbound"),
        "China-Europe Railway Express trains, both directions",
        outbound,
        inbound,
    )

    # 1a. Origins ---------------------------------------------------------------------------
    cities = [r for k, r in fig.rows.items() if k.startswith("city_")]
    in_net = [r for r in cities if r["node_id"]]
    named = sum(float(r["value"]) for r in in_net)
    origins: dict[str, float] = {}
    origin_node: dict[str, str] = {}
    origin_src: dict[str, list[str]] = {}
    for r in in_net:
        origins[r["id"]] = float(r["value"])
        origin_node[r["id"]] = r["node_id"]
        origin_src[r["id"]] = fig.src(r["id"])
        add(
            "origin",
            r["id"],
            r["node_id"],
            YEAR,
            float(r["value"]),
            "sourced",
            fig.src(r["id"]),
            f"{r['quantity']} (both directions)",
        )
    absent = [r for r in cities if not r["node_id"]]
    other = total - named
    origins[OTHER] = other
    origin_src[OTHER] = fig.src("cre_trains", *(r["id"] for r in absent))
    absent_text = " and ".join(
        f"{r['quantity'].split(' CRE')[0]} {_fmt(float(r['value']))}" for r in absent
    )
    add(
        "origin",
        OTHER,
        "",
        YEAR,
        other,
        "derived",
        origin_src[OTHER],
        f"national total {_fmt(total)} - {_fmt(named)} of the named cities that are network "
        f"nodes = {_fmt(other)}: {absent_text} (not network nodes) and "
        f"{_fmt(other - sum(float(r['value']) for r in absent))} trains of cities the source "
        "does not name",
    )

    # 1b. Gateways --------------------------------------------------------------------------
    manzhouli = fig.value("port_manzhouli")
    erenhot = 4.0 * fig.value("port_erenhot_q1")
    xinjiang = total - manzhouli - erenhot
    horgos_share = fig.value("port_horgos") / fig.value("port_xinjiang")
    gateways = {
        "CN-ALASHANKOU": xinjiang * (1.0 - horgos_share),
        "CN-KHORGOS": xinjiang * horgos_share,
        "CN-MANZHOULI": manzhouli,
        "CN-ERENHOT": erenhot,
    }
    gw_src = {
        "CN-MANZHOULI": fig.src("port_manzhouli"),
        "CN-ERENHOT": fig.src("port_erenhot_q1"),
    }
    xj_src = fig.src(
        "cre_trains", "port_manzhouli", "port_erenhot_q1", "port_horgos", "port_xinjiang"
    )
    gw_src["CN-ALASHANKOU"] = gw_src["CN-KHORGOS"] = xj_src
    xj_note = (
        f"Xinjiang CRE trains = national {_fmt(total)} - Manzhouli {_fmt(manzhouli)} - Erenhot "
        f"{_fmt(erenhot)} = {_fmt(xinjiang)} (assumes no CRE train uses another border; the "
        f"published Xinjiang count {_fmt(fig.value('port_xinjiang'))} also has Central Asia "
        f"trains); split by the 2024 port counts, Horgos {_fmt(fig.value('port_horgos'))} / "
        f"{_fmt(fig.value('port_xinjiang'))} = {horgos_share:.4f}"
    )
    add(
        "gateway",
        "CN-ALASHANKOU",
        "CN-ALASHANKOU",
        YEAR,
        gateways["CN-ALASHANKOU"],
        "derived",
        xj_src,
        f"{xj_note}; Alashankou {1 - horgos_share:.4f} of it",
    )
    add(
        "gateway",
        "CN-KHORGOS",
        "CN-KHORGOS",
        YEAR,
        gateways["CN-KHORGOS"],
        "derived",
        xj_src,
        f"{xj_note}; Horgos {horgos_share:.4f} of it",
    )
    add(
        "gateway",
        "CN-MANZHOULI",
        "CN-MANZHOULI",
        2023,
        manzhouli,
        "sourced",
        gw_src["CN-MANZHOULI"],
        "2023 count, the nearest full year (2024 ran at the 2023 level)",
    )
    add(
        "gateway",
        "CN-ERENHOT",
        "CN-ERENHOT",
        YEAR,
        erenhot,
        "derived",
        gw_src["CN-ERENHOT"],
        f"4 x Q1 2024 count {_fmt(fig.value('port_erenhot_q1'))} (no full-year figure; 2023 "
        "passed 3,000 by 28 November)",
    )

    # 1c. Segments --------------------------------------------------------------------------
    ret = fig.value("eu_transit_return_per_100") / 100.0
    eu_out = fig.value("eu_transit_west_teu") / teu_per_train
    eu_in = eu_out * ret
    titr_out, titr_in = fig.value("titr_block_trains"), 0.0
    ru_out = outbound - eu_out - titr_out
    ru_in = inbound - eu_in - titr_in
    segments = {"eu": eu_out + eu_in, "titr": titr_out + titr_in, "ru_by": ru_out + ru_in}
    seg_out = {"eu": eu_out, "titr": titr_out, "ru_by": ru_out}
    seg_src = {
        "eu": fig.src("eu_transit_west_teu", "eu_transit_return_per_100", "cre_teu", "cre_trains"),
        "titr": fig.src("titr_block_trains"),
        "ru_by": fig.src(
            "cre_outbound",
            "eu_transit_west_teu",
            "eu_transit_return_per_100",
            "cre_teu",
            "titr_block_trains",
        ),
    }
    add(
        "segment",
        "eu",
        "",
        YEAR,
        segments["eu"],
        "derived",
        seg_src["eu"],
        f"outbound = UTLC ERA transit {_fmt(fig.value('eu_transit_west_teu'))} TEU / "
        f"{teu_per_train:.2f} TEU per CRE train (2024: {_fmt(fig.value('cre_teu'))} TEU / "
        f"{_fmt(total)} trains) = {_fmt(eu_out)}; inbound = {_fmt(100 * ret)} per 100 = "
        f"{_fmt(eu_in)}",
        eu_out,
        eu_in,
    )
    add(
        "segment",
        "titr",
        "",
        YEAR,
        segments["titr"],
        "sourced",
        seg_src["titr"],
        "block trains counted at Baku port, all outbound (the first eastbound one ran on 24 "
        "November 2024)",
        titr_out,
        titr_in,
    )
    add(
        "segment",
        "ru_by",
        "",
        YEAR,
        segments["ru_by"],
        "derived",
        seg_src["ru_by"],
        f"remainder ending in Russia or Belarus: outbound {_fmt(outbound)} - {_fmt(eu_out)} - "
        f"{_fmt(titr_out)} = {_fmt(ru_out)}; inbound {_fmt(inbound)} - {_fmt(eu_in)} - "
        f"{_fmt(titr_in)} = {_fmt(ru_in)}",
        ru_out,
        ru_in,
    )

    # 2. IPF --------------------------------------------------------------------------------
    okeys = list(origins)
    seed = np.ones((len(okeys), len(GATEWAYS), len(SEGMENTS)))
    for g, gw in enumerate(GATEWAYS):
        if gw not in XINJIANG:
            seed[:, g, SEGMENTS.index("titr")] = 0.0
    table = ipf(
        seed,
        [
            np.array([origins[k] for k in okeys]),
            np.array([gateways[g] for g in GATEWAYS]),
            np.array([segments[s] for s in SEGMENTS]),
        ],
    )

    # 4. Places -----------------------------------------------------------------------------
    kind = np.asarray(net.node_kind)
    named_nodes = {origin_node[k] for k in origin_node}
    cn_terminals = [
        str(net.node_id[i])
        for i in range(net.n_nodes)
        if net.node_country[i] == "CN"
        and kind[i] == int(NodeKind.TERMINAL)
        and net.node_status[i] == int(Status.OPEN)
        and str(net.node_id[i]) not in named_nodes
    ]
    hub: dict[str, str] = {}
    for gw in GATEWAYS:
        node, hours = nearest(net, cn_terminals, gw, to_target=True)
        hub[gw] = node
        trains = float(table[okeys.index(OTHER), GATEWAYS.index(gw)].sum())
        add(
            "place",
            f"{OTHER}@{gw}",
            node,
            YEAR,
            trains,
            "derived",
            origin_src[OTHER],
            f"trains of the 'other' group crossing at {gw} start at {node}, the Chinese terminal "
            f"not named by the ranking nearest to {gw} ({hours:.1f} h planned)",
        )
    eu_terminals = [
        str(net.node_id[i])
        for i in range(net.n_nodes)
        if net.node_country[i] in EU_MEMBERS
        and kind[i] == int(NodeKind.TERMINAL)
        and net.node_status[i] == int(Status.OPEN)
        and str(net.node_id[i]) != DUISBURG
    ]
    eu_end, eu_hours = nearest(net, eu_terminals, EU_ENTRY, to_target=False)
    duisburg_share = fig.value("duisburg_share")
    dest_of = {
        "eu": [(DUISBURG, duisburg_share), (eu_end, 1.0 - duisburg_share)],
        "titr": [(TITR_END, 1.0)],
        "ru_by": [(RU_BY_END, 1.0)],
    }
    dest_src = {
        DUISBURG: fig.src("duisburg_share"),
        eu_end: fig.src("pl_entry"),
        TITR_END: fig.src("titr_block_trains"),
        RU_BY_END: [],
    }
    dest_rule = {
        DUISBURG: f"{_fmt(100 * duisburg_share)} % of EU trains: Duisburg's share of China-EU "
        "rail trade (2020)",
        eu_end: f"the other {_fmt(100 * (1 - duisburg_share))} % of EU trains end at {eu_end}, "
        f"the EU terminal nearest the EU entry {EU_ENTRY} ({eu_hours:.1f} h planned), where "
        "almost all CRE trains enter the EU; no published split by EU city",
        TITR_END: "Trans-Caspian trains end at Baku port, where they are counted",
        RU_BY_END: "no published split of trains ending in Russia or Belarus by terminal: all "
        "end at Moscow",
    }
    for seg, dests in dest_of.items():
        for node, share in dests:
            add(
                "destination",
                node,
                node,
                2020 if node == DUISBURG else YEAR,
                segments[seg] * share,
                "derived",
                [*seg_src[seg], *dest_src[node]],
                f"segment {seg} x {share:.2f}: {dest_rule[node]}",
                seg_out[seg] * share,
                (segments[seg] - seg_out[seg]) * share,
            )

    # 3 + 5. Services and routes ------------------------------------------------------------
    services: list[dict[str, str]] = []
    routes: dict[str, dict[str, str]] = {}
    for o, okey in enumerate(okeys):
        for g, gw in enumerate(GATEWAYS):
            for s, seg in enumerate(SEGMENTS):
                cell = float(table[o, g, s])
                if cell <= 0:
                    continue
                china = origin_node.get(okey) or hub[gw]
                for far, share in dest_of[seg]:
                    both = cell * share
                    out_share = seg_out[seg] / segments[seg]
                    via = [gw, TITR_PORT] if seg == "titr" else [gw]
                    route_id = f"{china}>{far} via {gw}"
                    for direction, trains in (
                        ("outbound", both * out_share),
                        ("inbound", both * (1.0 - out_share)),
                    ):
                        if trains <= 0:
                            continue
                        o_id, d_id = (china, far) if direction == "outbound" else (far, china)
                        stops = via if direction == "outbound" else via[::-1]
                        name = f"{o_id}>{d_id} via {gw}"
                        src = [*origin_src[okey], *gw_src[gw], *seg_src[seg], *dest_src[far]]
                        dir_share = out_share if direction == "outbound" else 1.0 - out_share
                        note = (
                            f"IPF cell {okey} x {gw} x {seg} = {cell:.3f} trains/yr (both "
                            f"directions) x {share:.2f} to {far} x {direction} share "
                            f"{dir_share:.4f} of segment {seg}"
                        )
                        services.append(
                            {
                                "service": name,
                                "segment": seg,
                                "origin_group": okey,
                                "gateway_id": gw,
                                "origin_id": o_id,
                                "destination_id": d_id,
                                "via": ";".join(stops),
                                "direction": direction,
                                "trains_per_year": _fmt(trains),
                                "route_id": route_id,
                                "source_ids": _ids(src),
                                "note": note,
                            }
                        )
                    if route_id not in routes:
                        routes[route_id] = _route(net, route_id, china, far, via, MODES[seg])
    names = [s["service"] for s in services]
    assert len(names) == len(set(names)), "service names must be unique"
    return {
        "marginals_2024.csv": marg,
        "services_2024.csv": services,
        "routes_2024.csv": list(routes.values()),
    }


def _csv_text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _sums(texts: dict[str, bytes]) -> str:
    return "".join(f"{hashlib.sha256(texts[name]).hexdigest()}  {name}\n" for name in sorted(texts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a derived file would change")
    args = ap.parse_args(argv)
    net = silkrail.load_network()
    tables = derive(Figures(DATA / "figures.csv"), net)
    columns = {
        "marginals_2024.csv": MARGINAL_COLUMNS,
        "services_2024.csv": SERVICE_COLUMNS,
        "routes_2024.csv": ROUTE_COLUMNS,
    }
    texts = {name: _csv_text(rows, columns[name]) for name, rows in tables.items()}
    data = {name: text.encode("utf-8") for name, text in texts.items()}
    # Hand-written (and, for choice_parameters.csv, calibrated) tables of the flows model.
    hand = ("figures.csv", "sources.csv", "README.md", "flows_2024.csv", "cargo_classes.csv")
    for name in (*hand, "choice_parameters.csv"):
        data[name] = (DATA / name).read_bytes()
    texts["SHA256SUMS"] = _sums(data)
    stale = [
        n
        for n, t in texts.items()
        if not (DATA / n).is_file() or (DATA / n).read_text(encoding="utf-8") != t
    ]
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)}; run scripts/build_demand.py", file=sys.stderr)
            return 1
        print("demand dataset up to date")
        return 0
    for name in stale:
        _write(DATA / name, texts[name])
    n = len(tables["services_2024.csv"])
    total = sum(float(r["trains_per_year"]) for r in tables["services_2024.csv"])
    print(f"{n} services, {total:.1f} trains a year; wrote {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
