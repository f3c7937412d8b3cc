"""Numba kernels of the corridor simulator.

Every kernel is ``@njit(cache=True)``, takes contiguous arrays, writes into arrays the caller
allocated and uses no Python objects. The Python wrappers in :mod:`silkrail.simulation.engine`
check dtypes before calling them.

The event engine (:func:`run_events`) is a single event loop over a binary heap of
``(time, sequence)`` keys: ties at equal times go to the event scheduled first, so the run is
deterministic. Capacity changes (closures included) go before everything else at the same time.
Trains enter in release order from a pre-sorted array that is merged with the heap (a release
goes before other events at the same time), which keeps the heap as small as the number of
trains in flight. All random numbers are drawn before the kernel runs (one service multiplier
per train and stage, one crossing multiplier per sailing), so the kernel itself is
deterministic and the same draws can be fed to a reference model.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.core import config as numba_config
from numba.core import event as numba_event

from silkrail._numba_setup import load_lightly, prepare

__all__ = [
    "EV_ARRIVE",
    "EV_CAP",
    "EV_END",
    "EV_FREE",
    "EV_SAIL",
    "INF_SERVERS",
    "KIND_FERRY",
    "KIND_SECTION",
    "KIND_SERVER",
    "POLICY_FULL",
    "POLICY_SCHEDULE",
    "REF_BITS",
    "border_visits",
    "fifo_multiserver",
    "run_events",
    "sorted_within_groups",
    "station_sums",
    "window_waits",
]

# Before the first @njit: the cache folder is chosen when a kernel is decorated. The kernels
# work on arrays and scalars (np.sort included): they load from the cache without numba's CPU
# target (load_lightly at the end of the module; silkrail._numba_setup says why).
prepare(numba_config, numba_event, __file__, load_target=False)

KIND_SERVER = 0
KIND_SECTION = 1
KIND_FERRY = 2

POLICY_SCHEDULE = 0
POLICY_FULL = 1

EV_ARRIVE = 0
EV_END = 1
EV_FREE = 2
EV_SAIL = 3
EV_CAP = 4

#: Server count that stands for "unlimited" (a pure delay).
INF_SERVERS = 1 << 40

_EPS = 1e-9


#: Bits of an event key below the sequence number: the reference (record, station or
#: segment) above the 3 bits of the event kind. The sequence number is the signed high part,
#: so keys order as sequence numbers do, and one integer array replaces three in the heap.
REF_BITS = 28
_KEY_SHIFT = REF_BITS + 3
_REF_MASK = (1 << REF_BITS) - 1


@njit(cache=True, inline="always")
def _key(seq: int, kind: int, ref: int) -> int:
    return (seq << _KEY_SHIFT) | (ref << 3) | kind


@njit(cache=True, inline="always")
def _less(t1: float, k1: int, t2: float, k2: int) -> bool:
    return t1 < t2 or (t1 == t2 and k1 < k2)


@njit(cache=True, nogil=True)
def run_events(
    st_kind: np.ndarray,
    st_base: np.ndarray,
    st_per_feu: np.ndarray,
    st_run: np.ndarray,
    st_cap_feu: np.ndarray,
    st_policy: np.ndarray,
    st_interval: np.ndarray,
    st_phase: np.ndarray,
    st_max_wait: np.ndarray,
    seg_ptr: np.ndarray,
    seg_time: np.ndarray,
    seg_servers: np.ndarray,
    seg_scale: np.ndarray,
    cross_ptr: np.ndarray,
    cross_mult: np.ndarray,
    tr_release: np.ndarray,
    tr_feu: np.ndarray,
    tr_rec_ptr: np.ndarray,
    tr_order: np.ndarray,
    rec_station: np.ndarray,
    rec_train: np.ndarray,
    rec_mult: np.ndarray,
    t_cap: float,
    heap_size: int,
    rec_t: np.ndarray,
    tr_finish: np.ndarray,
    sail_ptr: np.ndarray,
    sail_time: np.ndarray,
    sail_feu: np.ndarray,
    sail_cross: np.ndarray,
    sail_count: np.ndarray,
    lo: float,
    hi: float,
    st_max_queue: np.ndarray,
    tr_move: np.ndarray,
) -> int:
    """Run trains through a network of stations; return the number of events handled.

    Station ``s`` is a FIFO multi-server queue (``KIND_SERVER``: a train holds a server for its
    service time ``(st_base + st_per_feu * feu) * scale * mult``), a section (``KIND_SECTION``:
    a train holds the entry slot for the headway ``st_base * scale`` and runs for
    ``st_run * mult``) or a ferry (``KIND_FERRY``: FEU queue FIFO and sail in batches of at
    most ``st_cap_feu * scale`` FEU, on schedule every ``st_interval`` hours from
    ``st_phase``, or, with ``POLICY_FULL``, when full or ``st_max_wait`` hours after the first
    FEU boarded, at least ``st_interval`` hours after the previous sailing; a train leaves
    the ferry when its last FEU lands, ``st_run * crossing multiplier`` after sailing).

    Capacity is piecewise constant in time: segment ``k`` of station ``s``
    (``seg_ptr[s] <= k < seg_ptr[s+1]``) starts at ``seg_time[k]`` and sets the server count
    (0 = closed; a ferry is open when it is positive) and ``scale``. Train ``i`` is released
    into its first record at ``tr_release[i]``; its records (stages) are
    ``tr_rec_ptr[i]:tr_rec_ptr[i+1]``. Outputs per record: arrival, service start (sailing
    of the vessel carrying the train's last FEU), departure and server-release times; per
    train the finish time; per ferry the sailing log. Unreached entries keep their initial
    value (the caller sets ``NaN``). The loop stops when every train has finished, when no
    event is left, or at the first event after ``t_cap``. Returns -1 if the heap would
    outgrow ``heap_size`` (the caller sizes it from a proven bound).

    Two statistics are accumulated on the way, in place of passes over the records: per
    station the largest number of trains waiting at any moment of ``[lo, hi)``
    (``st_max_queue``, zeroed by the caller; the queue after every change at one instant), and
    per train the hours spent moving, ``depart - start`` of its section and ferry records in
    record order (``tr_move``, zeroed by the caller).

    Events an event schedules are staged and pushed when it is done, by one inlined sift-up
    (and the pop is inlined too): a numba helper taking the heap arrays costs an atomic
    reference count increment and decrement per array and call, about 15 % of the loop.
    Pushing in the same order with the same keys keeps the order of events unchanged.
    """
    n_st = st_kind.shape[0]
    n_tr = tr_release.shape[0]
    n_rec = rec_station.shape[0]
    n_seg = seg_time.shape[0]

    ht = np.empty(heap_size, dtype=np.float64)
    hkey = np.empty(heap_size, dtype=np.int64)
    hn = 0
    seq = 0
    # Staged events: an event starts or lands each train at most once, two events a train,
    # plus one SAIL or ARRIVE of its own; the set-up stages the capacity changes and sailings.
    new_t = np.empty(2 * n_tr + n_seg + n_st + 4, dtype=np.float64)
    new_key = np.empty(new_t.shape[0], dtype=np.int64)
    n_new = 0
    # Queue length per station and the instant of its last change (for st_max_queue).
    q_len = np.zeros(n_st, dtype=np.int64)
    q_since = np.full(n_st, -np.inf, dtype=np.float64)

    busy = np.zeros(n_st, dtype=np.int64)
    cur_servers = np.zeros(n_st, dtype=np.int64)
    cur_scale = np.ones(n_st, dtype=np.float64)
    q_head = np.full(n_st, -1, dtype=np.int64)
    q_tail = np.full(n_st, -1, dtype=np.int64)
    q_next = np.full(n_rec, -1, dtype=np.int64)
    q_feu = np.zeros(n_st, dtype=np.float64)
    first_time = np.full(n_st, np.inf, dtype=np.float64)
    last_dep = np.full(n_st, -np.inf, dtype=np.float64)
    timer_at = np.full(n_st, np.inf, dtype=np.float64)
    feu_left = np.zeros(n_tr, dtype=np.float64)

    for s in range(n_st):
        k0 = seg_ptr[s]
        cur_servers[s] = seg_servers[k0]
        cur_scale[s] = seg_scale[k0]
        for k in range(k0 + 1, seg_ptr[s + 1]):
            # Negative sequence numbers: a capacity change applies before anything else that
            # happens at the same time, so a closure over [a, b) refuses a train arriving at a.
            new_t[n_new] = seg_time[k]
            new_key[n_new] = _key(k - n_seg, EV_CAP, k)
            n_new += 1
        if st_kind[s] == KIND_FERRY and st_policy[s] == POLICY_SCHEDULE:
            new_t[n_new] = st_phase[s]
            new_key[n_new] = _key(seq, EV_SAIL, s)
            n_new += 1
            seq += 1

    # Station of each segment, so a CAP event knows where it applies.
    seg_station = np.empty(seg_time.shape[0], dtype=np.int64)
    for s in range(n_st):
        for k in range(seg_ptr[s], seg_ptr[s + 1]):
            seg_station[k] = s

    next_rel = 0
    done = 0
    events = 0
    while done < n_tr:
        # -- push what the last event scheduled ------------------------------------------
        for j in range(n_new):
            tj = new_t[j]
            kj = new_key[j]
            if hn >= heap_size:
                return -1
            i = hn
            while i > 0:
                p = (i - 1) >> 1
                if _less(ht[p], hkey[p], tj, kj):
                    break
                ht[i] = ht[p]
                hkey[i] = hkey[p]
                i = p
            ht[i] = tj
            hkey[i] = kj
            hn += 1
        n_new = 0
        # -- next event: a release (merged from the sorted array) or the top of the heap ----
        is_release = False
        i_rel = -1
        if next_rel < n_tr:
            i_rel = tr_order[next_rel]
            t_rel = tr_release[i_rel]
            if hn == 0 or t_rel < ht[0] or (t_rel == ht[0] and hkey[0] >= 0):
                is_release = True
        if is_release:
            t = tr_release[i_rel]
            if t > t_cap:
                break
            kind = EV_ARRIVE
            ref = tr_rec_ptr[i_rel]
            train = i_rel
            next_rel += 1
        else:
            if hn == 0:
                break
            t = ht[0]
            kind = hkey[0] & 7
            ref = (hkey[0] >> 3) & _REF_MASK
            # Pop: move the last entry down from the root.
            hn -= 1
            tl = ht[hn]
            kl = hkey[hn]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= hn:
                    break
                if c + 1 < hn and _less(ht[c + 1], hkey[c + 1], ht[c], hkey[c]):
                    c += 1
                if _less(ht[c], hkey[c], tl, kl):
                    ht[i] = ht[c]
                    hkey[i] = hkey[c]
                    i = c
                else:
                    break
            if hn > 0:
                ht[i] = tl
                hkey[i] = kl
            if t > t_cap:
                break
            train = -1
        events += 1

        s = -1
        do_pump = False
        do_ferry = False
        force_sail = False

        if kind == EV_ARRIVE:
            # A release carries the train's first record; a heap arrival carries the record
            # the train just finished, so its owner is unambiguous even past its last record.
            if train < 0:
                train = rec_train[ref]
                r = ref + 1
            else:
                r = ref
            if r == tr_rec_ptr[train + 1]:
                tr_finish[train] = t
                done += 1
                continue
            s = rec_station[r]
            rec_t[r, 0] = t
            if q_tail[s] < 0:
                q_head[s] = r
            else:
                q_next[q_tail[s]] = r
            q_tail[s] = r
            if st_kind[s] == KIND_FERRY:
                if q_feu[s] <= _EPS:
                    first_time[s] = t
                feu_left[train] = tr_feu[train]
                q_feu[s] += tr_feu[train]
                do_ferry = st_policy[s] == POLICY_FULL
            else:
                do_pump = True
        elif kind == EV_END:
            r = ref
            s = rec_station[r]
            busy[s] -= 1
            do_pump = True
            new_t[n_new] = t
            new_key[n_new] = _key(seq, EV_ARRIVE, r)
            n_new += 1
            seq += 1
        elif kind == EV_FREE:
            s = ref
            busy[s] -= 1
            do_pump = True
        elif kind == EV_SAIL:
            s = ref
            if st_policy[s] == POLICY_SCHEDULE:
                force_sail = cur_servers[s] > 0
                do_ferry = force_sail
                new_t[n_new] = t + st_interval[s]
                new_key[n_new] = _key(seq, EV_SAIL, s)
                n_new += 1
                seq += 1
            else:
                if t == timer_at[s]:
                    timer_at[s] = np.inf
                do_ferry = True
        else:  # EV_CAP
            k = ref
            s = seg_station[k]
            cur_servers[s] = seg_servers[k]
            cur_scale[s] = seg_scale[k]
            if st_kind[s] == KIND_FERRY:
                do_ferry = st_policy[s] == POLICY_FULL
            else:
                do_pump = True

        # -- queue length: the level held since its last change counts if in [lo, hi) ------
        if t > q_since[s]:
            if q_since[s] < hi and t > lo and q_len[s] > st_max_queue[s]:
                st_max_queue[s] = q_len[s]
            q_since[s] = t
        if kind == EV_ARRIVE:
            q_len[s] += 1

        # -- start queued trains at a server or section --------------------------------------
        if do_pump:
            while q_head[s] >= 0 and busy[s] < cur_servers[s]:
                r = q_head[s]
                q_head[s] = q_next[r]
                if q_head[s] < 0:
                    q_tail[s] = -1
                q_len[s] -= 1
                busy[s] += 1
                i = rec_train[r]
                rec_t[r, 1] = t
                if st_kind[s] == KIND_SERVER:
                    dur = (st_base[s] + st_per_feu[s] * tr_feu[i]) * cur_scale[s] * rec_mult[r]
                    rec_t[r, 3] = t + dur
                    rec_t[r, 2] = t + dur
                    new_t[n_new] = t + dur
                    new_key[n_new] = _key(seq, EV_END, r)
                    n_new += 1
                    seq += 1
                else:
                    occ = st_base[s] * cur_scale[s]
                    run = st_run[s] * rec_mult[r]
                    rec_t[r, 3] = t + occ
                    rec_t[r, 2] = t + run
                    tr_move[i] += rec_t[r, 2] - rec_t[r, 1]
                    new_t[n_new] = t + occ
                    new_key[n_new] = _key(seq, EV_FREE, s)
                    n_new += 1
                    seq += 1
                    new_t[n_new] = t + run
                    new_key[n_new] = _key(seq, EV_ARRIVE, r)
                    n_new += 1
                    seq += 1

        # -- load and sail a ferry --------------------------------------------------------------
        if do_ferry:
            while True:
                cap = st_cap_feu[s] * cur_scale[s]
                if not force_sail:
                    if cur_servers[s] <= 0 or q_feu[s] <= _EPS:
                        break
                    earliest = last_dep[s] + st_interval[s]
                    if q_feu[s] >= cap - _EPS:
                        when = earliest
                    else:
                        when = max(first_time[s] + st_max_wait[s], earliest)
                    if when > t:
                        if when < timer_at[s] and when < np.inf:
                            timer_at[s] = when
                            new_t[n_new] = when
                            new_key[n_new] = _key(seq, EV_SAIL, s)
                            n_new += 1
                            seq += 1
                        break
                # Sail now with up to `cap` FEU from the head of the queue.
                c = sail_count[s]
                pool = cross_ptr[s + 1] - cross_ptr[s]
                cross = st_run[s] * cross_mult[cross_ptr[s] + c % pool]
                land = t + cross
                load = 0.0
                while q_head[s] >= 0 and load < cap - _EPS:
                    r = q_head[s]
                    i = rec_train[r]
                    take = min(cap - load, feu_left[i])
                    feu_left[i] -= take
                    load += take
                    q_feu[s] -= take
                    if feu_left[i] <= _EPS:
                        q_head[s] = q_next[r]
                        if q_head[s] < 0:
                            q_tail[s] = -1
                        q_len[s] -= 1
                        rec_t[r, 1] = t
                        rec_t[r, 3] = t
                        rec_t[r, 2] = land
                        tr_move[i] += rec_t[r, 2] - rec_t[r, 1]
                        new_t[n_new] = land
                        new_key[n_new] = _key(seq, EV_ARRIVE, r)
                        n_new += 1
                        seq += 1
                    else:
                        break
                if q_head[s] < 0:
                    q_feu[s] = 0.0
                idx = sail_ptr[s] + c
                if idx < sail_ptr[s + 1]:
                    sail_time[idx] = t
                    sail_feu[idx] = load
                    sail_cross[idx] = cross
                sail_count[s] = c + 1
                last_dep[s] = t
                first_time[s] = t if q_feu[s] > _EPS else np.inf
                if force_sail:
                    break
    for s in range(n_st):
        if q_since[s] < hi and q_len[s] > st_max_queue[s]:
            st_max_queue[s] = q_len[s]
    return events


@njit(cache=True)
def fifo_multiserver(
    arrival: np.ndarray, service: np.ndarray, servers: int, start: np.ndarray
) -> None:
    """Service start times of a FIFO queue with ``servers`` identical servers.

    ``arrival`` must be sorted. Customer ``j`` starts at the later of its arrival and the
    earliest time a server is free (a min-heap of ``servers`` free times), the classic
    departure recursion of the G/G/c queue. Writes ``start``.
    """
    free = np.zeros(servers, dtype=np.float64)
    for j in range(arrival.shape[0]):
        s = max(arrival[j], free[0])
        start[j] = s
        # Replace the heap top by the new free time and sift down.
        v = s + service[j]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= servers:
                break
            if c + 1 < servers and free[c + 1] < free[c]:
                c += 1
            if free[c] < v:
                free[i] = free[c]
                i = c
            else:
                break
        free[i] = v


@njit(cache=True, nogil=True)
def sorted_within_groups(
    values: np.ndarray, group: np.ndarray, count: np.ndarray, out: np.ndarray
) -> None:
    """Write ``values[np.lexsort((values, group))]`` into `out`, zeros as ``+0.0``.

    ``count[g]`` is the size of group ``g``. Only the non-zero values are sorted (most trains
    wait zero hours at most stations); a group's zeros go between its negative and positive
    values. `values` must hold no NaN.
    """
    n_g = count.shape[0]
    nz_count = np.zeros(n_g, dtype=np.int64)
    for j in range(values.shape[0]):
        if values[j] != 0.0:
            nz_count[group[j]] += 1
    nz_start = np.zeros(n_g, dtype=np.int64)
    for g in range(1, n_g):
        nz_start[g] = nz_start[g - 1] + nz_count[g - 1]
    nz = np.empty(nz_count.sum(), dtype=np.float64)
    pos = nz_start.copy()
    for j in range(values.shape[0]):
        if values[j] != 0.0:
            g = group[j]
            nz[pos[g]] = values[j]
            pos[g] += 1
    o = 0
    for g in range(n_g):
        a = nz_start[g]
        b = a + nz_count[g]
        part = np.sort(nz[a:b])
        k = 0
        while k < part.shape[0] and part[k] < 0.0:
            out[o] = part[k]
            o += 1
            k += 1
        for _ in range(count[g] - nz_count[g]):
            out[o] = 0.0
            o += 1
        while k < part.shape[0]:
            out[o] = part[k]
            o += 1
            k += 1


@njit(cache=True, inline="always")
def _overlap(a: float, b: float, lo: float, hi: float) -> float:
    """``np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)``, NaN in, NaN out."""
    end = hi if b > hi else b
    begin = lo if a < lo else a
    d = end - begin
    return 0.0 if d < 0.0 else d


@njit(cache=True, nogil=True)
def station_sums(
    rec_station: np.ndarray,
    arrive: np.ndarray,
    start: np.ndarray,
    depart: np.ndarray,
    free: np.ndarray,
    lo: float,
    hi: float,
    wait_over: float,
    out: np.ndarray,
) -> None:
    """Per-station counts and sums of the records, in one pass, for the window ``[lo, hi)``.

    Columns of ``out`` (``n_st x 8``, zeroed by the caller): arrivals in the window, departures
    in it, of the arrivals those that started and those that waited over `wait_over` hours,
    arrivals with a departure and their summed time at the station, the waiting hours inside
    the window (from arrival to start, or on to the end when never started) and the busy
    hours inside it (start to server release). Sums add in record order, as ``np.bincount``
    with weights does, so the results are the same bits.
    """
    for r in range(rec_station.shape[0]):
        s = rec_station[r]
        t_a = arrive[r]
        t_s = start[r]
        arrived = t_a >= lo and t_a < hi
        if arrived:
            out[s, 0] += 1.0
            if not np.isnan(t_s):
                out[s, 2] += 1.0
                if t_s - t_a > wait_over:
                    out[s, 3] += 1.0
            soj = depart[r] - t_a
            if not np.isnan(soj):
                out[s, 4] += 1.0
                out[s, 5] += soj
        if depart[r] >= lo and depart[r] < hi:
            out[s, 1] += 1.0
        if not np.isnan(t_a):
            out[s, 6] += _overlap(t_a, np.inf if np.isnan(t_s) else t_s, lo, hi)
        if not np.isnan(t_s):
            out[s, 7] += _overlap(t_s, free[r], lo, hi)


@njit(cache=True, nogil=True)
def window_waits(
    rec_station: np.ndarray,
    arrive: np.ndarray,
    start: np.ndarray,
    lo: float,
    hi: float,
    count: np.ndarray,
    out: np.ndarray,
) -> None:
    """Write the waits (``start - arrive``) of records that arrived in ``[lo, hi)`` and started.

    Grouped by station and sorted within each station, as :func:`sorted_within_groups` of
    those waits gives them; ``count[s]`` (zeroed by the caller) receives the group sizes and
    ``out`` (at least as long as the records) the waits. One pass picks the records, without
    the masks and copies the selection took in numpy.
    """
    for r in range(rec_station.shape[0]):
        t_a = arrive[r]
        if t_a >= lo and t_a < hi and not np.isnan(start[r]):
            count[rec_station[r]] += 1
    n = count.sum()
    values = np.empty(n, dtype=np.float64)
    group = np.empty(n, dtype=np.int64)
    j = 0
    for r in range(rec_station.shape[0]):
        t_a = arrive[r]
        if t_a >= lo and t_a < hi and not np.isnan(start[r]):
            values[j] = start[r] - t_a
            group[j] = rec_station[r]
            j += 1
    sorted_within_groups(values, group, count, out)


@njit(cache=True, nogil=True)
def border_visits(
    rec_ptr: np.ndarray,
    rec_station: np.ndarray,
    arrive: np.ndarray,
    depart: np.ndarray,
    release: np.ndarray,
    lo: float,
    hi: float,
    st_node: np.ndarray,
    st_fee: np.ndarray,
    count: np.ndarray,
    hours: np.ndarray,
    fee: np.ndarray,
    hours_sorted: np.ndarray,
) -> None:
    """Sum the hours and fees of border crossings by the trains released in ``[lo, hi)``.

    A crossing is a train's records at the stations of one node (``st_node[s]``, -1 for none)
    that it left. Per node ``b``, ``count[b]`` (zeroed by the caller) receives the crossings;
    ``hours`` and ``fee`` (at least as long as the records) the summed ``depart - arrive`` and
    station fees of each crossing, grouped by node in train order, each sum in record order
    (as ``np.unique`` of ``train * n_nodes + node`` and ``np.bincount`` gave them);
    ``hours_sorted`` the same hours sorted within each node.
    """
    n_b = count.shape[0]
    seen = np.full(n_b, -1, dtype=np.int64)
    for i in range(release.shape[0]):
        if not (release[i] >= lo and release[i] < hi):
            continue
        for r in range(rec_ptr[i], rec_ptr[i + 1]):
            b = st_node[rec_station[r]]
            if b >= 0 and not np.isnan(depart[r]) and seen[b] != i:
                seen[b] = i
                count[b] += 1
    start = np.zeros(n_b, dtype=np.int64)
    for b in range(1, n_b):
        start[b] = start[b - 1] + count[b - 1]
    fill = start.copy()
    slot = np.zeros(n_b, dtype=np.int64)
    seen[:] = -1
    for i in range(release.shape[0]):
        if not (release[i] >= lo and release[i] < hi):
            continue
        for r in range(rec_ptr[i], rec_ptr[i + 1]):
            b = st_node[rec_station[r]]
            if b < 0 or np.isnan(depart[r]):
                continue
            if seen[b] != i:
                seen[b] = i
                slot[b] = fill[b]
                fill[b] += 1
                hours[slot[b]] = 0.0
                fee[slot[b]] = 0.0
            hours[slot[b]] += depart[r] - arrive[r]
            fee[slot[b]] += st_fee[rec_station[r]]
    for b in range(n_b):
        a = start[b]
        hours_sorted[a : a + count[b]] = np.sort(hours[a : a + count[b]])


# Every kernel above works on arrays and scalars: a warm process loads them without numba's
# CPU target (0.2-0.3 s of start-up; silkrail._numba_setup says why).
load_lightly(v for v in list(globals().values()) if hasattr(v, "py_func"))
