"""Open estimation of the delay parameters no source gives (DESIGN.md §4).

Caspian port dwell, sailings missed for lack of vessel space, storm closures outside the
sourced November–December share, and the origin dwell of ordinary trains in China have no
published value, nor does the spread between trains of one route that a common cause (path,
priority, a delay that propagates along the route) gives. :func:`fit_delays` estimates them
from published end-to-end transit times of the *typical* kinds only (measured averages,
official, operator- and forwarder-typical), with a robust loss and a weak pull towards each
prior, inside written bounds; every sourced value of the network stays fixed.
:func:`cross_validate` reports out-of-sample skill by leaving one origin–destination pair out
at a time.

Routes are held fixed during a fit (planned once with the priors): a route's time is then a
function of the parameters through its random parts (:func:`silkrail.routing.uncertainty.
draw_route_hours`), drawn with common random numbers so that the loss is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from silkrail.datasets.parameters import calibrated_parameters
from silkrail.routing.results import HOURS_PER_DAY
from silkrail.routing.uncertainty import (
    DelayParameters,
    RouteDraws,
    combine_draws,
    draw_parts,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.routing.conditions import Conditions
    from silkrail.routing.uncertainty import RouteParts

__all__ = [
    "CalibrationResult",
    "FoldResult",
    "Observation",
    "cross_validate",
    "fit_delays",
    "inside_range",
    "model_p50",
    "model_quantiles",
]

TOLERANCE = 0.20
_SCALE = math.log1p(TOLERANCE)
_PRIOR_WEIGHT = 0.05
#: The parameter set by the spread of the published figures, not by their location.
SPREAD = "train_delay_cv"
#: Published days are whole or rounded: a figure ``d`` stands for ``[d - 0.5, d + 0.5]``.
_ROUNDING_DAYS = 0.5
#: Floor of a row's probability in the spread fit: a row the model cannot reach at any spread
#: adds a constant, so one outlying source does not widen every route (a robust likelihood).
_MIN_PROBABILITY = 1e-3


@dataclass(frozen=True)
class Observation:
    """One published typical transit time and the model routes it is compared with.

    Attributes
    ----------
    row
        Row number in the calibration file.
    group
        The origin–destination group (rows of one group are left out together).
    low, high
        The published range in days.
    draws
        Per origin–destination place pair, the parameter-free draws of its model route,
        pooled over the departure dates the row stands for.
    dwell_factor
        The service class's origin-dwell factor.
    """

    row: int
    group: str
    low: float
    high: float
    draws: tuple[RouteDraws, ...]
    dwell_factor: float = 1.0

    @classmethod
    def from_parts(
        cls,
        row: int,
        group: str,
        low: float,
        high: float,
        parts: Sequence[RouteParts],
        conditions: Sequence[Conditions],
        *,
        dwell_factor: float = 1.0,
        draws: int = 400,
    ) -> Observation:
        """Draw each pair's route on each departure date (seeded by date order) and pool."""
        pooled = tuple(
            RouteDraws.concatenate(
                [draw_parts(p, c, draws=draws, seed=k) for k, c in enumerate(conditions)]
            )
            for p in parts
        )
        return cls(row, group, low, high, pooled, dwell_factor)


@dataclass(frozen=True)
class CalibrationResult:
    """A fit: the parameters, the loss and how many rows lie inside ±20 %."""

    params: DelayParameters
    loss: float
    inside: int
    rows: tuple[int, ...]
    evaluations: int


@dataclass(frozen=True)
class FoldResult:
    """One cross-validation fold: the held-out group, its fit and its predictions."""

    group: str
    params: DelayParameters
    predictions: dict[int, float]
    bands: dict[int, tuple[float, float]] = field(default_factory=dict)
    """The held-out rows' predicted (p5, p95) in days."""


def model_p50(obs: Observation, params: DelayParameters) -> float:
    """Return the model's p50 (days) for an observation.

    The median over its place pairs of the median of each pair's pooled draws.

    Parameters
    ----------
    obs
        The observation.
    params
        Delay parameters.

    Returns
    -------
    float
        Days.
    """
    per_pair = [
        float(np.median(combine_draws(d, params, dwell_factor=obs.dwell_factor))) for d in obs.draws
    ]
    return float(np.median(per_pair)) / HOURS_PER_DAY


def model_quantiles(obs: Observation, params: DelayParameters) -> tuple[float, float, float]:
    """Return the model's p5, p50 and p95 (days) for an observation.

    Each is the median over the observation's place pairs of that pair's percentile.

    Parameters
    ----------
    obs
        The observation.
    params
        Delay parameters.

    Returns
    -------
    tuple of float
        p5, p50, p95 in days.
    """
    per_pair = np.array(
        [
            np.percentile(combine_draws(d, params, dwell_factor=obs.dwell_factor), [5, 50, 95])
            for d in obs.draws
        ]
    )
    p5, p50, p95 = np.median(per_pair, axis=0) / HOURS_PER_DAY
    return float(p5), float(p50), float(p95)


def _probability(obs: Observation, params: DelayParameters) -> float:
    # Probability that a train of the row's pairs (pooled) takes a time the source states.
    lo = (obs.low - _ROUNDING_DAYS) * HOURS_PER_DAY
    hi = (obs.high + _ROUNDING_DAYS) * HOURS_PER_DAY
    shares = [
        float(np.mean((h >= lo) & (h <= hi)))
        for h in (combine_draws(d, params, dwell_factor=obs.dwell_factor) for d in obs.draws)
    ]
    return float(np.mean(shares))


