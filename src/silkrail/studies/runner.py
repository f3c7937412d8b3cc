"""The study runner: a scenario against its baseline, the one copy of that logic.

``silkrail simulate``, the service's simulation jobs and ``silkrail report`` all call
:func:`run_study`; they differ only in how they show progress and where the replications run.
With ``reroute``, the trains are not the model's services but the corridor equilibrium's
(:mod:`silkrail.studies.flows`): the scenario's demand chooses its routes under the scenario,
the baseline's under the base year, and the simulator runs both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from silkrail.simulation import corridor_model, replicate, route_table
from silkrail.simulation.summary import simulation_summary

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd

    from silkrail.network import CorridorNetwork
    from silkrail.simulation import MonteCarloResult, Scenario, SimulationModel
    from silkrail.studies.flow_study import FlowStudy
    from silkrail.studies.flows import FlowResult

__all__ = ["Rerouting", "StudyResult", "rerouted_trains_bound", "run_study"]


@dataclass(frozen=True)
class Rerouting:
    """The trains a rerouted study ran: the corridor equilibrium's, by corridor.

    Attributes
    ----------
    flows
        The equilibrium of the base year and of the scenario
        (:func:`~silkrail.studies.flow_study.run_flow_study`).
    corridors
        Rail trains a week by corridor (Northern, Middle Corridor, Southern, other rail):
        ``baseline`` and ``scenario`` as dispatched (what the simulator ran), and the
        ``held_back`` scenario trains that no station could take within the year.
    """

    flows: FlowStudy
    corridors: pd.DataFrame

    @classmethod
    def from_flows(cls, flows: FlowStudy) -> Rerouting:
        """Tabulate the dispatched trains of a flows study by corridor."""
        import pandas as pd

        from silkrail.routing.choice import CORRIDORS, MODES

        def by_corridor(res: FlowResult) -> tuple[np.ndarray, np.ndarray]:
            alts = res.alternatives
            offered, sent = res.trains_per_week
            rail = alts.mode == MODES.index("rail")
            n = len(CORRIDORS)
            run = np.bincount(alts.corridor[rail], weights=sent[rail], minlength=n)
            held = np.bincount(alts.corridor[rail], weights=(offered - sent)[rail], minlength=n)
            return run, held

        base, _ = by_corridor(flows.baseline)
        final = flows.scenario if flows.scenario is not None else flows.baseline
        run, held = by_corridor(final)
        rows = [k for k, c in enumerate(CORRIDORS) if c != "sea"]
        frame = pd.DataFrame(
            {"baseline": base[rows], "scenario": run[rows], "held_back": held[rows]},
            index=pd.Index([CORRIDORS[k] for k in rows], name="corridor"),
        )
        return cls(flows=flows, corridors=frame)

    def to_dict(self) -> dict[str, Any]:
        """Return trains a week by corridor and the equilibria's relative gaps (JSON-ready)."""
        final = self.flows.scenario if self.flows.scenario is not None else self.flows.baseline
        return {
            "corridors": [
                {
                    "corridor": str(name),
                    "baseline_trains_per_week": float(row["baseline"]),
                    "trains_per_week": float(row["scenario"]),
                    "held_back_trains_per_week": float(row["held_back"]),
                }
                for name, row in self.corridors.iterrows()
            ],
            "relative_gap": float(final.gap[-1]),
            "baseline_relative_gap": float(self.flows.baseline.gap[-1]),
        }


@dataclass(frozen=True)
class StudyResult:
    """A scenario's run, its baseline's (same seed) and their comparison.

    Attributes
    ----------
    label
        The scenario's name (``"base"`` without a scenario).
    scenario
        The scenario's Monte Carlo result (the plain run without a scenario).
    baseline
        The baseline's, same model and seed without the scenario; ``None`` if not run.
    routes
        The comparison: :func:`~silkrail.simulation.route_table` of both.
    seed
        The root seed both runs were started with (common random numbers).
    rerouting
        With ``reroute``, the equilibrium trains both runs ran.
    elapsed_s
        Wall time of the study.
    net
        The network, when given: routes and stations are then named by their places.
    """

    label: str
    scenario: MonteCarloResult
    baseline: MonteCarloResult | None
    routes: pd.DataFrame
    seed: int
    rerouting: Rerouting | None = None
    elapsed_s: float = 0.0
    net: CorridorNetwork | None = None

    def summary(self, *, top: int = 10) -> dict[str, Any]:
        """Return the study as JSON-ready data: the ``silkrail simulate --json`` layout.

        Parameters
        ----------
        top
            Bottlenecks to list.

        Returns
        -------
        dict
            :func:`~silkrail.simulation.simulation_summary` of the runs, plus ``rerouting``
            (:meth:`Rerouting.to_dict`) for a rerouted study.
        """
        out = simulation_summary(
            self.scenario,
            base=self.baseline,
            top=top,
            scenario=self.label,
            seed=self.seed,
            routes=self.routes,
            net=self.net,
        )
        if self.rerouting is not None:
            out["rerouting"] = self.rerouting.to_dict()
        return out


