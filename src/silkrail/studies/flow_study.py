"""The packaged flows study: 2024 demand, calibration of the constants, scenario vs baseline.

Reads ``datasets/demand/flows_2024.csv`` (TEU a year by market, all modes and by rail),
``cargo_classes.csv`` (values of time) and ``choice_parameters.csv`` (the logit's cost
sensitivity, nests and calibrated constants), builds the route sets with the planner and
solves the equilibrium of :mod:`silkrail.studies.flows` for the baseline and, given a
scenario file, for the scenario.

Examples
--------
>>> inputs = load_flow_inputs()
>>> sorted(set(inputs.market_of_row))[:2]
['central-asia-china', 'china-central-asia']
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from silkrail.datasets import get_path
from silkrail.errors import DatasetError
from silkrail.routing.choice import CORRIDORS, MODES, ChoiceParameters
from silkrail.simulation.congestion import DELAY, mean_wait, utilization
from silkrail.studies.flows import (
    Alternatives,
    CargoClass,
    FlowDemand,
    FlowResult,
    FlowScenario,
    build_alternatives,
    equilibrium,
)

if TYPE_CHECKING:
    from silkrail._typing import FloatArray
    from silkrail.network.model import CorridorNetwork
    from silkrail.simulation.scenario import ScenarioSpec

__all__ = [
    "FlowInputs",
    "FlowStudy",
    "calibrate_constants",
    "flow_scenario",
    "flow_services",
    "load_flow_inputs",
    "run_flow_study",
    "simulate_flows",
    "study_alternatives",
    "teu_per_train",
]

BASE_DATE = "2024-07-01"
_RAIL, _MIDDLE = MODES.index("rail"), CORRIDORS.index("Middle Corridor")


@dataclass(frozen=True)
class FlowInputs:
    """The packaged demand, classes and parameters.

    Attributes
    ----------
    demand
        One row per origin–destination pair (each market's TEU split equally among its
        pairs); ``demand.market`` holds the market label (e.g. ``"China-Europe"``).
    market_of_row
        The demand table's row id of each pair (e.g. ``"china-europe"``).
    rail_only
        Per pair: the market has no sea alternative in the data.
    classes
        Cargo classes.
    params
        Cost sensitivity and nests.
    constants
        Calibrated constants (USD per TEU) by name.
    base_sea_rate_factor
        Multiplies the network's sea tariffs to the base year's level.
    targets
        Row id → (rail share of the market's TEU, Middle Corridor share of its rail TEU or
        NaN).
    """

    demand: FlowDemand
    market_of_row: tuple[str, ...]
    rail_only: tuple[bool, ...]
    classes: tuple[CargoClass, ...]
    params: ChoiceParameters
    constants: dict[str, float]
    targets: dict[str, tuple[float, float]]
    base_sea_rate_factor: float = 1.0


def _table(name: str) -> list[dict[str, str]]:
    path = get_path().parent / "demand" / name
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _num(name: str, row: int, field: str, raw: str, *, blank: float | None = None) -> float:
    """Read a finite number >= 0 of a demand table, or raise naming file, row and field."""
    if raw == "" and blank is not None:
        return blank
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        msg = (
            f"datasets/demand/{name}, row {row}, field {field!r}: value {raw!r} must be a "
            "finite number >= 0"
        )
        raise DatasetError(msg)
    return value


def teu_per_train() -> float:
    """TEU per China–Europe train in 2024: CRE TEU ÷ CRE trains (``demand/figures.csv``).

    Examples
    --------
    >>> round(teu_per_train(), 1)
    107.1
    """
    fig = {r["id"]: r["value"] for r in _table("figures.csv")}
    return float(fig["cre_teu"]) / float(fig["cre_trains"])


def load_flow_inputs() -> FlowInputs:
    """Read the packaged flows tables.

    Returns
    -------
    FlowInputs
        Demand by pair, classes, parameters and calibration targets.

    Raises
    ------
    silkrail.DatasetError
        If a table holds a value that is not a finite number >= 0.
    """
    origin: list[str] = []
    dest: list[str] = []
    teu: list[float] = []
    market: list[str] = []
    row_of: list[str] = []
    rail_only: list[bool] = []
    targets: dict[str, tuple[float, float]] = {}
    name = "flows_2024.csv"
    for i, r in enumerate(_table(name), start=2):
        pairs = [
            (o, d) for o in r["origins"].split(";") for d in r["destinations"].split(";") if o != d
        ]
        total = _num(name, i, "teu_per_year", r["teu_per_year"])
        rail = _num(name, i, "rail_teu_per_year", r["rail_teu_per_year"])
        mid = _num(name, i, "middle_share_of_rail", r["middle_share_of_rail"], blank=math.nan)
        targets[r["id"]] = (rail / total, mid)
        for o, d in pairs:
            origin.append(o)
            dest.append(d)
            teu.append(total / len(pairs))
            market.append(r["market"])
            row_of.append(r["id"])
            rail_only.append(math.isclose(rail, total))
    name = "cargo_classes.csv"
    classes = []
    for i, c in enumerate(_table(name), start=2):
        vot = _num(name, i, "value_of_time_usd_per_teu_hour", c["value_of_time_usd_per_teu_hour"])
        ratio = _num(name, i, "reliability_ratio", c["reliability_ratio"])
        # An hour of p95 - p50 is worth VOT x reliability ratio / 1.645 (the ratio is defined
        # on the standard deviation; p95 - p50 of a normal is 1.645 sd).
        classes.append(
            CargoClass(c["class"], _num(name, i, "share", c["share"]), vot, vot * ratio / 1.645)
        )
    name = "choice_parameters.csv"
    par: dict[str, float] = {}
    for i, r in enumerate(_table(name), start=2):
        raw = r["value"]
        try:
            par[r["name"]] = float(raw)
        except (TypeError, ValueError):  # a blank or missing cell reads as None
            msg = f"datasets/demand/{name}, row {i}, field 'value': {raw!r} is not a number"
            raise DatasetError(msg) from None
    params = ChoiceParameters(
        beta=par["beta"], mode_nest=par["mode_nest"], corridor_nest=par["corridor_nest"]
    )
    return FlowInputs(
        demand=FlowDemand(tuple(origin), tuple(dest), np.asarray(teu), tuple(market)),
        market_of_row=tuple(row_of),
        rail_only=tuple(rail_only),
        classes=tuple(classes),
        params=params,
        constants={k: v for k, v in par.items() if "constant" in k},
        targets=targets,
        base_sea_rate_factor=par["base_sea_rate_factor"],
    )


def flow_scenario(
    spec: ScenarioSpec | None, *, days: float = 365.0, base_sea_rate_factor: float = 1.0
) -> FlowScenario:
    """Translate a scenario file into what a flows study changes.

    A closure of a node for the whole year removes it from the route sets; a shorter closure
    or a capacity change scales the station's annual capacity (a closure of 14 days leaves
    351/365 of it). The ``flows`` section sets tariffs and disruptions; ``demand.growth``
    scales every demand figure.

    Parameters
    ----------
    spec
        The scenario (``None``: the baseline).
    days
        Length of the study year.
    base_sea_rate_factor
        The base year's sea-rate level; the file's ``flows.sea_rate_factor`` multiplies it.
    """
    if spec is None:
        return FlowScenario(sea_rate_factor=base_sea_rate_factor)
    sc = spec.scenario
    year = days * 24.0
    closed: list[str] = []
    factors: dict[str, float] = {}
    for c in sc.closures:
        start, end = max(0.0, c.start_hours), min(year, c.end_hours)
        if end <= start:
            continue
        if start <= 0.0 and end >= year:
            closed.append(c.target)
        else:
            factors[c.target] = factors.get(c.target, 1.0) * (1.0 - (end - start) / year)
    for cap in sc.capacity:
        share = (min(year, cap.end_hours) - max(0.0, cap.start_hours)) / year
        if share > 0:
            factors[cap.target] = factors.get(cap.target, 1.0) * (1.0 + (cap.factor - 1) * share)
    fl = spec.flows
    return FlowScenario(
        name=sc.name,
        sea_rate_factor=base_sea_rate_factor * float(fl.get("sea_rate_factor") or 1.0),
        rail_tariff_factor=dict(fl.get("rail_tariff_factor") or {}),
        transit_time_factor=dict(fl.get("transit_time_factor") or {}),
        through_disruptions=tuple(fl.get("through_disruptions") or ()),
        closed_nodes=tuple(closed),
        capacity_factor=factors,
        demand_growth=sc.demand_growth,
    )


def _offsets(alts: Alternatives, inputs: FlowInputs, constants: dict[str, float]) -> FloatArray:
    """Per-alternative constants (USD per TEU) from the named constants."""
    rows = np.asarray(inputs.market_of_row)[alts.od]
    rail = alts.mode == _RAIL
    off = np.zeros(alts.n)
    off[rail & (rows == "china-europe")] += constants.get("rail_constant_westbound", 0.0)
    off[rail & (rows == "europe-china")] += constants.get("rail_constant_eastbound", 0.0)
    off[alts.corridor == _MIDDLE] += constants.get("middle_constant", 0.0)
    return off


def _shares(res: FlowResult, inputs: FlowInputs, row: str) -> tuple[float, float]:
    alts = res.alternatives
    keep = (np.asarray(inputs.market_of_row) == row)[alts.od]
    x = res.teu_by_alternative
    rail = keep & (alts.mode == _RAIL)
    rail_teu = float(x[rail].sum())
    share = rail_teu / float(x[keep].sum())
    mid = float(x[rail & (alts.corridor == _MIDDLE)].sum()) / rail_teu if rail_teu else 0.0
    return share, mid


def calibrate_constants(
    alts: Alternatives, inputs: FlowInputs, *, rounds: int = 30, tol: float = 1e-4
) -> tuple[dict[str, float], FlowResult]:
    """Fit the rail and Middle Corridor constants to the base year's shares.

    Each round solves the equilibrium and moves each constant by the log-odds error of its
    share over the cost sensitivity (the usual update of alternative-specific constants).

    Returns
    -------
    tuple
        The constants and the equilibrium at them.
    """
    const = dict(inputs.constants)
    beta = inputs.params.beta
    ppt = teu_per_train()
    plan = {
        "rail_constant_westbound": ("china-europe", 0),
        "rail_constant_eastbound": ("europe-china", 0),
        "middle_constant": ("china-europe", 1),
    }

    def logit(p: float) -> float:
        p = min(max(p, 1e-9), 1 - 1e-9)
        return math.log(p / (1 - p))

    def solve() -> FlowResult:
        return equilibrium(
            alts,
            inputs.demand,
            inputs.classes,
            inputs.params,
            teu_per_train=ppt,
            offset=_offsets(alts, inputs, const),
        )

    res = solve()
    for _ in range(rounds):
        worst = 0.0
        for name, (row, k) in plan.items():
            target = inputs.targets[row][k]
            model = _shares(res, inputs, row)[k]
            err = logit(model) - logit(target)
            worst = max(worst, abs(model - target) / target)
            const[name] += err / beta
        if worst <= tol:
            break
        res = solve()
    return const, res


@dataclass(frozen=True)
class FlowStudy:
    """A baseline equilibrium and, optionally, a scenario's."""

    inputs: FlowInputs
    baseline: FlowResult
    scenario: FlowResult | None
    scenario_name: str


