"""The corridor equilibrium: conservation, convergence, congestion, the packaged base year."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from silkrail import load_network
from silkrail.cli import main
from silkrail.routing.choice import ChoiceParameters
from silkrail.simulation import corridor_model, scenario_from_yaml
from silkrail.simulation.congestion import StationCapacity, utilization
from silkrail.studies.flow_study import (
    _flow_services,
    _shares,
    flow_scenario,
    load_flow_inputs,
    run_flow_study,
    teu_per_train,
)
from silkrail.studies.flows import Alternatives, CargoClass, FlowDemand, equilibrium


def toy(servers: int = 1) -> Alternatives:
    """Two pairs; pair 0 has two rail routes sharing one border and a sea route."""
    cap = StationCapacity.from_arrays(
        name=["border"], kind=[0], servers=[servers], service_hours=[3.0], service_cv=[0.5]
    )
    return Alternatives(
        od=np.array([0, 0, 0, 1, 1]),
        label=("rail A", "rail B", "sea", "rail C", "sea 2"),
        mode=np.array([1, 1, 0, 1, 0]),
        corridor=np.array([1, 2, 0, 1, 0]),
        tariff=np.array([3000.0, 3300.0, 1200.0, 2500.0, 1500.0]),
        hours_free=np.array([400.0, 500.0, 900.0, 300.0, 800.0]),
        spread_hours=np.array([60.0, 80.0, 100.0, 50.0, 120.0]),
        baseline_wait=np.zeros(5),
        co2e_kg=np.zeros(5),
        station_ptr=np.array([0, 1, 1, 1, 2, 2]),
        station_idx=np.array([0, 0]),
        stations=cap,
        station_node=("X",),
        station_category=("border",),
    )


DEMAND = FlowDemand(("A", "C"), ("B", "D"), np.array([300_000.0, 200_000.0]), ("m", "m"))
CLASSES = [CargoClass("fast", 0.4, 40.0, 20.0), CargoClass("slow", 0.6, 2.0, 1.0)]
PARAMS = ChoiceParameters(beta=0.0008, mode_nest=0.9, corridor_nest=0.6)


def test_teu_are_conserved_per_pair_and_class() -> None:
    res = equilibrium(toy(), DEMAND, CLASSES, PARAMS, teu_per_train=100.0)
    per_pair = np.bincount(res.alternatives.od, weights=res.teu_by_alternative)
    np.testing.assert_allclose(per_pair, DEMAND.teu_per_year, rtol=1e-9)
    np.testing.assert_allclose(res.teu.sum(axis=1), [0.4 * 5e5, 0.6 * 5e5], rtol=1e-9)


def test_gap_decreases_to_the_target() -> None:
    res = equilibrium(toy(), DEMAND, CLASSES, PARAMS, teu_per_train=100.0, rgap=1e-8)
    assert res.converged
    assert res.gap[-1] <= 1e-8 < res.gap[0]
    # The trend falls: every later stretch of iterations ends lower than it started.
    k = max(1, res.gap.size // 4)
    assert all(res.gap[i + k] < res.gap[i] for i in range(0, res.gap.size - k, k))


def test_congestion_pushes_traffic_off_the_border() -> None:
    tight = equilibrium(toy(servers=1), DEMAND, CLASSES, PARAMS, teu_per_train=100.0)
    wide = equilibrium(toy(servers=4), DEMAND, CLASSES, PARAMS, teu_per_train=100.0)
    through = [0, 3]
    assert tight.teu_by_alternative[through].sum() < wide.teu_by_alternative[through].sum()
    assert tight.station_wait_hours[0] > wide.station_wait_hours[0]
    # The wait is the cost function's at the equilibrium's own traffic.
    trains = tight.teu_by_alternative[through].sum() / 100.0 / 8760.0
    assert tight.station_trains_per_week[0] == pytest.approx(trains * 168.0)


def series() -> Alternatives:
    """Route 0 passes a border (1 server, 2 h) then a yard (1 server, 1 h); route 1 the yard."""
    cap = StationCapacity.from_arrays(
        name=["border", "yard"],
        kind=[0, 0],
        servers=[1, 1],
        service_hours=[2.0, 1.0],
        service_cv=[0.5, 0.5],
    )
    return _two_routes(
        cap, ("via border", "yard only"), [0, 2, 3], [0, 1, 1], ("B", "Y"), ("border", "gauge")
    )


def _two_routes(
    cap: StationCapacity,
    label: tuple[str, str],
    ptr: list[int],
    idx: list[int],
    nodes: tuple[str, ...],
    categories: tuple[str, ...],
) -> Alternatives:
    """Two rail routes of one corridor, free of tariff and time, through the given stations."""
    return Alternatives(
        od=np.array([0, 1]),
        label=label,
        mode=np.array([1, 1]),
        corridor=np.array([1, 1]),
        tariff=np.zeros(2),
        hours_free=np.zeros(2),
        spread_hours=np.zeros(2),
        baseline_wait=np.zeros(2),
        co2e_kg=np.zeros(2),
        station_ptr=np.array(ptr),
        station_idx=np.array(idx),
        stations=cap,
        station_node=nodes,
        station_category=categories,
    )


def test_network_state_blends_qna_with_the_routes_long_run_variability() -> None:
    # Route 0: 0.3 trains/h through the border (2 h, rho 0.6) into the yard; route 1: 0.5/h
    # straight into the yard (1 h, rho 0.8). Both leave half random: origin CV² 0.5.
    lam, ca2 = series().network_state(np.array([0.3, 0.5]))
    np.testing.assert_allclose(lam, [0.3, 0.8])
    # Border: one stream, QNA's and the long-run value are both 0.5.
    # Its departures (QNA, cs² 0.25): 0.36 + 0.36 (0.25 - 1) + (1 - 0.36) 0.5 = 0.41.
    # Yard, QNA: nu = 1 / (0.375² + 0.625²) = 1.88235, w = 1 / (1 + 4 0.2² 0.88235)
    # = 0.876289; 0.876289 (0.375 0.41 + 0.625 0.5) + 1 - 0.876289 = 0.532280.
    # Long run: both routes keep 0.5 (the border is below capacity). The yard's queue sees
    # 0.876289 0.5 + 0.123711 0.532280 = 0.503994.
    np.testing.assert_allclose(ca2, [0.5, 0.503994], atol=2e-6)


def test_network_state_keeps_qna_where_servers_spaced_the_trains() -> None:
    # Only route 0, 0.45 trains/h: the border at rho 0.9 spaces them; its departures'
    # CV² is 0.81 + 0.81 (0.25 - 1) + 0.19 0.5 = 0.2975, below the long run 0.5 (a single
    # route: weight 1). The long-run value only undoes pulls towards Poisson: 0.2975 stays.
    lam, ca2 = series().network_state(np.array([0.45, 0.0]))
    np.testing.assert_allclose(lam, [0.45, 0.45])
    np.testing.assert_allclose(ca2, [0.5, 0.2975], atol=1e-9)


def test_network_state_restarts_the_long_run_after_a_sea_leg() -> None:
    # Two ports (no limit) joined by a sea leg, then a border: the vessel's loads reach the
    # border as QNA's Poisson stream, not at the origin's long-run 0.5.
    cap = StationCapacity.from_arrays(
        name=["port A", "port B", "border"],
        kind=[3, 3, 0],
        servers=[1, 1, 2],
        service_hours=[0.0, 0.0, 4.0],
        service_cv=[0.0, 0.0, 0.5],
    )
    alts = _two_routes(
        cap, ("sea then rail", "rail"), [0, 3, 4], [0, 1, 2, 2], ("A", "B", "X"),
        ("port", "port", "border"),
    )  # fmt: skip
    # 0.2 + 0.2 trains/h at the border: rho 0.8, two routes (nu 2, w 1 / (1 + 0.16) = 0.862069).
    lam, ca2 = alts.network_state(np.array([0.2, 0.2]))
    assert lam[2] == pytest.approx(0.4)
    w = 1.0 / 1.16
    qna = w * (0.5 * 0.5 + 0.5 * 0.5) + 1.0 - w  # the ports pass QNA's 0.5 on unchanged
    long_run = 0.5 * 1.0 + 0.5 * 0.5  # the sea leg restarts at 1; the rail route keeps 0.5
    assert ca2[2] == pytest.approx(min(w * long_run + (1 - w) * qna, qna), abs=1e-9)
    assert ca2[2] == pytest.approx(qna, abs=1e-9)
    # Two rail yards instead of ports: both routes keep their long run 0.5, the wait sees less.
    rail = replace(alts, station_category=("gauge", "gauge", "border"))
    _, ca2_rail = rail.network_state(np.array([0.2, 0.2]))
    assert ca2_rail[2] == pytest.approx(w * 0.5 + (1 - w) * qna, abs=1e-9)


def test_dispatched_share_holds_back_only_what_the_bottleneck_cannot_take() -> None:
    # Route 0 offers 1 train/h: the border (2 h a train) can take 0.95 / 2 of it.
    share = series().dispatched_share(np.array([1.0, 0.0]))
    assert share[0] == pytest.approx(0.95 / 2.0, rel=1e-6)
    # The yard then sees 0.475 trains/h (utilisation 0.475): it holds nothing back more.
    assert share[1] == 1.0
    # Both routes load the yard: 0.4 + 0.8 trains/h against 1 an hour; nothing above 0.95.
    share = series().dispatched_share(np.array([0.4, 0.8]))
    lam_yard = 0.4 * share[0] + 0.8 * share[1]
    assert lam_yard == pytest.approx(0.95, rel=1e-6)
    assert 0.4 * share[0] * 2.0 <= 0.95 + 1e-9
    # Below capacity everything runs.
    np.testing.assert_array_equal(series().dispatched_share(np.array([0.1, 0.1])), [1.0, 1.0])


def test_shares_must_sum_to_one() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        equilibrium(toy(), DEMAND, [CargoClass("x", 0.5, 1.0, 1.0)], PARAMS, teu_per_train=1.0)


@pytest.fixture(scope="module")
def study():  # type: ignore[no-untyped-def]
    net = load_network()
    spec = scenario_from_yaml(
        "name: brest\nclosures: [{target: BY-BREST, start: 0, end: 365}]", source="test"
    )
    return run_flow_study(net, spec)


def test_base_year_reproduces_its_targets_within_five_percent(study) -> None:  # type: ignore[no-untyped-def]
    inputs = load_flow_inputs()
    assert study.baseline.converged
    assert study.baseline.gap[-1] <= 1e-4
    for row in ("china-europe", "europe-china"):
        share, middle = _shares(study.baseline, inputs, row)
        target_share, target_middle = inputs.targets[row]
        assert share == pytest.approx(target_share, rel=0.05)
        if not math.isnan(target_middle):
            assert middle == pytest.approx(target_middle, rel=0.05)


def test_flow_services_run_the_trains_the_stations_were_sized_for(study) -> None:  # type: ignore[no-untyped-def]
    res = study.baseline
    net = load_network()
    services, index = _flow_services(net, res, min_trains_per_week=0.05)
    assert services
    assert {sv.feu for sv in services} == {teu_per_train() / 2.0}
    # The simulator's stations, built for these trains, have the cost functions' capacities.
    alts = res.alternatives
    model = corridor_model(net, services)
    sim_cap = StationCapacity.from_stations(
        [st for st in model.stations if st.name in alts.stations.name], train_feu=services[0].feu
    )
    ours = dict(zip(alts.stations.name, alts.stations.service_hours, strict=True))
    for name, hours in zip(sim_cap.name, sim_cap.service_hours, strict=True):
        assert hours == pytest.approx(ours[name])
    # The dispatched trains load no station above its practical capacity.
    rate = np.zeros(alts.n)
    for sv, k in zip(services, index, strict=True):
        rate[k] = sv.trains_per_week / 168.0
    # Named by places and the planner's label, the same in any equilibrium.
    assert "Almaty → Chongqing (Tuanjiecun): Rail via Altynkol" in {sv.name for sv in services}
    assert len({sv.name for sv in services}) == len(services)
    lam, _ = alts.network_state(rate)
    assert utilization(alts.stations, lam).max() <= 0.95 + 1e-6
    assert res.station_utilization.max() > 1.0  # the offered traffic does exceed it


def test_brest_closure_conserves_teu_and_moves_rail_off_brest(study) -> None:  # type: ignore[no-untyped-def]
    sc = study.scenario
    assert sc is not None
    assert sc.converged
    assert sc.teu.sum() == pytest.approx(study.inputs.demand.teu_per_year.sum(), rel=1e-9)
    names = sc.alternatives.stations.name
    assert not any(
        n.startswith("BY-BREST:")
        for n, t in zip(names, sc.station_trains_per_week, strict=True)
        if t > 0
    )
    assert np.all(np.isfinite(sc.station_wait_hours))
    # Bounded: no station waits longer than the study year.
    assert sc.station_wait_hours.max() < 8760.0


def test_flow_scenario_reads_partial_closures_and_the_flows_section() -> None:
    spec = scenario_from_yaml(
        "start_date: 2025-01-01\n"
        "closures: [{target: KZ-AKTAU, start: 2025-03-01, end: 2025-03-15}]\n"
        "flows: {sea_rate_factor: 3, rail_tariff_factor: {kz: 1.1}, "
        "transit_time_factor: {Middle Corridor: 0.5}, through_disruptions: [red-sea]}\n",
        source="test",
    )
    sc = flow_scenario(spec, base_sea_rate_factor=2.0)
    assert sc.capacity_factor["KZ-AKTAU"] == pytest.approx(1 - 14 / 365)
    assert sc.sea_rate_factor == 6.0
    assert sc.rail_tariff_factor == {"KZ": 1.1}
    assert sc.through_disruptions == ("red-sea",)
    assert sc.closed_nodes == ()
    assert sc.transit_time_factor == {"Middle Corridor": 0.5}


def test_flows_section_errors_are_collected() -> None:
    from silkrail.errors import ScenarioError

    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(
            "flows: {sea_rate_factor: -1, depart: soon, speed: 3, "
            "transit_time_factor: {Middle: 0.5, Northern: 0}}",
            source="f.yaml",
        )
    text = str(exc.value)
    assert "5 problem(s)" in text
    assert "flows.sea_rate_factor" in text
    assert "flows.depart" in text
    assert "flows.transit_time_factor.Middle" in text
    assert "corridors are sea, Northern, Middle Corridor" in text
    assert "flows.transit_time_factor.Northern" in text


def test_the_scenario_names_the_choice_corridors() -> None:
    from silkrail.routing.choice import CORRIDORS
    from silkrail.simulation.scenario import FLOW_CORRIDORS

    assert FLOW_CORRIDORS == CORRIDORS


def test_teu_per_train_is_the_sourced_average() -> None:
    assert teu_per_train() == pytest.approx(2_077_216 / 19_392)


def test_cli_flows_json_and_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tables"
    r = CliRunner().invoke(main, ["flows", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    markets = {m["market"]: m for m in data["baseline"]["markets"]}
    assert 0.02 < markets["China-Europe"]["rail_share"] < 0.04
    assert data["baseline"]["converged"]
    assert sorted(p.name for p in out.iterdir()) == [
        "baseline_corridors.csv",
        "baseline_markets.csv",
        "baseline_stations.csv",
    ]


def test_cli_flows_rejects_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("flows: {sea_rate_factor: zero}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["flows", "--scenario", str(bad)])
    assert r.exit_code == 2
    assert "flows.sea_rate_factor" in r.output
    r = CliRunner().invoke(main, ["flows", "--out", str(tmp_path / "no" / "dir")])
    assert r.exit_code == 6
    assert "is not a folder" in r.output
