"""Simulation jobs: validated when submitted, queued, and run one process each.

A job runs :func:`silkrail.replicate` (``scheduler="serial"``) in a child process,
``python -m silkrail.service._simworker``. A process rather than a thread, because the
engine's kernel holds the GIL while it runs (a replication of the default demand takes
0.1-0.3 s), which would stall the event loop; and because a process can be stopped at its time
limit, given a memory limit, and can fail (out of memory, a crash) without taking the server
with it. A plain subprocess rather than ``multiprocessing``, whose ``spawn`` re-imports the
server's main script in the child. The child reports progress and then its result, already
in the ``silkrail simulate --json`` layout, over a pipe; a thread of the server per running
job reads it.

Bounds: at most ``sim_max_running`` jobs run and ``sim_max_queued`` wait (more get 429); the
last ``sim_keep_jobs`` finished jobs are kept; each job has a wall-clock and a memory limit.

With a job folder (``sim_jobs_dir``), every change of a job is also written there as
``<id>.json``, atomically and durably (written beside, flushed to disk, renamed): a server
process that does not hold the job in memory (another worker of ``silkrail serve --workers N``,
or the same service after a restart) answers from the file.

Lifecycle across processes: the process that owns a queued or running job touches its file
every :data:`HEARTBEAT_S` seconds (the file's modification time is the heartbeat). A queued or
running file whose heartbeat is older than :data:`STALE_S` belongs to a process that stopped
(killed, crashed, restarted): whoever reads it first, or the next service to start, rewrites it
as ``failed`` ("the service stopped") with ``finished_at`` set, so that the state on disk is
final. Jobs are not resumed: a client submits a failed job again. Temporary files that a kill
during a write left behind are removed when the service starts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

import silkrail
from silkrail._atomic import atomic_file
from silkrail.service._errors import ApiError

if TYPE_CHECKING:
    from pathlib import Path

    from silkrail import CorridorNetwork, Scenario, ScenarioSpec, SimulationModel
    from silkrail.service._state import NetworkState
    from silkrail.service.schemas import Settings, SimulationRequest

__all__ = [
    "HEARTBEAT_S",
    "STALE_S",
    "FlowJobSpec",
    "JobLimits",
    "JobManager",
    "JobSpec",
    "prepare_job",
    "unknown_job",
]

logger = logging.getLogger("silkrail.service")

#: ``source`` given to the scenario reader: its messages then start with ``  - scenario: ``.
_SOURCE = "scenario"
#: What a simulation job over the time limit is told.
_FEWER = "; simulate fewer days or replications"
#: The module a job's process runs.
_WORKER = "silkrail.service._simworker"
#: CPU seconds a job's process gets beyond the time limit, before the kernel ends it.
_CPU_GRACE_S = 30
#: How often a job's thread checks its time limit and the server's shutdown, in seconds.
_POLL_S = 0.25
#: Longest job id looked up or echoed in a message (ids are 32 hex digits).
MAX_JOB_ID = 64
#: Job ids are uuid4 hex strings; only such names are looked up in the job folder.
_JOB_ID = re.compile(r"[0-9a-f]{32}")
#: The message of a job whose process stopped before it finished.
_STOPPED = "the service stopped"
#: Seconds between two heartbeats (touches of a queued or running job's file).
HEARTBEAT_S = 5.0
#: A queued or running job whose file has had no heartbeat for this long has no live owner.
STALE_S = 30.0


# ------------------------------------------------------------------ validation


@dataclass(frozen=True)
class JobSpec:
    """Everything a job's process needs: the model, the scenario and the options."""

    model: SimulationModel
    scenario: Scenario | None
    label: str
    days: float
    replications: int
    seed: int
    warmup_days: float
    top: int
    baseline: bool
    reassign: bool = False
    # The network (names, the report's map; the equilibrium with `reassign`), and for
    # `reassign` the scenario's flows section and corridor_model options.
    net: CorridorNetwork | None = None
    flows_options: dict[str, Any] = field(default_factory=dict)
    corridor_options: dict[str, Any] = field(default_factory=dict)
    # For the study report: the scenario as posted (JSON text).
    scenario_text: str | None = None

    @property
    def total(self) -> int:
        """Replications to run, the baseline's included."""
        return self.replications * (2 if self.baseline else 1)

    def run_info(self) -> dict[str, Any]:
        """Return the options as run (a :class:`~silkrail.service.schemas.SimulationRun`)."""
        return {
            "days": self.days,
            "replications": self.replications,
            "seed": self.seed,
            "warmup_days": self.warmup_days,
            "baseline": self.baseline,
            "top": self.top,
            "reassign": self.reassign,
            "scenario": self.label,
        }