def study_alternatives(
    net: CorridorNetwork, inputs: FlowInputs, *, scenario: FlowScenario, depart: str
) -> Alternatives:
    """Plan the route sets of the packaged demand (:func:`.flows.build_alternatives`).

    The stations are sized for the study's trains (:func:`teu_per_train` TEU, as
    :func:`flow_services` runs them in the simulator), and the rail-only markets get no sea
    route.

    Parameters
    ----------
    net
        The corridor network.
    inputs
        The packaged inputs (:func:`load_flow_inputs`).
    scenario
        Closures, capacity, tariffs and disruptions.
    depart
        Date of the planner's conditions.
    """
    return build_alternatives(
        net,
        inputs.demand,
        scenario=scenario,
        depart=depart,
        rail_only=inputs.rail_only,
        train_feu=teu_per_train() / 2.0,
    )


def run_flow_study(
    net: CorridorNetwork,
    spec: ScenarioSpec | None = None,
    *,
    depart: str | None = None,
    days: float = 365.0,
) -> FlowStudy:
    """Solve the baseline and the scenario with the packaged inputs.

    Parameters
    ----------
    net
        The corridor network.
    spec
        A scenario file (``None``: baseline only).
    depart
        Date of the planner's conditions (default 2024-07-01 for the baseline; a scenario's
        ``flows.depart`` for the scenario).
    days
        The period the scenario's closures and capacity changes are read over (a closure
        of the whole period closes the place; :func:`flow_scenario`); the demand stays
        annual.
    """
    inputs = load_flow_inputs()
    ppt = teu_per_train()
    base_alts = study_alternatives(
        net,
        inputs,
        scenario=flow_scenario(None, base_sea_rate_factor=inputs.base_sea_rate_factor),
        depart=depart or BASE_DATE,
    )
    _check_pairs(base_alts, inputs)
    base = equilibrium(
        base_alts,
        inputs.demand,
        inputs.classes,
        inputs.params,
        teu_per_train=ppt,
        offset=_offsets(base_alts, inputs, inputs.constants),
    )
    if spec is None:
        return FlowStudy(inputs, base, None, "")
    sc = flow_scenario(spec, days=days, base_sea_rate_factor=inputs.base_sea_rate_factor)
    alts = study_alternatives(
        net, inputs, scenario=sc, depart=spec.flows.get("depart") or depart or BASE_DATE
    )
    _check_pairs(alts, inputs)
    demand = inputs.demand.scaled(1.0 + sc.demand_growth)
    res = equilibrium(
        alts,
        demand,
        inputs.classes,
        inputs.params,
        teu_per_train=ppt,
        offset=_offsets(alts, inputs, inputs.constants),
    )
    return FlowStudy(replace(inputs, demand=demand), base, res, sc.name)


