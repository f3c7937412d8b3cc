"""Open estimation of the delay parameters: bounds, labels, recovery, cross-validation."""

from __future__ import annotations

import dataclasses

import pytest

import silkrail
from silkrail.datasets.parameters import _planning_table, calibrated_parameters
from silkrail.routing.conditions import conditions_on
from silkrail.routing.families import CorridorFamily, family_of_label
from silkrail.routing.uncertainty import DelayParameters, route_parts
from silkrail.studies import Observation, cross_validate, fit_delays, inside_range, model_p50


def test_packaged_values_lie_within_their_bounds_and_are_labelled() -> None:
    t = calibrated_parameters()
    assert set(t.index) == {f.name for f in dataclasses.fields(DelayParameters)}
    assert ((t["lower"] <= t["value"]) & (t["value"] <= t["upper"])).all()
    assert ((t["lower"] <= t["prior"]) & (t["prior"] <= t["upper"])).all()
    assert set(t["status"]) <= {"calibrated", "prior", "derived"}
    sources = set(_planning_table("sources.csv")["id"])
    for name, row in t.iterrows():
        assert len(str(row["reason"])) > 40, name
        if row["status"] == "calibrated":
            rows = [int(r) for r in str(row["rows_used"]).split(";")]
            assert rows, name
        if row["status"] == "derived":
            # A derived value names its sources and is never moved by a fit.
            cited = [s for s in str(row["source_ids"]).split(";") if s]
            assert cited, name
            assert set(cited) <= sources, name
            assert row["lower"] == row["value"] == row["upper"], name


@pytest.fixture(scope="module")
def routes() -> dict[str, silkrail.Route]:
    net = silkrail.load_network()
    plans = {
        # The route across the Caspian (the rows that pin its parameters); the first route
        # to Baku may go round through Russia.
        "baku": next(
            r
            for r in silkrail.plan(net, "Xi'an", "Baku", depart="2025-07-01").routes
            if family_of_label(r.label) == CorridorFamily.MIDDLE
        ),
        "tbilisi": silkrail.plan(net, "Xi'an", "Tbilisi", avoid_countries=["RU"]).routes[0],
        "almaty": silkrail.plan(net, "Chengdu", "Almaty", modes=["rail"]).routes[0],
        "warsaw": silkrail.plan(net, "Chongqing", "Warsaw", modes=["rail"]).routes[0],
    }
    return plans


def _observations(routes: dict[str, silkrail.Route], truth: DelayParameters) -> list[Observation]:
    net = silkrail.load_network()
    months = tuple(conditions_on(f"2025-{m:02d}-01") for m in (1, 4, 7, 10))
    out = []
    for i, (name, r) in enumerate(routes.items()):
        parts = route_parts(r, net, months[2])
        obs = Observation.from_parts(i, name, 0.0, 0.0, [parts], months, draws=300)
        p50 = model_p50(obs, truth)
        # A published range around the truth's p50, as a source would give it.
        out.append(dataclasses.replace(obs, low=p50 * 0.97, high=p50 * 1.03))
    return out


def test_a_fit_recovers_a_known_dwell(routes: dict[str, silkrail.Route]) -> None:
    t = calibrated_parameters()
    truth = DelayParameters(float(t.loc["caspian_port_dwell_hours", "value"]), 0.1, 0.05, 10.0)
    obs = _observations(routes, truth)
    fit = fit_delays(obs, maxiter=60)
    t = calibrated_parameters()
    for f in dataclasses.fields(DelayParameters):
        v = getattr(fit.params, f.name)
        assert t.loc[f.name, "lower"] <= v <= t.loc[f.name, "upper"]
    assert fit.inside == len(obs)
    # The origin dwell is what the Chinese rows pin down; the fit must move it off the prior.
    prior = float(t.loc["cn_origin_dwell_hours", "prior"])
    assert abs(fit.params.cn_origin_dwell_hours - 10.0) < abs(prior - 10.0)
    # A derived value stays where its sources put it.
    assert fit.params.caspian_port_dwell_hours == t.loc["caspian_port_dwell_hours", "value"]


def test_cross_validation_holds_out_each_group(routes: dict[str, silkrail.Route]) -> None:
    obs = _observations(routes, DelayParameters.priors())
    folds = cross_validate(obs, maxiter=20)
    assert [f.group for f in folds] == sorted(routes)
    for f in folds:
        held = [o.row for o in obs if o.group == f.group]
        assert sorted(f.predictions) == held


def test_inside_range_is_the_published_range_widened_by_a_fifth() -> None:
    assert inside_range(12.0, 15.0, 15.0)
    assert not inside_range(11.9, 15.0, 15.0)
    assert inside_range(18.0, 15.0, 15.0)
    assert not inside_range(18.1, 15.0, 15.0)


def test_the_spread_grows_where_the_stated_ranges_lie_beyond_reach(
    routes: dict[str, silkrail.Route],
) -> None:
    # The probability that a drawn train falls inside a range centred on the model's p50 only
    # falls as the spread grows, however wide the range: centred ranges pull the spread below
    # its prior. Ranges the location parameters cannot reach (the origin dwell at its bound of
    # 96 h) are reached by spread: the further beyond, the larger.
    truth = DelayParameters.priors()
    base = _observations(routes, truth)

    def spread(low: float, high: float) -> float:
        obs = [
            dataclasses.replace(o, low=o.low / 0.97 * low, high=o.high / 1.03 * high) for o in base
        ]
        return fit_delays(obs, maxiter=20).params.train_delay_cv

    centred, beyond, further = spread(0.9, 1.1), spread(1.2, 1.4), spread(1.3, 1.6)
    t = calibrated_parameters()
    for v in (centred, beyond, further):
        assert t.loc["train_delay_cv", "lower"] <= v <= t.loc["train_delay_cv", "upper"]
    assert centred < truth.train_delay_cv < further
    assert centred < beyond < further


def test_cross_validation_predicts_the_held_out_bands(routes: dict[str, silkrail.Route]) -> None:
    obs = _observations(routes, DelayParameters.priors())[:2]
    for f in cross_validate(obs, maxiter=10):
        for row, (p5, p95) in f.bands.items():
            assert p5 < f.predictions[row] < p95
