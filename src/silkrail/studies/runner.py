"""The study runner: a scenario against its baseline, the one copy of that logic.

``silkrail simulate``, the service's simulation jobs and ``silkrail report`` all call
:func:`run_study`; they differ only in how they show progress and where the replications run.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from silkrail.simulation import default_services, reassign, replicate, route_table
from silkrail.simulation.summary import simulation_summary

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import pandas as pd

    from silkrail.network import CorridorNetwork
    from silkrail.simulation import (
        CorridorService,
        MonteCarloResult,
        Reassignment,
        Scenario,
        SimulationModel,
    )

__all__ = ["StudyResult", "run_study"]


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
    reassignment, baseline_reassignment
        With re-route rounds, what moved in the scenario and in the baseline.
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
    reassignment: Reassignment | None = None
    baseline_reassignment: Reassignment | None = None
    elapsed_s: float = 0.0
    net: CorridorNetwork | None = None

    def summary(self, *, top: int = 10, flows: bool = True) -> dict[str, Any]:
        """Return the study as JSON-ready data: the ``silkrail simulate --json`` layout.

        Parameters
        ----------
        top
            Bottlenecks to list.
        flows
            Whether the reassignment lists every route's trains (it always lists families).

        Returns
        -------
        dict
            :func:`~silkrail.simulation.simulation_summary` of the runs, plus
            ``reassignment`` (with its ``baseline``) after re-route rounds.
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
        if self.reassignment is not None:
            out["reassignment"] = self.reassignment.to_dict(flows=flows)
            if self.baseline_reassignment is not None:
                out["reassignment"]["baseline"] = self.baseline_reassignment.to_dict(flows=flows)
        return out


def run_study(
    model: SimulationModel,
    *,
    scenario: Scenario | None = None,
    days: float = 365.0,
    replications: int = 20,
    seed: int,
    warmup_days: float = 0.0,
    baseline: bool = True,
    rounds: int = 0,
    free_gateways: bool = False,
    net: CorridorNetwork | None = None,
    services: Sequence[CorridorService] | None = None,
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
    rounds
        Re-route rounds before the final run (:func:`~silkrail.simulation.reassign`); the
        baseline gets the same. Needs `net`.
    free_gateways
        With `rounds`, let services change their border gateway.
    net, services, corridor_options
        The network (for readable names in the summary, and needed for `rounds`); for
        `rounds` also the services (default the packaged 2024 ones) and the
        :func:`~silkrail.simulation.corridor_model` options.
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
        If `rounds` is set without `net`.

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
    if rounds and net is None:
        msg = f"rounds={rounds} needs the network (net) to re-route services on"
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

    def rerouted(name: str, sc: Scenario | None) -> Reassignment:
        assert net is not None
        counter = itertools.count(1)

        def one_round(m: SimulationModel, s: Scenario | None) -> MonteCarloResult:
            k = next(counter)
            return run(m, s, f"{name} round {k}" if k <= rounds else name)

        return reassign(
            net,
            services if services is not None else default_services(),
            one_round,
            scenario=sc,
            iterations=rounds,
            keep_via=not free_gateways,
            **dict(corridor_options or {}),
        )

    ra = ra_base = None
    if rounds:
        ra = rerouted(label, scenario)
        ra_base = rerouted("baseline", None) if run_base else None
        mc = ra.result
        base = ra_base.result if ra_base is not None else None
    else:
        mc = run(model, scenario, label)
        base = run(model, None, "baseline") if run_base else None
    return StudyResult(
        label=label,
        scenario=mc,
        baseline=base,
        routes=route_table(mc, base),
        seed=seed,
        reassignment=ra,
        baseline_reassignment=ra_base,
        elapsed_s=time.perf_counter() - t0,
        net=net,
    )
