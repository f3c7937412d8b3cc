"""The process of one job: ``python -m silkrail.service._simworker FD MEMORY_MB CPU_S``.

Started by :class:`~silkrail.service._jobs.JobManager` as a plain subprocess (not
``multiprocessing``, whose ``spawn`` re-imports the server's main script in the child). It
reads the pickled :class:`~silkrail.service._jobs.JobSpec` (a simulation) or
:class:`~silkrail.service._jobs.FlowJobSpec` (corridor flows) from stdin, runs it in-process,
and writes to the pipe whose write end is file descriptor ``FD``:
``("progress", done)`` after each replication, then ``("done", result)`` with the result in the
``silkrail simulate --json`` layout, or ``("failed", message)``. Messages name no server
internals; tracebacks go to stderr, the server's log.

The server enforces the job's time limit; as a backstop for a server that died without
stopping its jobs, the process also limits its own CPU time (``CPU_S``; the kernel ends it
past that) and stops between replications once its parent is gone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import sys
import time
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import silkrail

if TYPE_CHECKING:
    from silkrail.service._jobs import FlowJobSpec, JobSpec

__all__ = ["child_main", "main"]

logger = logging.getLogger("silkrail.service")


class _OrphanedError(Exception):
    """The server that started the job is gone."""


def _execute_flows(spec: FlowJobSpec) -> dict[str, Any]:
    return dict(silkrail.flow_study_json(spec.net, spec.scenario))


def _execute(spec: JobSpec | FlowJobSpec, conn: Connection) -> dict[str, Any]:
    from silkrail.service._jobs import FlowJobSpec

    if isinstance(spec, FlowJobSpec):
        return _execute_flows(spec)
    t0 = time.perf_counter()
    parent = os.getppid()
    # Progress counts every replication of the job: the runs finished before this one too.
    before, current, current_total = 0, "", 0

    def tick(label: str, done: int, total: int) -> None:
        nonlocal before, current, current_total
        if os.getppid() != parent:
            raise _OrphanedError
        if label != current:
            before += current_total
            current, current_total = label, total
        conn.send(("progress", before + done))

    study = silkrail.run_study(
        spec.model,
        scenario=spec.scenario,
        days=spec.days,
        replications=spec.replications,
        seed=spec.seed,
        warmup_days=spec.warmup_days,
        baseline=spec.baseline,
        reroute=spec.reassign,
        flows_options=spec.flows_options,
        net=spec.net,
        corridor_options=spec.corridor_options,
        progress=tick,
    )
    out = study.summary(top=spec.top)
    if study.baseline is None:
        # The service's layout always has the baseline columns (null without a baseline).
        for row in out["routes"]:
            row.setdefault("base_p50_days", None)
            row.setdefault("base_p95_days", None)
    out["elapsed_s"] = time.perf_counter() - t0
    out["report_html"] = _report(spec, study)
    return out


def _report(spec: JobSpec, study: silkrail.StudyResult) -> str | None:
    """Render the study report; a job whose report fails still has its results."""
    if spec.net is None:
        return None
    run = json.dumps(spec.run_info(), ensure_ascii=False)
    try:
        return silkrail.study_report(
            study,
            spec.net,
            command=f"POST /api/v1/simulations with the options {run}",
            scenario_text=spec.scenario_text,
            dataset="the network this service serves",
            version=silkrail.__version__,
        )
    except Exception:
        logger.exception("the study report of a simulation job failed")
        return None


def _limit(memory_mb: int, cpu_s: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    for which, value in (
        (resource.RLIMIT_AS, memory_mb * 1024 * 1024),
        (resource.RLIMIT_CPU, cpu_s),
    ):
        if value <= 0:
            continue
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, hard))


def child_main(
    conn: Connection, spec: JobSpec | FlowJobSpec, memory_mb: int, cpu_s: int = 0
) -> None:
    """Run one job in a child process and send its outcome over `conn`.

    Sends ``("progress", done)`` after each replication, then ``("done", result)`` or
    ``("failed", message)``; the messages say nothing of the server's internals.

    Parameters
    ----------
    conn
        Write end of the pipe to the server.
    spec
        The job.
    memory_mb
        Address-space limit in MiB (0: none).
    cpu_s
        CPU-time limit in seconds (0: none).
    """
    from silkrail.service._jobs import FlowJobSpec

    what = "corridor-flows study" if isinstance(spec, FlowJobSpec) else "simulation"
    outcome: tuple[str, Any]
    try:
        # Load the engine before the memory limit, which is for the run's data.
        _ = silkrail.replicate
        _limit(memory_mb, cpu_s)
        outcome = ("done", _execute(spec, conn))
    except _OrphanedError:
        conn.close()
        return
    except MemoryError:
        outcome = (
            "failed",
            f"the {what} ran out of memory (the limit is {memory_mb} MiB); "
            "simulate fewer days, less demand or smaller scenario values",
        )
    except (silkrail.SilkrailError, ValueError) as exc:
        outcome = ("failed", f"the {what} failed: {exc}")
    except Exception:
        logger.exception("%s job failed", what)
        outcome = ("failed", f"internal error in the {what}; the incident was logged")
    try:
        conn.send(outcome)
    except (OSError, ValueError):  # pragma: no cover - the server went away
        pass
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    """Run the job whose spec is on stdin, reporting on the pipe named in `argv`.

    Parameters
    ----------
    argv
        ``[program, FD, MEMORY_MB, CPU_S]``.

    Returns
    -------
    int
        The exit code: 0 once an outcome was sent, 2 on bad arguments or input.
    """
    try:
        fd, memory_mb, cpu_s = int(argv[1]), int(argv[2]), int(argv[3])
    except (IndexError, ValueError):
        print("usage: python -m silkrail.service._simworker FD MEMORY_MB CPU_S", file=sys.stderr)
        return 2
    conn = Connection(fd, readable=False)
    try:
        spec = pickle.load(sys.stdin.buffer)
    except Exception as exc:
        conn.send(("failed", f"the job could not be read ({type(exc).__name__})"))
        conn.close()
        return 2
    child_main(conn, spec, memory_mb, cpu_s)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
