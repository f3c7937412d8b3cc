"""The example scenario files in examples/scenarios/ are valid and fit the packaged network."""

from __future__ import annotations

from pathlib import Path

import pytest

import silkrail

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def test_there_are_examples() -> None:
    assert len(list(EXAMPLES.glob("*.yaml"))) >= 3


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_example_scenario_builds_on_the_packaged_network(path: Path) -> None:
    spec = silkrail.scenario_from_yaml(path.read_text(encoding="utf-8"), source=str(path))
    model = spec.build_model(silkrail.load_network())
    assert model.routes
    assert spec.scenario.name == path.stem
    # The file's own usage line names the file, so that it can be copied as it is.
    assert f"examples/scenarios/{path.name}" in path.read_text(encoding="utf-8")