@dataclass(frozen=True)
class FlowJobSpec:
    """A corridor-flows job: the base year and, with a scenario, the scenario.

    Run by the same queue and worker process as the simulations
    (:func:`silkrail.studies.flow_study.run_flow_study`; the result is the JSON of
    ``silkrail flows --json``).
    """

    net: CorridorNetwork
    scenario: ScenarioSpec | None
    label: str

    #: One study (the baseline and the scenario are solved together).
    total = 1

    def run_info(self) -> dict[str, Any]:
        """Return the options as run."""
        return {"scenario": self.label}


def _scenario_errors(exc: silkrail.ScenarioError) -> list[dict[str, str]]:
    """List a ``ScenarioError``'s problems as ``{"field", "message"}`` items."""
    errors = []
    for p in exc.problems:
        value = f"value {p.value}: " if p.value != "" else ""
        item = {
            "field": f"scenario.{p.column}" if p.column else "scenario",
            "message": f"{value}{p.rule}",
        }
        if item not in errors:  # a service and its return trip report the same problem
            errors.append(item)
    return errors or [{"field": "scenario", "message": str(exc)}]


def _invalid_scenario(exc: silkrail.ScenarioError) -> ApiError:
    errors = _scenario_errors(exc)
    said = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    if len(errors) > 5:
        said += f"; and {len(errors) - 5} more"
    return ApiError(
        422,
        "invalid_scenario",
        f"invalid scenario: {said}",
        field=errors[0]["field"],
        extra={"errors": errors},
    )


def _non_finite(value: object, where: str) -> str | None:
    """Return the path of the first NaN or infinite number in `value`, or None."""
    # Iterative: a request may nest as deep as the JSON parser allows.
    stack: list[tuple[str, object]] = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return path
        if isinstance(item, dict):
            stack.extend((f"{path}.{k}", v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(item))))
    return None


def _expected_trains(model: SimulationModel, scenario: Scenario | None, days: float) -> float:
    """Trains one replication releases on average (the engine's release rates)."""
    per_week = 0.0
    for sv in model.services:
        g = scenario.growth_of(sv.label) if scenario is not None else 0.0
        per_week += sv.trains_per_week * (1.0 + g) + len(sv.departures) * (1.0 + max(g, 0.0))
    return per_week * days / 7.0


