"""Fuzzing the scenario readers: any YAML text or JSON-like value is read or reported as a
ScenarioError, never another exception. Bounded: 200 examples in all, derandomised."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import silkrail
from silkrail.simulation import scenario_from_dict, scenario_from_yaml

KEYS = [
    "name", "description", "start_date", "closures", "capacity", "ferries", "demand",
    "services", "model", "target", "start", "end", "factor", "servers", "growth",
    "trains_per_week", "origin", "destination", "feu", "random_share", "jitter_hours", "via",
    "vessel_feu", "policy", "interval_hours", "weather_closures_per_year", "port_servers",
    "ferry_policy", "router", "include_planned", "KZ-AKTAU", "section_share",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**25), 10**25),
    st.sampled_from([2**70, int("9" * 4000), -1, 0, 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(["\ud800", "2025-13-01", "2025-03-01", "schedule", "KZ-AKTAU"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), inner, max_size=4),
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=5)
YAML_BITS = [
    "name: x\n", "closures:\n", "  - {target: KZ-AKTAU, start: 1, end: 5}\n", "- ", "&a ",
    "*a ", "[", "]", "{", "}", ": ", "\t", "!!python/object:os.system ", "? ", "|\n", "'",
    '"', "~", "1e400", "\ud800", "%YAML 1.2\n", "---\n", "...\n", "\n", " ", "demand:",
]  # fmt: skip
yaml_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(YAML_BITS), max_size=30).map("".join),
)


def _check(call: Any) -> None:
    message = None
    try:
        call()
    except silkrail.ScenarioError as exc:
        message = str(exc)
    assert message != ""


@given(doc=documents)
@settings(max_examples=120, deadline=None, derandomize=True)
def test_any_json_like_scenario_is_read_or_reported(doc: dict[str, Any]) -> None:
    _check(lambda: scenario_from_dict(doc, source="fuzz"))


@given(text=yaml_texts)
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_any_yaml_text_is_read_or_reported(text: str) -> None:
    _check(lambda: scenario_from_yaml(text, source="fuzz.yaml"))
