"""Nested logit choice of mode, corridor and route on generalized cost.

Each shipper chooses a mode (sea or rail), within rail a corridor (Northern, Middle Corridor,
southern, other) and within the corridor a route; sea is one nest of sea routes. The
probability of route ``r`` in corridor ``c`` of mode ``m`` is

    P(r) = P(m) P(c | m) P(r | c)
    P(r | c) = exp(V_r / l_c) / sum_{r' in c} exp(V_r' / l_c)
    I_c      = log sum_{r in c} exp(V_r / l_c)                  (corridor logsum)
    P(c | m) = exp((l_c I_c + A_c) / l_m) / sum_c' ...
    I_m      = log sum_{c in m} exp((l_c I_c + A_c) / l_m)      (mode logsum)
    P(m)     = exp(l_m I_m + A_m) / sum_m' ...

with utility ``V_r = -beta * GC_r``, alternative-specific constants ``A`` for modes and
corridors, and nest parameters ``0 < l_c <= l_m <= 1`` (McFadden's random-utility
consistency; ``l = 1`` collapses a nest into multinomial logit).

Examples
--------
>>> import numpy as np
>>> p = nested_logit(np.array([1000.0, 1000.0]), mode=np.array([0, 1]),
...                  corridor=np.array([0, 1]), params=ChoiceParameters(beta=0.001))
>>> p.round(3).tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray

__all__ = ["CORRIDORS", "MODES", "ChoiceParameters", "nested_logit"]

#: Modes, in the order of the ``mode`` codes.
MODES = ("sea", "rail")
#: Corridors, in the order of the ``corridor`` codes (``sea`` is the sea mode's one nest).
CORRIDORS = ("sea", "Northern", "Middle Corridor", "Southern", "other rail")


@dataclass(frozen=True)
class ChoiceParameters:
    """Parameters of the nested logit.

    Parameters
    ----------
    beta
        Cost sensitivity (1/USD per TEU): utility = ``-beta * GC``.
    mode_nest, corridor_nest
        Nest parameters ``l_m`` and ``l_c``, ``0 < corridor_nest <= mode_nest <= 1``.
    mode_constant
        Constant per mode (``MODES`` order), in utility units; sea is 0 by convention.
    corridor_constant
        Constant per corridor (``CORRIDORS`` order); the Northern corridor is 0 by convention.
    """

    beta: float
    mode_nest: float = 1.0
    corridor_nest: float = 1.0
    mode_constant: tuple[float, ...] = field(default=(0.0, 0.0))
    corridor_constant: tuple[float, ...] = field(default=(0.0, 0.0, 0.0, 0.0, 0.0))

    def __post_init__(self) -> None:
        if not (np.isfinite(self.beta) and self.beta > 0):
            msg = f"beta must be a finite number > 0, got {self.beta!r}"
            raise ValueError(msg)
        if not 0 < self.corridor_nest <= self.mode_nest <= 1:
            msg = (
                "nest parameters must satisfy 0 < corridor_nest <= mode_nest <= 1, got "
                f"corridor_nest={self.corridor_nest!r}, mode_nest={self.mode_nest!r}"
            )
            raise ValueError(msg)
        if len(self.mode_constant) != len(MODES):
            msg = f"mode_constant needs {len(MODES)} values ({MODES}), got {self.mode_constant}"
            raise ValueError(msg)
        if len(self.corridor_constant) != len(CORRIDORS):
            msg = (
                f"corridor_constant needs {len(CORRIDORS)} values ({CORRIDORS}), "
                f"got {self.corridor_constant}"
            )
            raise ValueError(msg)


def _group_logsumexp(x: FloatArray, group: IntArray, n: int) -> FloatArray:
    """log(sum(exp(x))) per group, stable; -inf for empty groups."""
    top = np.full(n, -np.inf)
    np.maximum.at(top, group, x)
    safe = np.where(np.isfinite(top), top, 0.0)
    s = np.zeros(n)
    np.add.at(s, group, np.exp(x - safe[group]))
    with np.errstate(divide="ignore"):
        return np.where(s > 0, np.log(s) + safe, -np.inf)


def nested_logit(
    cost: FloatArray,
    *,
    mode: IntArray,
    corridor: IntArray,
    params: ChoiceParameters,
    group: IntArray | None = None,
) -> FloatArray:
    """Choice probabilities of alternatives, for one or many origin–destination pairs.

    Parameters
    ----------
    cost
        Generalized cost of each alternative (USD per TEU).
    mode
        Mode code of each alternative (index into ``MODES``).
    corridor
        Corridor code of each alternative (index into ``CORRIDORS``); every corridor lies in
        one mode.
    params
        The model's parameters.
    group
        The choice situation (origin–destination pair) of each alternative, ``0 .. n - 1``;
        ``None``: all alternatives are one situation.

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1 within each group.

    Examples
    --------
    Two rail routes in one corridor against one sea route, multinomial (all nests 1):

    >>> import numpy as np
    >>> p = nested_logit(np.array([0.0, 0.0, 0.0]), mode=np.array([1, 1, 0]),
    ...                  corridor=np.array([1, 1, 0]), params=ChoiceParameters(beta=1.0))
    >>> p.round(3).tolist()
    [0.333, 0.333, 0.333]
    """
    v = -params.beta * np.asarray(cost, dtype=float)
    g = np.zeros(v.size, dtype=np.int64) if group is None else np.asarray(group, np.int64)
    n = int(g.max(initial=0)) + 1
    lc, lm = params.corridor_nest, params.mode_nest
    nc, nm = len(CORRIDORS), len(MODES)
    cgrp = g * nc + np.asarray(corridor, np.int64)
    mgrp = g * nm + np.asarray(mode, np.int64)
    ic = _group_logsumexp(v / lc, cgrp, n * nc)
    p_r_c = np.exp(v / lc - ic[cgrp])
    # Each (group, corridor) nest lies in one (group, mode) nest.
    nest_mode = np.zeros(n * nc, dtype=np.int64)
    nest_mode[cgrp] = mgrp
    idx = np.flatnonzero(np.isfinite(ic))
    ccon = np.tile(np.asarray(params.corridor_constant, float), n)
    cc = (lc * ic[idx] + ccon[idx]) / lm
    im = _group_logsumexp(cc, nest_mode[idx], n * nm)
    p_c_m = np.zeros(n * nc)
    p_c_m[idx] = np.exp(cc - im[nest_mode[idx]])
    jdx = np.flatnonzero(np.isfinite(im))
    mcon = np.tile(np.asarray(params.mode_constant, float), n)
    um = lm * im[jdx] + mcon[jdx]
    lse = _group_logsumexp(um, jdx // nm, n)
    p_m = np.zeros(n * nm)
    p_m[jdx] = np.exp(um - lse[jdx // nm])
    return p_r_c * p_c_m[cgrp] * p_m[mgrp]