def prepare_job(state: NetworkState, req: SimulationRequest, settings: Settings) -> JobSpec:
    """Check a request against the limits, read its scenario and build the model.

    CPU work (the planner routes a scenario's services): call it off the event loop.

    Parameters
    ----------
    state
        The served network.
    req
        The request.
    settings
        The limits.

    Returns
    -------
    JobSpec
        What the job runs.

    Raises
    ------
    ApiError
        422 ``validation_error`` for a value over a limit, ``invalid_scenario`` for a scenario
        that breaks a rule (every problem in ``errors``) or does not fit the network,
        ``job_too_large`` for a job whose estimated work is over the budget.
    """
    if req.days > settings.sim_max_days:
        msg = f"days: {req.days:g} is over this service's limit of {settings.sim_max_days:g}"
        raise ApiError(422, "validation_error", msg, field="days")
    if req.replications > settings.sim_max_replications:
        msg = (
            f"replications: {req.replications} is over this service's limit of "
            f"{settings.sim_max_replications}"
        )
        raise ApiError(422, "validation_error", msg, field="replications")
    if req.warmup_days >= req.days:
        msg = f"warmup_days: {req.warmup_days:g} must be less than days ({req.days:g})"
        raise ApiError(422, "validation_error", msg, field="warmup_days")
    spec = None
    if req.scenario is not None:
        bad = _non_finite(req.scenario, "scenario")
        if bad is not None:
            msg = f"{bad}: numbers must be finite (no NaN or Infinity)"
            raise ApiError(422, "invalid_scenario", msg, field=bad)
        services = req.scenario.get("services")
        if isinstance(services, list) and len(services) > settings.sim_max_services:
            msg = (
                f"scenario.services: {len(services)} services is over this service's limit "
                f"of {settings.sim_max_services}"
            )
            raise ApiError(422, "invalid_scenario", msg, field="scenario.services")
        try:
            spec = silkrail.scenario_from_dict(req.scenario, source=_SOURCE)
        except silkrail.ScenarioError as exc:
            raise _invalid_scenario(exc) from exc
    try:
        if spec is None:
            model = state.default_simulation_model()
        elif spec.services is None and not spec.corridor_options:
            model = state.default_simulation_model()
            spec.check_targets(model)
        else:
            model = spec.build_model(state.net)
    except silkrail.ScenarioError as exc:
        raise _invalid_scenario(exc) from exc
    except (silkrail.SilkrailError, KeyError, ValueError) as exc:
        msg = f"scenario: the model cannot be built: {exc}"
        raise ApiError(422, "invalid_scenario", msg, field="scenario") from exc
    scenario = spec.scenario if spec is not None else None
    trains = _expected_trains(model, scenario, req.days)
    if req.reassign:
        growth = scenario.demand_growth if scenario is not None else 0.0
        trains = max(trains, silkrail.rerouted_trains_bound(days=req.days, demand_growth=growth))
    if trains < 1:
        where = "days" if scenario is None else "scenario"
        msg = (
            f"{where}: {req.days:g} days of these services release about {trains:.2g} trains per "
            "replication; simulate more days or more demand (at least one train on average)"
        )
        raise ApiError(422, "validation_error", msg, field=where)
    if trains > settings.sim_max_trains:
        # The demand is the scenario's when it has one (services, growth), else the days'.
        where = "days" if scenario is None else "scenario"
        msg = (
            f"{where}: {req.days:g} days of these services release about {trains:,.0f} trains "
            f"per replication, over this service's limit of {settings.sim_max_trains:,}; "
            "simulate fewer days or less demand"
        )
        raise ApiError(422, "validation_error", msg, field=where)
    runs = req.replications * (2 if scenario is not None and req.baseline is not False else 1)
    if trains * runs > settings.sim_max_work:
        msg = (
            f"this job would simulate about {trains * runs:,.0f} trains ({trains:,.0f} a "
            f"replication × {runs} replications, the baseline included), "
            f"over this service's budget of {settings.sim_max_work:,} "
            "(SILKRAIL_SIM_MAX_WORK); ask for fewer days or replications, or "
            "less demand"
        )
        raise ApiError(
            422, "job_too_large", msg, field="replications", extra={"limit": settings.sim_max_work}
        )
    seed = req.seed
    if seed is None:
        # One root seed for the scenario and its baseline (common random numbers), reported;
        # below 2**53, so that a JavaScript client reads it back exactly.
        seed = int(np.random.default_rng().integers(2**53))
    return JobSpec(
        model=model,
        scenario=scenario,
        label=scenario.name if scenario is not None else "base",
        days=float(req.days),
        replications=req.replications,
        seed=seed,
        warmup_days=float(req.warmup_days),
        top=req.top,
        baseline=scenario is not None and req.baseline is not False,
        reassign=req.reassign,
        net=state.net,
        flows_options=dict(spec.flows) if spec is not None else {},
        corridor_options=dict(spec.corridor_options) if spec is not None else {},
        scenario_text=(
            json.dumps(req.scenario, indent=2, ensure_ascii=False)
            if req.scenario is not None
            else None
        ),
    )


def unknown_job(what: str, job_id: str, why: str) -> ApiError:
    """Return the 404 for a job id no queue knows: ``no <what> job '<id>': <why>``.

    An id longer than :data:`MAX_JOB_ID` is cut in the message.
    """
    shown = job_id if len(job_id) <= MAX_JOB_ID else job_id[:MAX_JOB_ID] + "..."
    return ApiError(404, "not_found", f"no {what} job {shown!r}: {why}", field="job_id")


# ------------------------------------------------------------------ the queue


