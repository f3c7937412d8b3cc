"""The run summary: per-route and total CO2e next to transit times."""

from __future__ import annotations

import math

import pytest

import silkrail
from silkrail.simulation import replicate, route_table
from silkrail.simulation.summary import column_total


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def _spec(extra: str = "") -> silkrail.ScenarioSpec:
    return silkrail.scenario_from_yaml(
        "name: co2\n"
        "services: [{origin: Xi'an, destination: Duisburg, trains_per_week: 10, feu: 44},"
        " {origin: Xi'an, destination: Baku, trains_per_week: 4, via: [Aktau port]}]\n" + extra
    )


def test_route_co2e_is_the_planners(net: silkrail.CorridorNetwork) -> None:
    model = _spec().build_model(net)
    route = next(r for r in model.routes if r.name == "CN-XIAN>DE-DUISBURG")
    planned = silkrail.plan(net, "Xi'an", "Duisburg", modes=["rail", "ferry"], max_routes=1)
    assert planned.routes[0].label.startswith("Northern")
    assert route.co2e_kg_per_feu_wtw == pytest.approx(planned.routes[0].co2e_kg_per_feu_wtw)


def test_tonnes_follow_finished_trains_feu_and_route_intensity(
    net: silkrail.CorridorNetwork,
) -> None:
    spec = _spec("demand: {growth: 0.5}")
    model = spec.build_model(net)
    base = replicate(model, replications=2, days=30, seed=3, scheduler="serial")
    run = replicate(
        model, replications=2, days=30, seed=3, scheduler="serial", scenario=spec.scenario
    )
    table = route_table(run, base)
    feu = {sv.route: sv.feu for sv in model.services}
    for name, row in table.iterrows():
        expected = row["finished"] * feu[str(name)] * row["co2e_kg_per_feu_wtw"] / 1000
        assert row["co2e_t_wtw"] == pytest.approx(expected)
    assert feu["CN-XIAN>DE-DUISBURG"] == 44
    # Half as many trains again: more tonnes than the baseline, by about half.
    total, base_total = column_total(table, "co2e_t_wtw"), column_total(table, "base_co2e_t_wtw")
    assert total is not None
    assert base_total is not None
    assert 1.2 < total / base_total < 1.8
    summary = silkrail.simulation_summary(run, base=base)
    assert summary["co2e_t_wtw"] == pytest.approx(total)
    assert summary["base_co2e_t_wtw"] == pytest.approx(base_total)


def test_unknown_intensity_is_reported_as_missing() -> None:
    import dataclasses

    import numpy as np

    # Routes without emission data, as on a user network without grid factors.
    model = _spec().build_model(silkrail.load_network())
    blank = tuple(dataclasses.replace(r, co2e_kg_per_feu_wtw=math.nan) for r in model.routes)
    model = dataclasses.replace(model, routes=blank)
    mc = replicate(model, replications=1, days=10, seed=1, scheduler="serial")
    summary = silkrail.simulation_summary(mc)
    assert summary["co2e_t_wtw"] is None
    assert all(r["co2e_t_wtw"] is None for r in summary["routes"])
    assert np.isnan(route_table(mc)["co2e_kg_per_feu_wtw"]).all()


def test_baseline_routes_are_matched_by_name_and_kept_when_the_run_left_them(
    net: silkrail.CorridorNetwork,
) -> None:
    # A re-routed run and its baseline have different routes: the baseline's figures must
    # follow each route's name, and a route only the baseline uses keeps its row.
    spec = _spec()
    model = spec.build_model(net)
    base = replicate(model, replications=2, days=30, seed=3, scheduler="serial")
    only_baku = silkrail.scenario_from_yaml(
        "services: [{origin: Xi'an, destination: Baku, trains_per_week: 4, via: [Aktau port]}]"
    ).build_model(net)
    run = replicate(only_baku, replications=2, days=30, seed=3, scheduler="serial")
    table = route_table(run, base)
    base_table = route_table(base)
    assert set(table.index) == set(base_table.index)
    left = table.loc["CN-XIAN>DE-DUISBURG"]
    assert left["finished"] == 0
    assert left["co2e_t_wtw"] == 0
    assert math.isnan(left["p50_days"])
    for name in base_table.index:
        assert table.loc[name, "base_p50_days"] == base_table.loc[name, "p50_days"]
        assert table.loc[name, "base_co2e_t_wtw"] == pytest.approx(
            base_table.loc[name, "co2e_t_wtw"]
        )
    summary = silkrail.simulation_summary(run, base=base, routes=table)
    assert summary["base_co2e_t_wtw"] == pytest.approx(column_total(base_table, "co2e_t_wtw"))
    assert (
        next(r for r in summary["routes"] if r["route"] == "CN-XIAN>DE-DUISBURG")["p50_days"]
        is None
    )