def rerouted_trains_bound(*, days: float, demand_growth: float = 0.0) -> float:
    """Bound the trains a rerouted replication releases, before the equilibrium runs.

    The base year's rail TEU of the packaged demand, grown by `demand_growth`, doubled as room
    for a scenario that moves cargo from sea to rail (the Red Sea crisis of 2024 doubled
    China–EU rail, docs/flows.md), in trains of :func:`~silkrail.studies.flow_study.teu_per_train`
    TEU over `days`. The service admits ``reassign`` jobs by it.

    Examples
    --------
    >>> 30_000 < rerouted_trains_bound(days=365) < 60_000
    True
    """
    from silkrail.studies.flow_study import load_flow_inputs, teu_per_train

    inputs = load_flow_inputs()
    rail = sum(
        inputs.demand.teu_per_year[k] * inputs.targets[row][0]
        for k, row in enumerate(inputs.market_of_row)
    )
    return float(2.0 * rail * (1.0 + demand_growth) / teu_per_train() * days / 365.0)


def _for_equilibrium_trains(scenario: Scenario, model: SimulationModel) -> Scenario:
    """Return the scenario as it applies to the equilibrium's trains.

    The equilibrium already scaled the demand, so its trains are the grown ones (and a growth
    per packaged service names services it does not run); its routes already avoid what is
    closed all year, so changes to places no train passes are left out.
    """

    def used(target: str | None) -> bool:
        return target is None or bool(model.targets(target))

    return replace(
        scenario,
        demand_growth=0.0,
        service_growth=(),
        closures=tuple(c for c in scenario.closures if used(c.target)),
        capacity=tuple(c for c in scenario.capacity if used(c.target)),
        ferries=tuple(f for f in scenario.ferries if used(f.target)),
    )


def run_study(
    model: SimulationModel,
    *,
    scenario: Scenario | None = None,
    days: float = 365.0,
    replications: int = 20,
    seed: int,
    warmup_days: float = 0.0,
    baseline: bool = True,
    reroute: bool = False,
    flows_options: Mapping[str, Any] | None = None,
    net: CorridorNetwork | None = None,
    corridor_options: Mapping[str, Any] | None = None,
    client: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> StudyResult:
    """Run a scenario and, with the same seed, its baseline; compare them route by route.

    Parameters
    ----------
    model
        The simulation model (the scenario's services, or the default ones).
    scenario
        The scenario; ``None`` runs the model alone (no baseline).
    days, replications, warmup_days
        As for :func:`~silkrail.simulation.replicate`.
    seed
        Root seed of both runs: the scenario and its baseline see the same random numbers.
    baseline
        Whether to run the baseline too (only with a scenario).
    reroute
        Run the corridor equilibrium's trains instead of the model's services
        (:func:`~silkrail.studies.flow_study.run_flow_study`): the scenario's demand routed
        under the scenario, the baseline's under the base year. Traffic above a station's
        practical capacity is held at its origin, so no queue grows without bound. Needs
        `net`; the scenario's demand growth then acts on the demand, not again on the trains.
    flows_options
        With `reroute`: the scenario file's ``flows`` section (sea rates, tariffs, date).
    net
        The network: routes and stations are named by their places; needed for `reroute`.
    corridor_options
        With `reroute`: :func:`~silkrail.simulation.corridor_model` options for the trains.
    client
        A Dask client to run the replications on; ``None`` runs them in this process.
    progress
        Called as ``progress(label, done, total)`` after each replication.

    Returns
    -------
    StudyResult
        Both runs and the route comparison; the first replication of each is kept for the
        queue-length series and the train records.

    Raises
    ------
    ValueError
        If `reroute` is set without `net`.

    Examples
    --------
    >>> from silkrail import corridor_model, default_services, load_network
    >>> from silkrail.simulation import Scenario
    >>> model = corridor_model(load_network(), default_services()[:3])
    >>> busier = Scenario("busier", demand_growth=0.5)
    >>> study = run_study(model, scenario=busier, days=30, replications=2, seed=1)
    >>> study.baseline is not None and "base_p95_days" in study.routes
    True
    """
    if reroute and net is None:
        msg = "reroute needs the network (net) to route the demand on"
        raise ValueError(msg)
    t0 = time.perf_counter()
    label = scenario.name if scenario is not None else "base"
    run_base = scenario is not None and baseline

    def run(m: SimulationModel, sc: Scenario | None, name: str) -> MonteCarloResult:
        def tick(done: int, total: int) -> None:
            if progress is not None:
                progress(name, done, total)

        return replicate(
            m,
            replications=replications,
            days=days,
            seed=seed,
            scenario=sc,
            warmup_days=warmup_days,
            client=client,
            scheduler="serial" if client is None else None,
            keep_first=True,
            progress=tick,
        )

    rerouting = None
    base_model = model
    sim_scenario = scenario
    if reroute:
        assert net is not None
        from silkrail.simulation import ScenarioSpec
        from silkrail.studies.flow_study import flow_services, run_flow_study

        spec = (
            ScenarioSpec(scenario=scenario, flows=dict(flows_options or {}))
            if scenario is not None
            else None
        )
        flows = run_flow_study(net, spec, days=days)
        rerouting = Rerouting.from_flows(flows)
        final = flows.scenario if flows.scenario is not None else flows.baseline
        opts = dict(corridor_options or {})
        model = corridor_model(net, flow_services(net, final), **opts)
        base_model = corridor_model(net, flow_services(net, flows.baseline), **opts)
        if scenario is not None:
            sim_scenario = _for_equilibrium_trains(scenario, model)
    mc = run(model, sim_scenario, label)
    base = run(base_model, None, "baseline") if run_base else None
    return StudyResult(
        label=label,
        scenario=mc,
        baseline=base,
        routes=route_table(mc, base),
        seed=seed,
        rerouting=rerouting,
        elapsed_s=time.perf_counter() - t0,
        net=net,
    )
