"""Random scenarios on the toy network: a job is accepted or refused with a 422, never a 500.

Drives the request check (scenario, model, limits) directly, so no job process starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkrail.service import Settings
from silkrail.service._errors import ApiError
from silkrail.service._jobs import JobSpec, prepare_job
from silkrail.service._state import load_state
from silkrail.service.schemas import SimulationRequest

TOY = Path(__file__).parents[1] / "data" / "toy"
SETTINGS = Settings(data=TOY, sim_max_days=60, sim_max_replications=5)
STATE = load_state(TOY, plan_cache_size=0)

PLACES = ["Alpha", "Epsilon", "CN-BETA", "Gamma", "KZ-DELTA", "Nowhere", ""]
TARGETS = ["KZ-GAMMA", "CN-BETA", "KZ-GAMMA:border", "T1", "nothing", ""]
# Mostly plausible values, so that many scenarios pass and reach the model and the limits.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(-2, 1e9, allow_nan=False),
    st.sampled_from(["2025-02-30", "x", "full", "schedule", "fastest"]),
    st.lists(st.integers(), max_size=1),
)
days = st.one_of(st.floats(0, 40), st.sampled_from(["2025-01-10", "2025-01-20"]))


def plausible(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(*[good] * 7, junk)


window = {"start": plausible(days), "end": plausible(days)}
closures = st.lists(
    st.fixed_dictionaries({"target": st.sampled_from(TARGETS)}, optional=window), max_size=2
)
capacity = st.lists(
    st.fixed_dictionaries(
        {"target": st.sampled_from(TARGETS)},
        optional={
            "factor": plausible(st.floats(0.01, 5)),
            "servers": plausible(st.integers(0, 50)),
            **window,
        },
    ),
    max_size=2,
)
ferries = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "target": st.sampled_from(TARGETS),
            "policy": plausible(st.sampled_from(["full", "schedule"])),
            "vessel_feu": plausible(st.floats(0.1, 500)),
            "interval_hours": plausible(st.floats(0, 500)),
            "max_wait_hours": plausible(st.floats(0, 500)),
            "weather_closures_per_year": plausible(st.floats(0, 50)),
            "weather_closure_days": plausible(st.floats(0, 5)),
        },
    ),
    max_size=2,
)
services = st.lists(
    st.fixed_dictionaries(
        {
            "origin": st.sampled_from(["Alpha", "Alpha", *PLACES]),
            "destination": st.sampled_from(["Epsilon", "Epsilon", *PLACES]),
            "trains_per_week": plausible(st.floats(1, 100)),
        },
        optional={
            "feu": plausible(st.floats(0.1, 100)),
            "random_share": plausible(st.floats(0, 1)),
            "jitter_hours": plausible(st.floats(0, 48)),
            "via": st.one_of(
                st.sampled_from(PLACES), st.lists(st.sampled_from(PLACES), max_size=2)
            ),
            "both_directions": plausible(st.booleans()),
            "name": plausible(st.text(max_size=5)),
        },
    ),
    min_size=1,
    max_size=2,
)
scenarios = st.fixed_dictionaries(
    {"services": services},
    optional={
        "name": plausible(st.text(max_size=5)),
        "start_date": plausible(st.sampled_from(["2025-01-01", "2024-12-20"])),
        "closures": closures,
        "capacity": capacity,
        "ferries": ferries,
        "demand": st.fixed_dictionaries(
            {},
            optional={
                "growth": plausible(st.floats(-0.9, 5)),
                "services": st.dictionaries(
                    st.sampled_from(["CN-ALPHA>KZ-EPSILON", "x"]), plausible(st.floats(-0.9, 5))
                ),
            },
        ),
        "model": st.fixed_dictionaries(
            {},
            optional={
                "vessel_feu": plausible(st.floats(0.1, 100)),
                "section_share": plausible(st.floats(0.01, 1)),
                "router": plausible(st.sampled_from(["planner", "fastest"])),
            },
        ),
        "extra": junk,
    },
)


@given(scenario=scenarios, days=st.floats(1, 60), replications=st.integers(1, 5))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_scenarios_are_accepted_or_refused_with_a_message(
    scenario: dict[str, Any], days: float, replications: int
) -> None:
    req = SimulationRequest(days=days, replications=replications, scenario=scenario, seed=1)
    error: ApiError | None = None
    try:
        spec = prepare_job(STATE, req, SETTINGS)
    except ApiError as exc:
        error = exc
    if error is None:
        assert isinstance(spec, JobSpec)
        assert spec.model.services
        return
    assert error.status == 422
    assert error.code in {"invalid_scenario", "validation_error"}
    assert error.field is not None
    assert error.field.startswith(("scenario", "days"))
    assert error.message
