"""Drivers of the assignment algorithms (private); the hot loops live in ``_kernels``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from silkrail.assignment import _kernels
from silkrail.assignment._problem import relative_gap
from silkrail.errors import InsufficientMemoryError

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray
    from silkrail.assignment._problem import Problem, Recorder

# Largest weight a conjugate direction may give the previous target; 1 would stall.
_CONJ_MAX = 0.99999
# Share of the available memory Algorithm B's bush arrays may take: the rest is for the
# per-thread labels, the link arrays and whatever else the process holds.
_BUSH_MEMORY_SHARE = 0.8
# Least bushes × links for which Algorithm B's flow shifts run in threads (``cores > 1``).
# Each threaded pass costs about 0.1-0.2 ms to start and join the threads and to update the
# link costs; a pass takes about 6 µs on Anaheim (35k bushes × links), 0.5 ms on Barcelona
# (245k), where 2 threads made the shifts 0.8 times as fast, and 2 ms on ChicagoSketch
# (1.1M), where they made them up to 1.5 times as fast (docs/benchmarks.md). On tiny networks
# the workers also keep shifting the same few links at once, which costs iterations.
_SHIFT_THREADS_MIN_WORK = 500_000


def _available_bytes() -> int | None:
    """Memory the system can give this process now (Linux MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def bush_bytes(bushes: int, links: int, nodes: int) -> int:
    """Return the bytes of Algorithm B's per-bush arrays.

    Every (class, origin) bush keeps a link mask (1 B a link), link flows (8 B a link), a
    topological order of the nodes (8 B a node), its in-links listed in that order (8 B a
    link, plus 8 B a node and one more for the list offsets) and the positions of its merge
    nodes' ancestors in the order (8 B a node, and their number).

    Examples
    --------
    >>> bush_bytes(387, 2950, 933)  # ChicagoSketch: about 28 MB
    28079946
    """
    return bushes * (links * 17 + nodes * 24 + 16)


def _check_bush_memory(bushes: int, links: int, nodes: int) -> None:
    need = bush_bytes(bushes, links, nodes)
    have = _available_bytes()
    if have is None or need <= _BUSH_MEMORY_SHARE * have:
        return
    msg = (
        f"Algorithm B needs about {need / 2**30:.1f} GiB for its bushes ({bushes:,} origin "
        f"bushes × {links:,} links) but only {have / 2**30:.1f} GiB of memory is available; "
        "use method 'bfw' (bi-conjugate Frank-Wolfe: memory in proportion to the links), "
        "or fewer zones"
    )
    raise InsufficientMemoryError(msg)


@dataclass
class State:
    """Final state of a run: class flows (PCE) and link times."""

    class_flow: FloatArray
    vol: FloatArray
    time: FloatArray
    rgap: float
    tstt: float
    beckmann: float
    iterations: int


def _aon_all(pb: Problem, ltime: FloatArray) -> tuple[FloatArray, float]:
    flows = np.zeros((pb.num_classes, pb.m))
    sptt = 0.0
    for k in range(pb.num_classes):
        f, s = pb.aon(k, np.ascontiguousarray(ltime + pb.fixed[k]), load=True)
        flows[k] = f
        sptt += s
    return flows, sptt


def _line_search(pb: Problem, x: FloatArray, s: FloatArray, tol: float) -> float:
    vol = np.ascontiguousarray(x.sum(axis=0))
    direction = np.ascontiguousarray(s.sum(axis=0) - vol)
    const = float(np.sum(pb.fixed * (s - x)))
    return float(_kernels.line_search(pb.fftt, pb.b, pb.cap, pb.power, vol, direction, const, tol))


def run_linear(pb: Problem, method: str, target: float, max_iter: int, rec: Recorder) -> State:
    """All-or-nothing, MSA, Frank-Wolfe, conjugate and bi-conjugate Frank-Wolfe.

    Conjugate directions follow Mitradjieva & Lindberg (2013), "The stiff is moving —
    conjugate direction Frank-Wolfe methods with applications to traffic assignment",
    Transportation Science 47(2): the new target point is a combination of the
    all-or-nothing point and the previous one (CFW) or two (BFW) targets, chosen so the
    direction is conjugate to the previous one(s) with respect to the Hessian
    ``diag(t'(v))`` of the objective.
    """
    ltime = pb.link_time(np.zeros(pb.m))
    x, _ = _aon_all(pb, ltime)
    s_prev: FloatArray | None = None
    s_prev2: FloatArray | None = None
    tau = 1.0  # previous step size
    conj_level = 0  # 0: next step is FW, 1: may be CFW, 2: may be BFW
    step = np.nan
    gap = np.inf
    tstt = 0.0
    obj = 0.0
    it = 0
    for it in range(1, max_iter + 1):
        vol = np.ascontiguousarray(x.sum(axis=0))
        pb.link_time(vol, ltime)
        y, sptt = _aon_all(pb, ltime)
        tstt = float(np.dot(vol, ltime) + np.sum(pb.fixed * x))
        gap = relative_gap(tstt, sptt)
        obj = pb.beckmann(vol, x)
        rec.add(it, gap, obj, step)
        if method == "aon" or gap <= target or it == max_iter:
            break
        if method == "msa":
            step = 1.0 / (it + 1)
            x += step * (y - x)
            continue
        s = y
        kind = "fw"
        if method in ("cfw", "bfw") and s_prev is not None and 0.0 < tau < 1.0:
            hess = pb.link_time_derivative(vol)
            if method == "bfw" and conj_level >= 2 and s_prev2 is not None:
                s = _bfw_target(x, y, s_prev, s_prev2, tau, hess)
                kind = "bfw"
            elif conj_level >= 1:
                s = _cfw_target(x, y, s_prev, hess)
                kind = "cfw"
        tol = max(1e-15, min(1e-8, gap * 1e-4))
        step = _line_search(pb, x, s, tol)
        if step <= 0.0 and kind != "fw":
            # Not a descent direction (the objective is only locally quadratic): fall back
            # to the plain Frank-Wolfe direction, which always descends.
            s, kind = y, "fw"
            step = _line_search(pb, x, s, tol)
        if step <= 0.0:
            # No progress possible in floating point: take a tiny MSA-like step.
            step = 1e-2 / (it + 1)
        x += step * (s - x)
        s_prev2 = s_prev
        s_prev = s
        tau = step
        conj_level = 1 if kind == "fw" else 2
    vol = np.ascontiguousarray(x.sum(axis=0))
    return State(
        class_flow=x,
        vol=vol,
        time=pb.link_time(vol),
        rgap=gap,
        tstt=tstt,
        beckmann=obj,
        iterations=it,
    )


def _cfw_target(x: FloatArray, y: FloatArray, s_prev: FloatArray, hess: FloatArray) -> FloatArray:
    """CFW target ``a s_prev + (1 - a) y``, conjugate to ``s_prev - x``.

    Solving ``(a (s_prev - x) + (1 - a)(y - x))' H (s_prev - x) = 0`` gives
    ``a = N / D``, ``N = (s_prev - x)' H (y - x)``, ``D = (s_prev - x)' H (y - s_prev)``.
    """
    xt, yt, st = x.sum(axis=0), y.sum(axis=0), s_prev.sum(axis=0)
    dbar = st - xt
    num = float(np.sum(hess * dbar * (yt - xt)))
    den = float(np.sum(hess * dbar * (yt - st)))
    alpha = num / den if den != 0.0 else 0.0
    alpha = min(max(alpha, 0.0), _CONJ_MAX)
    out: FloatArray = alpha * s_prev + (1.0 - alpha) * y
    return out


def _bfw_target(
    x: FloatArray,
    y: FloatArray,
    s_prev: FloatArray,
    s_prev2: FloatArray,
    tau: float,
    hess: FloatArray,
) -> FloatArray:
    """BFW target ``b0 y + b1 s_prev + b2 s_prev2`` (Mitradjieva & Lindberg 2013, eq. 17).

    The direction is made conjugate to the previous direction ``s_prev - x`` and to the one
    before, which at the current point is ``tau s_prev + (1 - tau) s_prev2 - x``.
    """
    xt, yt = x.sum(axis=0), y.sum(axis=0)
    s1, s2 = s_prev.sum(axis=0), s_prev2.sum(axis=0)
    d2 = tau * s1 + (1.0 - tau) * s2 - xt
    dy = yt - xt
    d1 = s1 - xt
    w = s2 - s1
    mu_den = float(np.sum(hess * d2 * w))
    mu = 0.0 if mu_den == 0.0 else max(0.0, -float(np.sum(hess * d2 * dy)) / mu_den)
    nu_den = float(np.sum(hess * d1 * d1))
    nu = (
        0.0
        if nu_den == 0.0
        else max(0.0, -float(np.sum(hess * d1 * dy)) / nu_den + mu * tau / (1.0 - tau))
    )
    b0 = 1.0 / (1.0 + mu + nu)
    out: FloatArray = b0 * y + (nu * b0) * s_prev + (mu * b0) * s_prev2
    return out


def _bush_link_totals(bush_class: IntArray, flow: FloatArray, out: FloatArray) -> None:
    """Sum the bush flows of each class into ``out`` (classes x links), bush by bush.

    One row add per bush, in bush order (the sums are the same bit for bit as a loop over
    links); numpy, not a compiled kernel, which would add to the first-use compile time.
    """
    out[:] = 0.0
    for bb, c in enumerate(bush_class.tolist()):
        out[c] += flow[bb]


def _balanced_shares(idle: IntArray, work: IntArray, workers: int) -> tuple[IntArray, IntArray]:
    """Split the bushes a flow-shift pass visits into ``workers`` runs of equal work.

    A pass skips the bushes idle for two passes (``idle >= 2``); each other bush weighs the
    links its last pass scanned and walked (``work``, see _kernels.bush_shift_share).
    Returns the active bushes in order and the ``workers + 1`` bounds of the runs.
    """
    active = np.flatnonzero(idle < 2).astype(np.int64)
    weight = np.cumsum(work[active] + 1)
    total = int(weight[-1]) if weight.size else 0
    cuts = np.searchsorted(weight, np.arange(1, workers) * total / workers, side="right")
    bounds = np.concatenate(([0], cuts, [active.size])).astype(np.int64)
    return active, bounds


def run_bush(
    pb: Problem,
    target: float,
    max_iter: int,
    rec: Recorder,
    *,
    passes: int = 10,
) -> State:
    """Algorithm B (Dial 2006): origin-based bushes with Newton flow shifts.

    Dial, R. B. (2006), "A path-based user-equilibrium traffic assignment algorithm that
    obviates path storage and enumeration", Transportation Research Part B 40(10). Every
    (class, origin) pair keeps an acyclic bush; each iteration updates all bushes (in
    parallel: each reads the link costs and writes only its own links) and then moves flow,
    bush by bush, from the longest used to the shortest bush paths with Newton steps while
    updating link costs immediately.

    With one worker (``cores=1``) the flow shifts visit the bushes in order (Gauss-Seidel)
    and the result depends only on the inputs. With more workers, on problems of at least
    ``_SHIFT_THREADS_MIN_WORK`` bushes × links, each flow-shift pass runs in threads, each
    worker shifting its own bushes against link costs that all workers update as they go:
    the order in which the workers' shifts meet depends on thread timing, so two runs give
    the same equilibrium to within the gap, not the same floats.
    """
    nz = pb.net.num_zones
    n = pb.net.num_nodes
    bo, bc, rows = [], [], []
    for k in range(pb.num_classes):
        for o in pb.origins[k]:
            bo.append(int(o))
            bc.append(k)
            rows.append(pb.demand[k, o])
    nb = len(bo)
    _check_bush_memory(nb, pb.m, n)
    bush_origin = np.asarray(bo, dtype=np.int64).reshape(nb)
    bush_class = np.asarray(bc, dtype=np.int64).reshape(nb)
    bush_demand = np.ascontiguousarray(np.asarray(rows, dtype=np.float64).reshape(nb, nz))
    mask = np.zeros((nb, pb.m), np.uint8)
    flow = np.zeros((nb, pb.m))
    bad = np.full(nb, -1, np.int64)
    ltime = pb.link_time(np.zeros(pb.m))
    # Every bush starts as its shortest-path tree, with its demand loaded on it: the
    # all-or-nothing kernel with one flow row per origin, class by class (bushes are listed
    # by class).
    start = 0
    for k in range(pb.num_classes):
        end = start + len(pb.origins[k])
        _kernels.in_threads(
            _kernels.aon_share,
            pb.workers,
            bush_origin[start:end],
            bush_demand[start:end],
            pb.fs_ptr,
            pb.fs_link,
            pb.tail,
            pb.head,
            ltime + pb.fixed[k],
            pb.n_blocked,
            True,
            True,
            flow[start:end],
            mask[start:end],
            np.zeros(end - start),
            bad[start:end],
            *_kernels.aon_workspace(pb.workers, pb.fs_ptr.shape[0] - 1),
        )
        start = end
    hit = np.flatnonzero(bad >= 0)
    if hit.size:
        i = int(hit[0])
        raise pb.no_route(int(bush_class[i]), int(bush_origin[i]), int(bad[i]))
    # Bush flows below this are moved off whole (see _kernels.bush_shift_share).
    flow_eps = np.ascontiguousarray(1e-11 * bush_demand.sum(axis=1))
    zero_flow = np.ascontiguousarray(1e-14 * bush_demand.sum(axis=1))
    class_flow = np.zeros((pb.num_classes, pb.m))
    orders = np.zeros((nb, n), np.int64)
    counts = np.zeros(nb, np.int64)
    in_ptr = np.zeros((nb, n + 1), np.int64)
    in_link = np.zeros((nb, pb.m), np.int64)
    rel = np.zeros((nb, n), np.int64)
    nrels = np.zeros(nb, np.int64)
    vol = np.zeros(pb.m)
    dtime = np.zeros(pb.m)
    # Flow shifts in threads only where a pass has enough work to pay for starting them.
    shift_workers = pb.workers if nb * pb.m >= _SHIFT_THREADS_MIN_WORK else 1
    # Each flow-shift worker's own volume changes (see _kernels.bush_shift_share); one
    # thread updates ``vol`` itself.
    dvol = np.zeros((shift_workers if shift_workers > 1 else 0, pb.m))
    idle = np.zeros(nb, np.int64)
    all_bushes = np.arange(nb, dtype=np.int64)
    work = np.zeros(nb, np.int64)
    moved = np.zeros(shift_workers, np.int64)
    gap = np.inf
    tstt = obj = 0.0
    it = 0
    for it in range(1, max_iter + 1):
        _bush_link_totals(bush_class, flow, class_flow)
        vol[:] = class_flow.sum(axis=0)
        pb.link_time(vol, ltime, dtime)
        if nb:
            _kernels.in_threads(
                _kernels.bush_update_share,
                pb.workers,
                bush_origin,
                bush_class,
                mask,
                flow,
                pb.fs_ptr,
                pb.fs_link,
                pb.bs_ptr,
                pb.bs_link,
                pb.tail,
                pb.head,
                ltime,
                pb.fixed,
                pb.n_blocked,
                orders,
                counts,
                in_ptr,
                in_link,
                rel,
                nrels,
                zero_flow,
            )
            rel_tol = max(1e-15, min(1e-3, 1e-3 * gap))
            shift_args = (
                bush_origin,
                bush_class,
                flow,
                pb.tail,
                pb.fixed,
                orders,
                counts,
                in_ptr,
                in_link,
                rel,
                nrels,
                vol,
                dvol,
                ltime,
                dtime,
                pb.fftt,
                pb.b,
                pb.cap,
                pb.power,
            )
            idle[:] = 0
            if shift_workers > 1:
                # One pass at a time in threads, each worker on its own run of the active
                # bushes, all shifting against the shared link costs (asynchronous
                # Gauss-Seidel, see _kernels.bush_shift_share). Between passes the link
                # volumes take in the workers' changes and the link costs are recomputed,
                # so no stale cost outlives a pass. (Ten passes without these joins, or
                # a fixed share per worker, took up to 2-3 times the iterations at 1e-10:
                # docs/benchmarks.md.)
                for _ in range(passes):
                    active, bounds = _balanced_shares(idle, work, shift_workers)
                    if active.size == 0:
                        break
                    _kernels.in_threads(
                        _kernels.bush_shift_share,
                        shift_workers,
                        active,
                        bounds,
                        *shift_args,
                        1,
                        rel_tol,
                        flow_eps,
                        idle,
                        moved,
                        work,
                    )
                    vol += dvol.sum(axis=0)
                    dvol[:] = 0.0
                    pb.link_time(vol, ltime, dtime)
                    if not moved.any():
                        break
            else:
                _kernels.bush_shift_share(
                    0,
                    1,
                    all_bushes,
                    np.array([0, nb], np.int64),
                    *shift_args,
                    passes,
                    rel_tol,
                    flow_eps,
                    idle,
                    moved,
                    work,
                )
        _bush_link_totals(bush_class, flow, class_flow)
        vol[:] = class_flow.sum(axis=0)
        pb.link_time(vol, ltime)
        sptt, tstt = pb.sptt_and_tstt(vol, ltime, class_flow)
        gap = relative_gap(tstt, sptt)
        obj = pb.beckmann(vol, class_flow)
        rec.add(it, gap, obj, np.nan)
        if gap <= target:
            break
    return State(
        class_flow=class_flow,
        vol=vol.copy(),
        time=ltime.copy(),
        rgap=gap,
        tstt=tstt,
        beckmann=obj,
        iterations=it,
    )