def _check_pairs(alts: Alternatives, inputs: FlowInputs) -> None:
    from silkrail.errors import NoRouteError

    served = np.zeros(len(inputs.demand.origin), dtype=bool)
    served[alts.od] = True
    if not served.all():
        missing = [
            f"{inputs.demand.origin[i]} → {inputs.demand.destination[i]}"
            for i in np.flatnonzero(~served)
        ]
        msg = f"no route for {len(missing)} demand pair(s): {', '.join(missing[:5])}"
        raise NoRouteError(msg)


def flow_services(
    net: CorridorNetwork, result: FlowResult, *, min_trains_per_week: float = 0.05
) -> list[Any]:
    """Turn the equilibrium's rail trains into simulator services, as they can run in the year.

    Every rail alternative with at least `min_trains_per_week` dispatched becomes a
    :class:`~silkrail.simulation.CorridorService` on its route: trains a week = TEU a year ÷
    TEU per train ÷ 52.14, times the share its stations can take
    (:meth:`~silkrail.studies.flows.Alternatives.dispatched_share`: traffic above a station's
    practical capacity is held at its origin, not queued without bound). Trains run half at
    random, half timetabled, as the packaged services.

    Parameters
    ----------
    net
        The corridor network (for the services' names).
    result
        An equilibrium.
    min_trains_per_week
        Smallest service kept.

    Returns
    -------
    list of CorridorService
        Named ``"<origin> → <destination>: <planner label>"`` by place names, so that the
        same route has the same name in a scenario's and its baseline's equilibrium.
    """
    return _flow_services(net, result, min_trains_per_week=min_trains_per_week)[0]


