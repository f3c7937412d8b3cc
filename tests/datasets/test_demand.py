"""The packaged default demand: sourced, consistent with its marginals, on the planner's routes."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import silkrail
from silkrail.network import Status
from silkrail.simulation import route_from_plan
from silkrail.simulation._demand import DEMAND_DATE

FOLDER = Path(str(resources.files("silkrail.datasets"))) / "demand"
ROOT = Path(__file__).resolve().parents[2]
FILES = (
    "README.md",
    "cargo_classes.csv",
    "choice_parameters.csv",
    "flows_2024.csv",
    "figures.csv",
    "marginals_2024.csv",
    "routes_2024.csv",
    "services_2024.csv",
    "sources.csv",
)
# Trains a year are written with three decimals; hundreds of rows add up to well under one train.
TOL = 0.5


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(FOLDER / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    out = {n.removesuffix(".csv"): read(n) for n in FILES if n.endswith(".csv")}
    out["figures"]["value"] = pd.to_numeric(out["figures"]["value"])
    m = out["marginals_2024"]
    for col in ("trains_per_year", "outbound", "inbound"):
        m[col] = pd.to_numeric(m[col])
    out["services_2024"]["trains_per_year"] = pd.to_numeric(out["services_2024"]["trains_per_year"])
    return out


def marginal(t: dict[str, pd.DataFrame], dimension: str) -> pd.DataFrame:
    m = t["marginals_2024"]
    return m[m["dimension"] == dimension].set_index("key")


def test_checksums_cover_every_file_and_match() -> None:
    lines = (FOLDER / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines if line.strip())
    assert set(sums) == set(FILES)
    for name, digest in sums.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name


def test_every_row_is_sourced_and_every_source_has_a_url_and_year(
    t: dict[str, pd.DataFrame],
) -> None:
    ids = set(t["sources"]["id"])
    assert t["sources"]["id"].is_unique
    for table in ("figures", "marginals_2024", "services_2024"):
        for i, cell in enumerate(t[table]["source_ids"], start=2):
            cited = [s for s in cell.split(";") if s]
            assert cited, f"{table}.csv row {i} names no source"
            assert set(cited) <= ids, f"{table}.csv row {i}: {set(cited) - ids}"
    src = t["sources"]
    assert src["url"].str.match(r"^https?://").all()
    assert pd.to_numeric(src["year"]).between(2000, 2026).all()
    # Every source is used by some figure or by a table of the flows model.
    cells = list(t["figures"]["source_ids"])
    for name in ("flows_2024.csv", "cargo_classes.csv", "choice_parameters.csv"):
        cells += list(read(name)["source_ids"])
    used = {s for cell in cells for s in cell.split(";") if s}
    assert used == ids


def test_derived_values_say_how(t: dict[str, pd.DataFrame]) -> None:
    m = t["marginals_2024"]
    assert set(m["basis"]) <= {"sourced", "derived"}
    assert (m["note"].str.len() > 20).all()
    assert (t["services_2024"]["note"].str.contains("IPF cell")).all()


def test_sourced_marginals_are_the_published_figures(t: dict[str, pd.DataFrame]) -> None:
    fig = t["figures"].set_index("id")["value"]
    total = marginal(t, "total").loc["cre"]
    assert (total["trains_per_year"], total["outbound"], total["inbound"]) == (
        fig["cre_trains"],
        fig["cre_outbound"],
        fig["cre_inbound"],
    )
    assert (total["trains_per_year"], total["outbound"], total["inbound"]) == (19392, 10546, 8846)
    origins = marginal(t, "origin")
    for key, row in origins.iterrows():
        if row["basis"] == "sourced":
            assert row["trains_per_year"] == fig[key], key
    assert fig["city_xian"] == 3849
    assert origins["trains_per_year"].sum() == pytest.approx(fig["cre_trains"])
    gateways = marginal(t, "gateway")["trains_per_year"]
    assert gateways["CN-MANZHOULI"] == fig["port_manzhouli"] == 5001
    assert gateways["CN-ERENHOT"] == 4 * fig["port_erenhot_q1"]
    # Horgos and Alashankou share the Xinjiang remainder in their 2024 proportions.
    xinjiang = gateways["CN-ALASHANKOU"] + gateways["CN-KHORGOS"]
    assert xinjiang == pytest.approx(fig["cre_trains"] - 5001 - 4 * 802, abs=0.01)
    assert gateways["CN-KHORGOS"] / xinjiang == pytest.approx(8730 / 16400, rel=1e-6)
    assert gateways.sum() == pytest.approx(fig["cre_trains"])
    segments = marginal(t, "segment")
    assert segments.loc["titr", "trains_per_year"] == fig["titr_block_trains"] == 310
    eu_out = fig["eu_transit_west_teu"] / (fig["cre_teu"] / fig["cre_trains"])
    assert segments.loc["eu", "outbound"] == pytest.approx(eu_out, abs=0.001)
    assert segments.loc["eu", "inbound"] == pytest.approx(0.15 * eu_out, abs=0.001)
    assert segments["outbound"].sum() == pytest.approx(fig["cre_outbound"], abs=0.01)
    assert segments["inbound"].sum() == pytest.approx(fig["cre_inbound"], abs=0.01)


def test_the_table_adds_up_to_its_marginals(t: dict[str, pd.DataFrame]) -> None:
    s = t["services_2024"]
    assert s["service"].is_unique
    assert (s["trains_per_year"] > 0).all()
    assert s["trains_per_year"].sum() == pytest.approx(19392, abs=TOL)
    by_dir = s.groupby("direction")["trains_per_year"].sum()
    assert by_dir["outbound"] == pytest.approx(10546, abs=TOL)
    assert by_dir["inbound"] == pytest.approx(8846, abs=TOL)
    checks = [
        ("origin", s.groupby("origin_group")["trains_per_year"].sum()),
        ("gateway", s.groupby("gateway_id")["trains_per_year"].sum()),
        ("segment", s.groupby("segment")["trains_per_year"].sum()),
    ]
    for dim, got in checks:
        want = marginal(t, dim)["trains_per_year"]
        assert set(got.index) == set(want.index), dim
        for key in want.index:
            assert got[key] == pytest.approx(want[key], abs=TOL), (dim, key)
    seg = marginal(t, "segment")
    for (segment, direction), got in (
        s.groupby(["segment", "direction"])["trains_per_year"].sum().items()
    ):
        assert got == pytest.approx(seg.loc[segment, direction], abs=TOL), (segment, direction)
    far = s["destination_id"].where(s["direction"] == "outbound", s["origin_id"])
    dest = marginal(t, "destination")
    got_dest = s.groupby(far)["trains_per_year"].sum()
    for key in dest.index:
        assert got_dest[key] == pytest.approx(dest.loc[key, "trains_per_year"], abs=TOL), key
    # The trains of the "other" origins start at the place the marginals name for their gateway.
    place = marginal(t, "place")
    other = s[s["origin_group"] == "other"]
    for key, row in place.iterrows():
        gw = key.split("@")[1]
        mine = other[other["gateway_id"] == gw]
        china = mine["origin_id"].where(mine["direction"] == "outbound", mine["destination_id"])
        assert set(china) == {row["node_id"]}
        assert mine["trains_per_year"].sum() == pytest.approx(row["trains_per_year"], abs=TOL)
    # Trans-Caspian trains cross only in Xinjiang and run only westbound (2024).
    titr = s[s["segment"] == "titr"]
    assert set(titr["gateway_id"]) == {"CN-ALASHANKOU", "CN-KHORGOS"}
    assert set(titr["direction"]) == {"outbound"}


def test_routes_run_over_open_links_through_their_gateways(t: dict[str, pd.DataFrame]) -> None:
    net = silkrail.load_network()
    link = {str(k): i for i, k in enumerate(net.link_id)}
    routes = t["routes_2024"].set_index("route_id")
    s = t["services_2024"]
    assert set(s["route_id"]) == set(routes.index)
    for rid, r in routes.iterrows():
        nodes, links = r["node_ids"].split(";"), r["link_ids"].split(";")
        assert (nodes[0], nodes[-1]) == (r["china_id"], r["far_id"]), rid
        assert len(links) == len(nodes) - 1, rid
        for (a, b), lid in zip(itertools.pairwise(nodes), links, strict=True):
            k = link[lid]
            assert net.link_status[k] == int(Status.OPEN), (rid, lid)
            ends = {str(net.node_id[net.link_from[k]]), str(net.node_id[net.link_to[k]])}
            assert ends == {a, b}, (rid, lid)
        assert all(net.node_status[net.index_of(n)] == int(Status.OPEN) for n in nodes)
        via = r["via"].split(";")
        assert [n for n in nodes if n in via] == via, rid
    for _, row in s.iterrows():
        r = routes.loc[row["route_id"]]
        ends = (r["china_id"], r["far_id"])
        if row["direction"] == "inbound":
            ends = ends[::-1]
        assert (row["origin_id"], row["destination_id"]) == ends


def test_routes_are_the_planners_routes(t: dict[str, pd.DataFrame]) -> None:
    net = silkrail.load_network()
    for rid, r in t["routes_2024"].set_index("route_id").iterrows():
        p = silkrail.plan(
            net,
            r["china_id"],
            r["far_id"],
            via=r["via"].split(";"),
            modes=r["modes"].split(";"),
            max_routes=1,
            depart=DEMAND_DATE,
        )
        planned = route_from_plan(p.routes[0])
        assert ";".join(planned.link_ids) == r["link_ids"], (
            f"{rid}: the planner now chooses another route; run scripts/build_demand.py"
        )


@pytest.mark.slow
def test_the_build_script_reproduces_the_files() -> None:
    script = ROOT / "scripts" / "build_demand.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_flows_tables_are_sourced_and_bounded() -> None:
    ids = set(pd.read_csv(FOLDER / "sources.csv", dtype=str)["id"])
    flows = pd.read_csv(FOLDER / "flows_2024.csv", dtype=str, keep_default_na=False)
    classes = pd.read_csv(FOLDER / "cargo_classes.csv", dtype=str, keep_default_na=False)
    params = pd.read_csv(FOLDER / "choice_parameters.csv", dtype=str, keep_default_na=False)
    for name, table in (("flows_2024", flows), ("cargo_classes", classes)):
        for i, cell in enumerate(table["source_ids"], start=2):
            cited = [s for s in cell.split(";") if s]
            assert cited, f"{name}.csv row {i} names no source"
            assert set(cited) <= ids, f"{name}.csv row {i}: unknown {set(cited) - ids}"
    assert (pd.to_numeric(flows["rail_teu_per_year"]) <= pd.to_numeric(flows["teu_per_year"])).all()
    assert pd.to_numeric(classes["share"]).sum() == pytest.approx(1.0, abs=1e-6)
    for r in params.itertuples(index=False):
        if r.basis in ("sourced", "derived", "calibrated") and r.name != "mode_nest":
            assert r.source_ids or "constant" in r.name, r.name
        assert set(filter(None, r.source_ids.split(";"))) <= ids, r.name
        if r.basis in ("calibrated", "prior"):
            assert float(r.lower) <= float(r.value) <= float(r.upper), r.name
            assert r.reason, r.name
