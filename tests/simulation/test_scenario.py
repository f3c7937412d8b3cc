"""Scenario files: YAML → validated spec, every problem named with file, key, value, rule."""

from __future__ import annotations

import math

import pytest

from silkrail.errors import ScenarioError
from silkrail.simulation import Ferry, scenario_from_dict, scenario_from_yaml

FULL = """
name: study
description: everything at once
start_date: 2025-01-01
closures:
  - {target: KZ-AKTAU, start: 2025-03-01, end: 2025-03-15}
  - {target: CN-KHORGOS, start: 10, end: 12.5}
capacity:
  - {target: KZ-DOSTYK, factor: 1.5}
  - {target: KZ-ALTYNKOL, servers: 3, start: 100}
ferries:
  - {policy: full, max_wait_hours: 72, weather_closures_per_year: 8, weather_closure_days: 2}
  - {target: "ferry:KZ-AKTAU~AZBAK", vessel_feu: 60}
demand:
  growth: 0.2
  services: {"CN-XIAN>DE-DUISBURG": -0.5}
services:
  - {origin: "Xi'an", destination: Duisburg, trains_per_week: 20, via: [Alashankou]}
  - {origin: Harbin, destination: Moscow, trains_per_week: 10, both_directions: false}
model: {vessel_feu: 48, ferry_policy: schedule, port_servers: 2, section_share: 0.9}
"""


def test_a_full_file_is_read() -> None:
    spec = scenario_from_yaml(FULL, source="study.yaml")
    sc = spec.scenario
    assert sc.name == "study"
    assert sc.closures[0].start_hours == 59 * 24  # 1 March is day 59 of 2025
    assert sc.closures[0].end_hours == 73 * 24
    assert sc.closures[1].end_hours == 12.5 * 24
    assert sc.capacity[0].factor == 1.5
    assert sc.capacity[1].servers == 3
    assert math.isinf(sc.capacity[1].end_hours)
    assert sc.ferries[0].policy == "full"
    assert sc.ferries[0].target is None
    assert sc.ferries[1].vessel_feu == 60
    assert sc.demand_growth == 0.2
    assert sc.growth_of("CN-XIAN>DE-DUISBURG") == -0.5
    assert sc.growth_of("other") == 0.2
    assert spec.services is not None
    assert len(spec.services) == 3  # the first runs both ways
    assert spec.services[1].via == ("Alashankou",)
    assert spec.corridor_options == {
        "vessel_feu": 48.0,
        "ferry_policy": "schedule",
        "port_servers": 2,
        "section_share": 0.9,
    }


def test_every_problem_is_reported_at_once() -> None:
    text = """
name: bad
colsures: []
closures:
  - {target: KZ-AKTAU, start: 2025-03-01, end: 2025-03-15}
  - {target: "", start: 5, end: 1}
  - {target: X}
capacity:
  - {target: KZ-DOSTYK}
  - {target: KZ-DOSTYK, factor: -1, servers: 1.5}
ferries:
  - {policy: sometimes, vessel_feu: "big"}
demand: {growth: -2}
model: {ferry_policy: full, wings: 2}
"""
    with pytest.raises(ScenarioError) as info:
        scenario_from_yaml(text, source="bad.yaml")
    msg = str(info.value)
    expected = [
        "bad.yaml: key 'colsures': value 'colsures': unknown key",
        "key 'closures[0].start': value '2025-03-01': a date needs start_date",
        "key 'closures[1].target': value '': must be a non-empty text",
        "key 'closures[1].end': value 1: must be after start",
        "key 'closures[2].start': is required",
        "key 'capacity[0]': needs factor or servers",
        "key 'capacity[1].factor': value -1: must be > 0",
        "key 'capacity[1].servers': value 1.5: must be a whole number from 1 to 1000",
        "key 'ferries[0].vessel_feu': value 'big': must be a number",
        "key 'ferries[0].policy': value 'sometimes': must be one of schedule, full",
        "key 'demand.growth': value -2: must be > -1",
        "key 'model.wings': value 'wings': unknown key",
    ]
    for line in expected:
        assert line in msg, line
    # Two more: the closures' missing/undated ends.
    assert msg.startswith(f"{len(expected) + 2} problem(s) in scenario bad.yaml")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(ScenarioError, match=r"not valid YAML at line 1"):
        scenario_from_yaml("closures: [", source="x.yaml")
    with pytest.raises(ScenarioError, match="must be a mapping"):
        scenario_from_yaml("- 1\n- 2")
    assert scenario_from_yaml("").scenario.name == "scenario"
    with pytest.raises(ScenarioError, match="must list at least one service"):
        scenario_from_dict({"services": []})