def _flow_services(
    net: CorridorNetwork, result: FlowResult, *, min_trains_per_week: float
) -> tuple[list[Any], list[int]]:
    from silkrail.simulation import CorridorService

    alts = result.alternatives
    per_week = result.trains_per_week[1]
    keep = np.flatnonzero((alts.mode == _RAIL) & (per_week >= min_trains_per_week))
    name = dict(zip(net.node_id.tolist(), net.node_name.tolist(), strict=True))
    services = []
    for k in keep:
        r = alts.routes[k]
        services.append(
            CorridorService(
                r.origin,
                r.destination,
                trains_per_week=float(per_week[k]),
                feu=result.teu_per_train / 2.0,
                route=r,
                name=f"{name.get(r.origin, r.origin)} → "
                f"{name.get(r.destination, r.destination)}: {alts.label[k]}",
            )
        )
    return services, [int(k) for k in keep]


def simulate_flows(
    net: CorridorNetwork,
    result: FlowResult,
    *,
    days: float = 365.0,
    replications: int = 5,
    seed: int = 2024,
    warmup_days: float = 30.0,
    min_trains_per_week: float = 0.05,
) -> pd.DataFrame:
    """Run the equilibrium's rail trains through the simulator; compare the waits.

    The trains are those that can run within the year (:func:`flow_services`); the cost
    functions are evaluated at the same traffic, so that both sides see the same trains.
    At a station the equilibrium loads above capacity the table therefore shows the queue
    of the trains it serves; the offered traffic's wait for a slot (the equilibrium's cost)
    is in the flows tables. The simulator's first `warmup_days` are not counted: it starts
    empty, while the cost functions give steady-state waits.

    Returns
    -------
    pandas.DataFrame
        One row per loaded station: ``station``, ``category``, ``utilization`` (of the
        dispatched trains), ``offered_utilization``, ``trains_per_week``,
        ``cost_function_wait_h``, ``simulated_wait_h``, ``simulated_wait_ci_h`` (half-width
        of its 95 % confidence interval over the replications), ``difference`` (relative),
        sorted by utilisation.
    """
    from silkrail.simulation import corridor_model, replicate

    alts = result.alternatives
    services, index = _flow_services(net, result, min_trains_per_week=min_trains_per_week)
    rate = np.zeros(alts.n)
    rate[index] = [sv.trains_per_week / 168.0 for sv in services]
    lam, ca2 = alts.network_state(rate)
    wait = mean_wait(alts.stations, lam, ca2=ca2)
    rho = utilization(alts.stations, lam)
    model = corridor_model(net, services)
    # The simulator starts empty; the cost functions are steady-state waits.
    mc = replicate(
        model,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup_days,
        scheduler="serial",
    )
    summary = mc.station_summary()
    sim = summary["mean_wait_h"].to_dict()
    sim_ci = summary["mean_wait_h_ci"].to_dict()
    rows = []
    for j, name in enumerate(alts.stations.name):
        if lam[j] <= 0 or name not in sim or alts.stations.kind[j] == DELAY:
            continue
        cf, sw = float(wait[j]), float(sim[name])
        rows.append(
            {
                "station": name,
                "category": alts.station_category[j],
                "utilization": float(rho[j]),
                "offered_utilization": float(result.station_utilization[j]),
                "trains_per_week": float(lam[j] * 168.0),
                "cost_function_wait_h": cf,
                "simulated_wait_h": sw,
                "simulated_wait_ci_h": float(sim_ci[name]),
                "difference": (cf - sw) / sw if sw > 0 else math.nan,
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values("utilization", ascending=False, ignore_index=True)