def _spread_loss(
    cv: float, observations: Sequence[Observation], params: DelayParameters, prior: float,
    span: float,
) -> float:  # fmt: skip
    p = replace(params, **{SPREAD: float(cv)})
    nll = -sum(math.log(max(_probability(o, p), _MIN_PROBABILITY)) for o in observations)
    return nll + _PRIOR_WEIGHT * ((cv - prior) / span) ** 2


def _bounds() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = calibrated_parameters()
    names = [f.name for f in fields(DelayParameters)]
    prior = t.loc[names, "prior"].to_numpy(float)
    lower = t.loc[names, "lower"].to_numpy(float)
    upper = t.loc[names, "upper"].to_numpy(float)
    # A value derived from sources is held at it: never fitted.
    derived = (t.loc[names, "status"] == "derived").to_numpy()
    value = t.loc[names, "value"].to_numpy(float)
    return (
        np.where(derived, value, prior),
        np.where(derived, value, lower),
        np.where(derived, value, upper),
    )


def _residual(p50: float, low: float, high: float) -> float:
    # Log distance to the published range, in units of the ±20 % tolerance: 0 inside the range.
    target = min(max(p50, low), high)
    return math.log(p50 / target) / _SCALE


def _loss(
    x: np.ndarray,
    observations: Sequence[Observation],
    prior: np.ndarray,
    span: np.ndarray,
) -> float:
    params = DelayParameters(*map(float, x))
    total = 0.0
    for obs in observations:
        r = _residual(model_p50(obs, params), obs.low, obs.high)
        total += 2.0 * (math.sqrt(1.0 + r * r) - 1.0)  # soft-L1: robust to outlying rows
    total += _PRIOR_WEIGHT * float((((x - prior) / span) ** 2).sum())
    return total


def fit_delays(observations: Sequence[Observation], *, maxiter: int = 400) -> CalibrationResult:
    """Fit the delay parameters to typical published transit times.

    Minimises the soft-L1 loss of the log distance between each row's model p50 and its
    published range (0 inside the range, 1 at the ±20 % edge) plus a weak quadratic pull
    towards the priors, with Powell's method inside the bounds of ``calibrated.csv``. The
    per-train spread (``train_delay_cv``), which moves the p50s hardly at all, is then set by
    the robust likelihood of the published ranges: the negative log of the probability that a
    drawn train takes a time the source states (each figure ± half a day, floored at 1e-3 so
    an unreachable row adds a constant), with the same pull towards its prior.

    Parameters
    ----------
    observations
        Typical-kind rows with their model routes.
    maxiter
        Iteration cap of the optimiser.

    Returns
    -------
    CalibrationResult
        The fitted parameters, the loss and the rows inside ±20 % at the fit.

    Raises
    ------
    ValueError
        If no observation is given.
    """
    if not observations:
        msg = "fit_delays needs at least one observation"
        raise ValueError(msg)
    prior, lower, upper = _bounds()
    names = [f.name for f in fields(DelayParameters)]
    k = names.index(SPREAD)
    spread_bounds = (float(lower[k]), float(upper[k]))
    # The p50s hardly depend on the spread (its factor has mean 1): the location parameters
    # are fitted with it at its prior, then the spread by the likelihood of the stated ranges.
    lower[k] = upper[k] = prior[k]
    span = np.maximum(upper - lower, 1e-9)
    count = [0]

    def f(x: np.ndarray) -> float:
        count[0] += 1
        return _loss(np.clip(x, lower, upper), observations, prior, span)

    res = minimize(
        f,
        prior,
        method="Powell",
        bounds=list(zip(lower, upper, strict=True)),
        options={"maxiter": maxiter, "xtol": 1e-3, "ftol": 1e-4},
    )
    x = np.clip(res.x, lower, upper)
    params = DelayParameters(*map(float, x))
    if spread_bounds[1] > spread_bounds[0]:
        spread = minimize_scalar(
            _spread_loss,
            bounds=spread_bounds,
            method="bounded",
            args=(observations, params, float(prior[k]), spread_bounds[1] - spread_bounds[0]),
            options={"xatol": 1e-3, "maxiter": 60},
        )
        count[0] += int(spread.nfev)
        params = replace(params, **{SPREAD: float(spread.x)})
    inside = [o.row for o in observations if inside_range(model_p50(o, params), o.low, o.high)]
    return CalibrationResult(params, float(res.fun), len(inside), tuple(inside), count[0])


def cross_validate(observations: Sequence[Observation], *, maxiter: int = 400) -> list[FoldResult]:
    """Leave-one-group-out cross-validation of :func:`fit_delays`.

    For each origin–destination group, the parameters are fitted on the other groups' rows and
    the held-out rows are predicted with them.

    Parameters
    ----------
    observations
        Typical-kind rows.
    maxiter
        Iteration cap of each fit.

    Returns
    -------
    list of FoldResult
        One fold per group, with the held-out rows' predicted p50 (days).
    """
    groups = sorted({o.group for o in observations})
    folds = []
    for g in groups:
        train = [o for o in observations if o.group != g]
        test = [o for o in observations if o.group == g]
        fit = fit_delays(train, maxiter=maxiter) if train else None
        params = fit.params if fit is not None else DelayParameters.priors()
        q = {o.row: model_quantiles(o, params) for o in test}
        folds.append(
            FoldResult(
                g,
                params,
                {r: v[1] for r, v in q.items()},
                {r: (v[0], v[2]) for r, v in q.items()},
            )
        )
    return folds


def inside_range(p50: float, low: float, high: float) -> bool:
    """Whether a model p50 lies within the published range widened by ±20 %.

    Examples
    --------
    >>> inside_range(16.0, 13.0, 15.0), inside_range(19.0, 13.0, 15.0)
    (True, False)
    """
    return low * (1 - TOLERANCE) <= p50 <= high * (1 + TOLERANCE)