def test_targets_and_services_are_checked_against_the_network() -> None:
    from silkrail import load_network

    net = load_network()
    spec = scenario_from_yaml(
        "closures: [{target: NOWHERE, start: 0, end: 1}]\n"
        "services: [{origin: Xi'an, destination: Atlantis, trains_per_week: 1}]",
        source="s.yaml",
    )
    with pytest.raises(ScenarioError, match=r"key 'services\[0\]'.*Atlantis"):
        spec.build_model(net)
    spec = scenario_from_yaml("closures: [{target: NOWHERE, start: 0, end: 1}]", source="s.yaml")
    with pytest.raises(ScenarioError, match=r"key 'closures\[0\].target': value 'NOWHERE'"):
        spec.build_model(net)


def test_ferry_overrides_reach_the_model() -> None:
    from silkrail import load_network
    from silkrail.simulation import simulate

    spec = scenario_from_yaml(
        "services: [{origin: Xi'an, destination: Istanbul, trains_per_week: 3,"
        " via: [Khorgos (China), Aktau port]}]\n"
        "ferries: [{policy: full, max_wait_hours: 24, interval_hours: 0, vessel_feu: 100}]\n"
        "model: {vessel_feu: 80}"
    )
    model = spec.build_model(load_network())
    ferries = [s for s in model.stations if isinstance(s, Ferry)]
    assert ferries
    # The Aktau-Baku link's own (sourced) vessel size beats the model's default ...
    assert {f.vessel_feu for f in ferries} == {112.5}
    res = simulate(model, days=30, seed=1, scenario=spec.scenario)
    run = [s for s in res.model.stations if isinstance(s, Ferry)]
    assert {f.policy for f in run} == {"full"}
    # ... and the scenario's ferry override beats both.
    assert {f.vessel_feu for f in run} == {100.0}


def test_model_vessel_size_applies_where_the_link_gives_none() -> None:
    import dataclasses

    import numpy as np

    from silkrail import load_network

    net = load_network()
    blank = dataclasses.replace(net, vessel_feu=np.full(net.n_links, np.nan))
    spec = scenario_from_yaml(
        "services: [{origin: Xi'an, destination: Istanbul, trains_per_week: 3,"
        " via: [Khorgos (China), Aktau port]}]\n"
        "model: {vessel_feu: 80}"
    )
    ferries = [s for s in spec.build_model(blank).stations if isinstance(s, Ferry)]
    assert {f.vessel_feu for f in ferries} == {80.0}


def test_scenario_error_carries_its_problems() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(
            {"closures": [{"target": "KZ-AKTAU", "start": 5, "end": 1}], "colour": "red"},
            source="s.yaml",
        )
    keys = {p.column for p in info.value.problems}
    assert "closures[0].end" in keys
    assert all(p.file == "s.yaml" for p in info.value.problems)
    assert len(info.value.problems) == len(str(info.value).splitlines()) - 1


def test_a_scenario_may_route_over_planned_lines() -> None:
    """A corridor planner's question: what would the Bakhty crossing (planned) carry?"""
    from silkrail import load_network

    net = load_network()
    # From Tacheng, Bakhty's Chinese side: the network has no Chinese line to Tacheng, and a
    # route from inland China could meet Bakhty only by a spur, which plans never contain.
    text = (
        "services: [{origin: Tacheng, destination: Duisburg, trains_per_week: 10, via: [Bakhty]}]\n"
    )
    with pytest.raises(ScenarioError, match=r"services\[0\].*planned"):
        scenario_from_yaml(text).build_model(net)
    for router in ("planner", "fastest"):
        spec = scenario_from_yaml(text + f"model: {{include_planned: true, router: {router}}}")
        model = spec.build_model(net)
        assert any(s.name.startswith("KZ-BAKHTY:") for s in model.stations), router
    with pytest.raises(ScenarioError, match=r"model.include_planned.*true or false"):
        scenario_from_yaml(text + "model: {include_planned: 'yes'}")