@dataclass(frozen=True)
class JobLimits:
    """The bounds of the job queue (from :class:`~silkrail.service.schemas.Settings`)."""

    max_running: int
    max_queued: int
    keep: int
    timeout_s: float
    memory_mb: int

    @classmethod
    def of(cls, settings: Settings) -> JobLimits:
        """Return the limits set in `settings`."""
        return cls(
            max_running=settings.sim_max_running,
            max_queued=settings.sim_max_queued,
            keep=settings.sim_keep_jobs,
            timeout_s=settings.sim_timeout_s,
            memory_mb=settings.sim_memory_mb,
        )


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class _Job:
    id: str
    spec: JobSpec | FlowJobSpec | None
    run: dict[str, Any]
    total: int
    limits: JobLimits
    status: str = "queued"
    created_at: datetime = field(default_factory=_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    done: int = 0
    error: str | None = None
    result: dict[str, Any] | None = None
    report: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "progress": {
                "done": self.done,
                "total": self.total,
                "fraction": self.done / self.total if self.total else 0.0,
            },
            "run": self.run,
            "error": self.error,
            "result": self.result,
        }


class JobManager:
    """The jobs of one kind of one app: a bounded queue and the jobs' processes.

    An app has two: its simulations and its corridor-flows studies.

    Thread-safe; its methods return quickly (the jobs run in their own processes, each
    watched by a daemon thread).
    """

    def __init__(
        self, *, store: Path | None = None, keep: int | None = None, kind: str = "simulation"
    ) -> None:
        self.kind = kind
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._queue: deque[_Job] = deque()
        self._running = 0
        self._max_running = 1
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._store = store
        self._beat: threading.Thread | None = None
        if store is not None:
            store.mkdir(parents=True, exist_ok=True)
            self._recover()
            if keep is not None:
                self._trim_store(keep)

    def _busy(self, limits: JobLimits) -> ApiError | None:
        if self._running + len(self._queue) < limits.max_running + limits.max_queued:
            return None
        msg = (
            f"too many {self.kind} jobs: {self._running} running and {len(self._queue)} queued "
            f"(limits {limits.max_running} and {limits.max_queued}); retry when one finishes"
        )
        return ApiError(429, "too_many_jobs", msg, headers={"Retry-After": "10"})

    def check_capacity(self, limits: JobLimits) -> None:
        """Raise the 429 that :meth:`submit` would, before the request's work is done.

        Parameters
        ----------
        limits
            The current limits.

        Raises
        ------
        ApiError
            429 ``too_many_jobs`` if the queue is full.
        """
        with self._lock:
            error = self._busy(limits)
        if error is not None:
            raise error

    def submit(self, spec: JobSpec | FlowJobSpec, limits: JobLimits) -> dict[str, Any]:
        """Queue a job, starting it at once if a slot is free.

        Parameters
        ----------
        spec
            The job.
        limits
            The current limits.

        Returns
        -------
        dict
            The job's view (a :class:`~silkrail.service.schemas.SimulationJob`).

        Raises
        ------
        ApiError
            429 ``too_many_jobs`` if the queue is full.
        """
        job = _Job(
            id=uuid.uuid4().hex,
            spec=spec,
            run=spec.run_info(),
            total=spec.total,
            limits=limits,
        )
        with self._lock:
            error = self._busy(limits)
            if error is not None:
                raise error
            self._max_running = limits.max_running
            self._jobs[job.id] = job
            self._queue.append(job)
            self._save(job)
            self._start_ready()
            self._prune(limits.keep)
            self._start_heartbeat()
            return job.view()

    def get(self, job_id: str) -> dict[str, Any] | None:
        """Return the view of a job, or None if it is unknown or was forgotten.

        A job this process does not hold is read from the job folder, if there is one.
        """
        if len(job_id) > MAX_JOB_ID:
            return None
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.view()
        return self._load(job_id)

    def report(self, job_id: str) -> tuple[str, str | None] | None:
        """Return a job's status and its HTML study report (None until it is done).

        None if the job is unknown or was forgotten; a job this process does not hold is
        read from the job folder, if there is one.
        """
        if len(job_id) > MAX_JOB_ID:
            return None
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.status, job.report
        record = self._load(job_id)
        if record is None:
            return None
        html = None
        path = self._path(job_id, ".html")
        if path is not None and record.get("status") == "done":
            with contextlib.suppress(OSError):
                html = path.read_text(encoding="utf-8")
        return str(record.get("status")), html

    # The job folder.

    def _path(self, job_id: str, suffix: str = ".json") -> Path | None:
        if self._store is None or not _JOB_ID.fullmatch(job_id):
            return None
        return self._store / f"{job_id}{suffix}"

    def _save(self, job: _Job) -> None:
        path = self._path(job.id)
        if path is None:
            return
        _write(path, job.view())

    def _load(self, job_id: str) -> dict[str, Any] | None:
        path = self._path(job_id)
        if path is None:
            return None
        return _read_final(path)

    def _recover(self) -> None:
        """Finish the jobs of stopped processes on disk and remove stale temporary files."""
        assert self._store is not None
        now = time.time()
        for path in self._store.glob(".*.json"):
            # atomic_file's names, ".<id>.json.<random>.json": a write that a kill interrupted.
            if _JOB_ID.fullmatch(path.name[1:33]) and path.name[33:39] == ".json.":
                with contextlib.suppress(OSError):  # another worker may remove it first
                    if now - path.stat().st_mtime > STALE_S:
                        path.unlink()
        for path in self._store.glob("*.json"):
            if _JOB_ID.fullmatch(path.stem):
                _read_final(path)

    def _start_heartbeat(self) -> None:
        if self._store is not None and (self._beat is None or not self._beat.is_alive()):
            self._beat = threading.Thread(
                target=self._heartbeat, name="silkrail-sim-heartbeat", daemon=True
            )
            self._beat.start()

    def _heartbeat(self) -> None:
        """Touch the files of this process's queued and running jobs while it has any."""
        while True:
            with self._lock:
                active = [j.id for j in self._jobs.values() if j.status in ("queued", "running")]
            if not active:
                return
            for job_id in active:
                path = self._path(job_id)
                if path is not None:
                    with contextlib.suppress(OSError):  # finished and removed meanwhile
                        os.utime(path)
            time.sleep(HEARTBEAT_S)

    def _trim_store(self, keep: int) -> None:
        """Keep the newest `keep` job files left by earlier runs; the folder stays bounded."""
        assert self._store is not None
        files = []
        for path in self._store.glob("*.json"):
            if _JOB_ID.fullmatch(path.stem):
                with contextlib.suppress(OSError):  # another worker may remove it first
                    files.append((path.stat().st_mtime, path))
        for _, path in sorted(files, reverse=True)[keep:]:
            self._forget(path.stem)

    def _forget(self, job_id: str) -> None:
        for suffix in (".json", ".html"):
            path = self._path(job_id, suffix)
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()

    def shutdown(self) -> None:
        """Fail the queued jobs and stop the running ones (at the app's shutdown).

        The manager stays usable: an app may be started again (as test clients do).
        """
        with self._lock:
            while self._queue:
                self._close(self._queue.popleft(), "failed", _STOPPED, None)
            for job in self._jobs.values():
                if job.status == "running":
                    job.stop.set()
            # Now, not by the jobs' threads: they die with the server's process.
            for proc in self._procs.values():
                with contextlib.suppress(OSError):
                    proc.kill()

    # The lock is held by the callers of the methods below.

    def _start_ready(self) -> None:
        while self._queue and self._running < self._max_running:
            job = self._queue.popleft()
            job.status = "running"
            job.started_at = _now()
            self._save(job)
            self._running += 1
            name = f"silkrail-sim-{job.id[:8]}"
            threading.Thread(target=self._watch, args=(job,), name=name, daemon=True).start()

    def _prune(self, keep: int) -> None:
        finished = [j.id for j in self._jobs.values() if j.status in ("done", "failed")]
        for job_id in finished[: max(len(finished) - keep, 0)]:
            del self._jobs[job_id]
            self._forget(job_id)

    def _close(self, job: _Job, status: str, error: str | None, result: Any) -> None:
        if isinstance(result, dict):
            # The worker sends the study report with the results; it is served on its own.
            job.report = result.pop("report_html", None)
            path = self._path(job.id, ".html")
            if path is not None and job.report is not None:
                try:
                    with atomic_file(path) as tmp:
                        tmp.write_text(job.report, encoding="utf-8")
                except OSError:  # the report stays in memory
                    logger.exception("cannot write the report of job %s to %s", job.id, path)
        job.status = status
        job.error = error
        job.result = result
        job.finished_at = _now()
        job.spec = None  # the model is no longer needed
        if status == "done":
            job.done = job.total
        self._save(job)

    def _finish(self, job: _Job, status: str, error: str | None, result: Any) -> None:
        with self._lock:
            self._close(job, status, error, result)
            self._running -= 1
            self._start_ready()
            self._prune(job.limits.keep)

    # The job's thread.

    def _watch(self, job: _Job) -> None:
        try:
            status, payload = self._run(job)
        except Exception:  # never leave a job running, whatever happens here
            logger.exception("%s job %s failed", self.kind, job.id)
            status, payload = "failed", "internal error while running the job"
        if status == "done":
            self._finish(job, "done", None, payload)
        else:
            self._finish(job, "failed", str(payload), None)

    def _run(self, job: _Job) -> tuple[str, Any]:
        assert job.spec is not None
        limits = job.limits
        data = pickle.dumps(job.spec, protocol=pickle.HIGHEST_PROTOCOL)
        # The child's own CPU limit is a backstop should this server die without stopping it.
        cpu = str(math.ceil(limits.timeout_s) + _CPU_GRACE_S)
        read_fd, write_fd = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", _WORKER, str(write_fd), str(limits.memory_mb), cpu],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                pass_fds=(write_fd,),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            # Only the child writes: with this end closed here, its exit ends the pipe.
            os.close(write_fd)
        conn = Connection(read_fd, writable=False)
        outcome: tuple[str, Any] | None = None
        with self._lock:
            self._procs[job.id] = proc
        try:
            assert proc.stdin is not None
            try:
                proc.stdin.write(data)
            except OSError:
                pass  # the child died at start-up: its exit code tells below
            finally:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            deadline = time.monotonic() + limits.timeout_s
            while outcome is None:
                if job.stop.is_set():
                    outcome = ("failed", _STOPPED)
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    outcome = (
                        "failed",
                        f"the job exceeded this service's time limit of {limits.timeout_s:g} s"
                        + (
                            "; simulate fewer days or replications"
                            if self.kind == "simulation"
                            else ""
                        ),
                    )
                    break
                if not conn.poll(min(remaining, _POLL_S)):
                    continue
                try:
                    message = conn.recv()
                except EOFError:
                    break
                if message[0] == "progress":
                    with self._lock:
                        job.done = int(message[1])
                        self._save(job)
                else:
                    outcome = (str(message[0]), message[1])
        finally:
            with self._lock:
                self._procs.pop(job.id, None)
            conn.close()
            if outcome is not None and outcome[0] == "done":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
            if proc.poll() is None:
                proc.kill()
            code = proc.wait()
        if outcome is None and job.stop.is_set():
            outcome = ("failed", _STOPPED)
        if outcome is None:
            limit = f" (the limit is {limits.memory_mb} MiB)" if limits.memory_mb else ""
            outcome = (
                "failed",
                f"the {self.kind} process ended unexpectedly (exit code {code}); it may have "
                f"run out of memory{limit}",
            )
        return outcome


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    msg = f"not JSON serialisable: {type(value).__name__}"
    raise TypeError(msg)


def _write(path: Path, record: dict[str, Any]) -> None:
    """Write a job's record atomically and durably; log, but survive, a failed write."""
    try:
        with atomic_file(path, durable=True) as tmp:
            tmp.write_text(json.dumps(record, default=_json_default), encoding="utf-8")
    except OSError:  # a full or read-only folder must not stop the job itself
        logger.exception("cannot write simulation job %s", path)


def _read_final(path: Path) -> dict[str, Any] | None:
    """Read a job's file; a queued or running job without a heartbeat is failed, on disk too."""
    try:
        mtime = path.stat().st_mtime
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record.pop("owner_pid", None)  # written by earlier versions
    if record.get("status") in ("queued", "running") and time.time() - mtime > STALE_S:
        record.update(status="failed", error=_STOPPED, result=None, finished_at=_now().isoformat())
        # Readers may race to do this: they write the same final state.
        _write(path, record)
    return record
