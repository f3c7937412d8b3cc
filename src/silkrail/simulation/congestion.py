"""Congestion cost functions: the mean wait at a station as a function of its traffic.

The corridor equilibrium (:mod:`silkrail.studies.flows`) needs, for every station a route
passes, the wait a given number of trains a week causes. The simulator measures it; these
functions predict it from queueing theory with the simulator's own station parameters, so the
two can be checked against each other (``scripts/check_congestion.py``, docs/flows.md):

* **border crossing points, gauge-change yards, ports**
  (:class:`~silkrail.simulation.ServerStation`): the M/G/c approximation of Allen and
  Cunneen, ``Wq = C(c, a) / (c mu - lambda) * (ca2 + cs2) / 2`` with the Erlang C
  probability of waiting ``C(c, a)``;
* **line sections** (:class:`~silkrail.simulation.Section`): one server whose service time is
  the minimum headway (deterministic), the same formula with ``c = 1`` and ``cs2 = 0``;
* **ferries on a timetable** (:class:`~silkrail.simulation.Ferry`): half a sailing interval for
  the phase, plus a queue for vessel space: one server whose service time is the share of a
  sailing's capacity a train fills (``interval * train FEU / vessel FEU``).

A section behind a section whose headway is at least as long is a special case
(:func:`tandem_cv2`): deterministic servers in series wait only at the slowest (Friedman's
interchangeability), so such a stream waits only because running times spread it out.

Above ``RHO_MAX`` of capacity the steady-state wait is infinite; the cost function then keeps
rising along its tangent at ``RHO_MAX``. That makes the wait finite and steep, so an
equilibrium diverts demand from a saturated station instead of serving it after an infinite
wait; the traffic above capacity is reported as deferred (:func:`deferred_share`).

Examples
--------
>>> import numpy as np
>>> cap = StationCapacity.from_arrays(
...     name=["Khorgos"], kind=[SERVER], servers=[2], service_hours=[4.0], service_cv=[0.5])
>>> w = mean_wait(cap, np.array([0.25]))      # 0.25 trains/hour: rho = 0.5
>>> round(float(w[0]), 2)
0.83
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from silkrail.simulation.model import Ferry, Section, ServerStation, Station

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail._typing import FloatArray, IntArray

__all__ = [
    "FERRY",
    "RHO_MAX",
    "SECTION",
    "SERVER",
    "StationCapacity",
    "deferred_share",
    "departure_affine",
    "departure_cv2",
    "erlang_c",
    "mean_wait",
    "tandem_cv2",
    "utilization",
]

#: Station kinds.
SERVER, SECTION, FERRY, DELAY = 0, 1, 2, 3
#: Utilisation above which the cost function continues along its tangent.
RHO_MAX = 0.95
#: Squared CV of the trains' inter-arrival times: the packaged services are half random
#: arrivals and half timetabled ones (random_share 0.5); the superposition of many services
#: is close to Poisson, which the simulator check confirms (docs/flows.md).
ARRIVAL_CV2 = 1.0
#: Constants of :func:`tandem_cv2` (``b``, ``gamma``, ``e``, ``f``), fitted to the simulator's
#: waits at a section behind a section by ``python scripts/check_tandem.py --fit`` (docs/flows.md).
TANDEM_FIT = (1.15, 1.52, 0.32, 0.53)
#: Weight ``k`` of the running-time spread in the exits' CV² (:func:`departure_affine`), fitted
#: to the simulator's waits behind a faster section by ``python scripts/check_tandem.py --fit``.
EXIT_SPREAD_WEIGHT = 0.45


@dataclass(frozen=True)
class StationCapacity:
    """Stations as arrays: what the cost functions need of each.

    Parameters
    ----------
    name
        Station names (as in the simulation model).
    kind
        ``SERVER``, ``SECTION``, ``FERRY`` or ``DELAY`` (no capacity limit).
    servers
        Parallel servers (1 for sections and ferries).
    service_hours
        Mean time a train holds a server: processing time, minimum headway, or the share of
        the sailing interval its FEU fill.
    service_cv
        CV of that time.
    phase_hours
        Wait before the first possible service regardless of traffic: half the interval
        between sailings for a ferry on a timetable, 0 otherwise.
    exit_spread_hours
        Standard deviation of the independent time each train spends after the queue (a line
        section's running time, with overtaking); ``None``: 0 everywhere.
    """

    name: tuple[str, ...]
    kind: IntArray
    servers: IntArray
    service_hours: FloatArray
    service_cv: FloatArray
    phase_hours: FloatArray
    exit_spread_hours: FloatArray | None = None

    @classmethod
    def from_arrays(
        cls,
        *,
        name: Sequence[str],
        kind: Sequence[int],
        servers: Sequence[int],
        service_hours: Sequence[float],
        service_cv: Sequence[float],
        phase_hours: Sequence[float] | None = None,
        exit_spread_hours: Sequence[float] | None = None,
    ) -> StationCapacity:
        """Build from sequences (``phase_hours`` and ``exit_spread_hours`` default to 0)."""
        n = len(name)
        return cls(
            name=tuple(name),
            kind=np.asarray(kind, dtype=np.int64),
            servers=np.asarray(servers, dtype=np.int64),
            service_hours=np.asarray(service_hours, dtype=float),
            service_cv=np.asarray(service_cv, dtype=float),
            phase_hours=np.zeros(n) if phase_hours is None else np.asarray(phase_hours, float),
            exit_spread_hours=(
                np.zeros(n) if exit_spread_hours is None else np.asarray(exit_spread_hours, float)
            ),
        )

    @classmethod
    def from_stations(cls, stations: Sequence[Station], *, train_feu: float) -> StationCapacity:
        """Read the capacity of simulation stations for trains of ``train_feu`` FEU.

        Examples
        --------
        >>> from silkrail.simulation import Ferry
        >>> cap = StationCapacity.from_stations(
        ...     [Ferry("Aktau-Baku", vessel_feu=50, hours=20, interval_hours=48)], train_feu=50)
        >>> float(cap.service_hours[0]), float(cap.phase_hours[0])
        (48.0, 24.0)
        """
        kind, servers, hours, cv, phase, spread = [], [], [], [], [], []
        for st in stations:
            if isinstance(st, ServerStation):
                unlimited = st.servers == 0
                kind.append(DELAY if unlimited else SERVER)
                servers.append(max(1, st.servers))
                hours.append(st.hours + st.hours_per_feu * train_feu)
                cv.append(st.cv)
                phase.append(0.0)
                spread.append(0.0)
            elif isinstance(st, Section):
                finite = math.isfinite(st.trains_per_day)
                kind.append(SECTION if finite else DELAY)
                servers.append(1)
                hours.append(st.headway_hours if finite else 0.0)
                cv.append(0.0)
                phase.append(0.0)
                spread.append(st.cv * st.hours)
            elif isinstance(st, Ferry):
                kind.append(FERRY)
                servers.append(1)
                hours.append(st.interval_hours * min(1.0, train_feu / st.vessel_feu))
                cv.append(0.0)
                phase.append(st.interval_hours / 2.0 if st.policy == "schedule" else 0.0)
                spread.append(st.cv * st.hours)
            else:  # pragma: no cover - Station is a closed union
                msg = f"unknown station type {type(st).__name__}"
                raise TypeError(msg)
        return cls.from_arrays(
            name=[st.name for st in stations],
            kind=kind,
            servers=servers,
            service_hours=hours,
            service_cv=cv,
            phase_hours=phase,
            exit_spread_hours=spread,
        )

    @property
    def trains_per_hour(self) -> FloatArray:
        """Capacity: trains an hour the station can serve (``inf`` without a limit)."""
        with np.errstate(divide="ignore"):
            cap = self.servers / self.service_hours
        return np.where(self.kind == DELAY, np.inf, cap)


def erlang_c(servers: IntArray, load: FloatArray) -> FloatArray:
    """Probability that an arrival waits in M/M/c with ``load = lambda / mu`` (< c).

    Computed through the Erlang B recursion, which is stable for many servers.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(erlang_c(np.array([1]), np.array([0.5]))[0]), 3)   # M/M/1: rho
    0.5
    """
    c = np.asarray(servers, dtype=np.int64)
    a = np.asarray(load, dtype=float)
    b = np.ones_like(a)
    for k in range(1, int(c.max(initial=1)) + 1):
        step = a * b / (k + a * b)
        b = np.where(k <= c, step, b)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def utilization(cap: StationCapacity, trains_per_hour: FloatArray) -> FloatArray:
    """Offered load over capacity (0 where the station has no limit)."""
    rho = np.asarray(trains_per_hour, float) * cap.service_hours / cap.servers
    return np.where(cap.kind == DELAY, 0.0, rho)


def _steady_wait(
    cap: StationCapacity, lam: FloatArray, rho: FloatArray, ca2: FloatArray
) -> FloatArray:
    """Allen–Cunneen mean wait in queue for ``rho < 1``."""
    c = cap.servers
    s = cap.service_hours
    pw = erlang_c(c, rho * c)
    with np.errstate(divide="ignore", invalid="ignore"):
        wq = pw * s / (c * (1.0 - rho)) * (ca2 + cap.service_cv**2) / 2.0
    return np.where(lam > 0, wq, 0.0)


def departure_affine(
    cap: StationCapacity, rho: FloatArray, lam: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Departure CV² of each station as an affine function of its arrival CV²: ``A + B ca2``.

    ``cd2 = 1 + (1 - rho**2) (ca2 - 1) + rho**2 (cs2 - 1) / sqrt(c)`` for a GI/G/c queue
    (Whitt 1983, "The queueing network analyzer", Bell System Technical Journal 62(9)), with
    ``rho`` capped at 1: a saturated station releases trains at its own rhythm. A ferry
    releases a vessel's trains together; its departures are taken as Poisson (cv2 = 1), and a
    station without a limit passes its arrivals on unchanged.

    A line section's running times are independent and trains overtake, so its exits are the
    departures displaced by independent delays of spread ``sigma``: they keep their rhythm when
    ``sigma`` is small against the spacing of trains ``1 / lam`` and look random when it is
    large. Between these two limits the CV² is interpolated as
    ``1 - (1 - cd2) / (1 + k lam sigma)``: not a published formula, and ``k``
    (:data:`EXIT_SPREAD_WEIGHT`) is fitted to the simulator's mean waits at a section behind a
    faster one (``scripts/check_tandem.py``). An earlier fit to the gaps between the exits
    (``k = 1``) overstated the waits behind, since displacing trains changes their spacing
    over a few hours but not over the longer spans a queue builds up over.

    Returns
    -------
    tuple of numpy.ndarray
        ``A`` and ``B`` per station.
    """
    r = np.minimum(np.asarray(rho, dtype=float), 1.0)
    cs2 = cap.service_cv**2
    b = 1.0 - r**2
    a = r**2 + r**2 * (cs2 - 1.0) / np.sqrt(cap.servers)
    a = np.where(cap.kind == FERRY, 1.0, np.where(cap.kind == DELAY, 0.0, a))
    b = np.where(cap.kind == FERRY, 0.0, np.where(cap.kind == DELAY, 1.0, b))
    if lam is not None and cap.exit_spread_hours is not None:
        mix = 1.0 / (
            1.0 + EXIT_SPREAD_WEIGHT * np.asarray(lam, dtype=float) * cap.exit_spread_hours
        )
        a, b = 1.0 - mix + mix * a, mix * b
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def departure_cv2(
    cap: StationCapacity, rho: FloatArray, ca2: FloatArray, lam: FloatArray | None = None
) -> FloatArray:
    """Squared CV of each station's departures (see :func:`departure_affine`).

    Examples
    --------
    >>> import numpy as np
    >>> cap = StationCapacity.from_arrays(name=["b"], kind=[SERVER], servers=[1],
    ...                                   service_hours=[1.0], service_cv=[0.0])
    >>> float(departure_cv2(cap, np.array([1.0]), np.array([1.0]))[0])   # D/D/1 output
    0.0
    """
    a, b = departure_affine(cap, rho, lam)
    return np.asarray(np.maximum(a + b * np.asarray(ca2, dtype=float), 0.0), dtype=float)


