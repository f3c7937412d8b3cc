"""The nested logit against shares computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from silkrail.routing.choice import CORRIDORS, MODES, ChoiceParameters, nested_logit

SEA, RAIL = MODES.index("sea"), MODES.index("rail")
C_SEA, NORTH, MIDDLE = (CORRIDORS.index(c) for c in ("sea", "Northern", "Middle Corridor"))


def test_two_level_nest_matches_the_formula() -> None:
    cost = np.array([2000.0, 2600.0, 3000.0, 3400.0])
    mode = np.array([SEA, RAIL, RAIL, RAIL])
    corr = np.array([C_SEA, NORTH, NORTH, MIDDLE])
    beta, lc, lm = 0.001, 0.5, 0.8
    p = nested_logit(
        cost,
        mode=mode,
        corridor=corr,
        params=ChoiceParameters(beta=beta, mode_nest=lm, corridor_nest=lc),
    )
    v = -beta * cost
    # By hand: corridor logsums, mode logsums, then the product of conditionals.
    i_north = math.log(math.exp(v[1] / lc) + math.exp(v[2] / lc))
    i_mid = v[3] / lc
    i_sea_c = v[0] / lc
    i_rail = math.log(math.exp(lc * i_north / lm) + math.exp(lc * i_mid / lm))
    i_sea = lc * i_sea_c / lm
    p_rail = math.exp(lm * i_rail) / (math.exp(lm * i_rail) + math.exp(lm * i_sea))
    p_north = math.exp(lc * i_north / lm) / math.exp(i_rail)
    expected = [
        1 - p_rail,
        p_rail * p_north * math.exp(v[1] / lc) / math.exp(i_north),
        p_rail * p_north * math.exp(v[2] / lc) / math.exp(i_north),
        p_rail * (1 - p_north),
    ]
    np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_constants_and_groups() -> None:
    params = ChoiceParameters(beta=0.001, mode_constant=(0.0, math.log(3.0)))
    cost = np.array([1000.0, 1000.0, 500.0, 500.0])
    p = nested_logit(
        cost,
        mode=np.array([SEA, RAIL, SEA, RAIL]),
        corridor=np.array([C_SEA, NORTH, C_SEA, NORTH]),
        params=params,
        group=np.array([0, 0, 1, 1]),
    )
    # Equal costs: the rail constant log 3 gives rail 3 : 1 in each group.
    np.testing.assert_allclose(p, [0.25, 0.75, 0.25, 0.75], rtol=1e-12)


def test_multinomial_when_nests_are_one() -> None:
    cost = np.array([100.0, 300.0, 600.0])
    p = nested_logit(
        cost,
        mode=np.array([SEA, RAIL, RAIL]),
        corridor=np.array([C_SEA, NORTH, MIDDLE]),
        params=ChoiceParameters(beta=0.01),
    )
    e = np.exp(-0.01 * cost)
    np.testing.assert_allclose(p, e / e.sum(), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs", [{"beta": 0.0}, {"beta": 1.0, "corridor_nest": 0.9, "mode_nest": 0.5}]
)
def test_bad_parameters_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"beta|nest"):
        ChoiceParameters(**kwargs)