def _normal_loss(z: FloatArray) -> FloatArray:
    """``E[(Z - z)+]`` for a standard normal ``Z``."""
    z = np.asarray(z, dtype=float)
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) - z * ndtr(-z)


def tandem_cv2(
    *,
    rho: FloatArray,
    headway_hours: FloatArray,
    upstream_headway_hours: FloatArray,
    upstream_spread_hours: FloatArray,
    long_run_cv2: float | FloatArray,
) -> FloatArray:
    """Arrival variability a section's wait sees from a section at least as slow before it.

    Trains leave a line section at least its headway apart and run with independent times.
    Deterministic servers in series wait only at the slowest one (Friedman 1965, "Reduction
    methods for tandem queuing systems", Operations Research 13(1)), so if the running times
    did not vary, a section whose headway is no longer than the section before it would never
    hold these trains (QNA's departure CV², ``(1 - rho**2) ca2``, makes them wait). The
    running times' spread ``sigma`` reorders and bunches the trains; with ``sd = sqrt(2)
    sigma`` (the spread of two trains' difference) and the slack ``delta`` between the
    headways, the wait is::

        w = K (1 - exp(-s / K)),   s = b rho**gamma sd L(delta / sd) / L(0) c**e,
        K = rho / (1 - rho) h / 2 c**f

    with ``L`` the normal loss function (the chance that a train catches up with the one ahead
    through the slack) and ``c`` the stream's long-run CV². For small spreads ``w ≈ s``, linear
    in the spread; for large ones the stream becomes a random one of variability ``c**f``. The
    form is this derivation's; the constants :data:`TANDEM_FIT` are a fit to the simulator
    (``scripts/check_tandem.py``: two sections in series, utilisation 0.3–0.85, running-time
    CV 0.02–0.4, Poisson or half-timetabled trains, equal or 1.5 × upstream headway; 58 of 60
    cases within ±25 % or 3 minutes).

    Returns
    -------
    numpy.ndarray
        The squared CV that Allen–Cunneen's formula turns into this wait (``w / (rho / (1 -
        rho) h / 2)``).

    Examples
    --------
    >>> import numpy as np
    >>> float(tandem_cv2(rho=np.array([0.7]), headway_hours=np.array([2.0]),
    ...     upstream_headway_hours=np.array([2.0]), upstream_spread_hours=np.array([0.0]),
    ...     long_run_cv2=0.5)[0])      # no spread: no wait (Friedman)
    0.0
    """
    b, gamma, e, f = TANDEM_FIT
    r = np.minimum(np.asarray(rho, dtype=float), RHO_MAX)
    h = np.asarray(headway_hours, dtype=float)
    sd = math.sqrt(2.0) * np.asarray(upstream_spread_hours, dtype=float)
    delta = np.asarray(upstream_headway_hours, dtype=float) - h
    spread = sd > 0
    safe_sd = np.where(spread, sd, 1.0)
    # L(delta / sd) / L(0), with L(0) = 1 / sqrt(2 pi).
    catch_up = np.where(spread, _normal_loss(delta / safe_sd) * math.sqrt(2.0 * math.pi), 0.0)
    c = np.asarray(long_run_cv2, dtype=float)
    small = b * r**gamma * sd * catch_up * c**e
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = r / (1.0 - r) * h / 2.0
        k = scale * c**f
        cv2 = np.where(k > 0, c**f * -np.expm1(-small / np.where(k > 0, k, 1.0)), 0.0)
    return np.asarray(cv2, dtype=float)


def mean_wait(
    cap: StationCapacity, trains_per_hour: FloatArray, *, ca2: FloatArray | None = None
) -> FloatArray:
    """Mean wait in hours at each station for the given arrival rates.

    Below ``RHO_MAX`` the Allen–Cunneen approximation; above it the tangent at ``RHO_MAX``
    (finite, rising), so that demand above capacity is priced, not served after an infinite
    wait. Stations without a limit wait only their phase.

    Parameters
    ----------
    cap
        The stations.
    trains_per_hour
        Arrival rate at each station.
    ca2
        Squared CV of each station's inter-arrival times (default ``ARRIVAL_CV2``, Poisson).

    Returns
    -------
    numpy.ndarray
        Hours, phase included.
    """
    lam = np.asarray(trains_per_hour, dtype=float)
    a2 = np.full(lam.shape, ARRIVAL_CV2) if ca2 is None else np.asarray(ca2, dtype=float)
    rho = utilization(cap, lam)
    low = np.minimum(rho, RHO_MAX)
    # Stations without a limit have no service time; they are masked below.
    per_rho = cap.servers / np.where(cap.service_hours > 0, cap.service_hours, 1.0)
    w_low = _steady_wait(cap, low * per_rho, low, a2)
    eps = 1e-4
    hi = RHO_MAX - eps
    w_a = _steady_wait(cap, hi * per_rho, np.full_like(rho, hi), a2)
    w_b = _steady_wait(cap, np.full_like(rho, 1.0), np.full_like(rho, RHO_MAX), a2)
    slope = (w_b - w_a) / eps
    wait = np.where(rho > RHO_MAX, w_b + slope * (rho - RHO_MAX), w_low)
    wait = np.where((cap.kind == DELAY) | (lam <= 0), 0.0, wait)
    return wait + cap.phase_hours


def deferred_share(cap: StationCapacity, trains_per_hour: FloatArray) -> FloatArray:
    """Share of each station's traffic above its capacity (0 where below)."""
    rho = utilization(cap, trains_per_hour)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(rho > 1.0, 1.0 - 1.0 / rho, 0.0)
    return share
