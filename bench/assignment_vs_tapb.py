"""Benchmark: silkrail's Algorithm B against TAP-B (the C reference), 1 thread, same run.

TAP-B (spartalab/tap-b, Steve Boyles' C implementation of Dial's Algorithm B, MIT licence) is
a peer tool, like AequilibraE in ``assignment_vs_aequilibrae.py``: it is not part of silkrail
and its code is never committed here. Build it outside the repository (docs/benchmarks.md,
"Algorithm B against TAP-B (issue 16)", says how it was obtained and built) and pass the
binary with ``--tapb``.

Both tools solve the same TNTP networks to the same relative-gap targets on the same machine,
in the same run; per repetition the order of the two tools alternates, so a change of load
hits both. TAP-B runs as a child process (serial build: one thread); silkrail in-process with
``cores=1`` (and ``cores=2`` on the networks of ``--threads-nets`` for the 2-thread speed-up).

Times reported, per run:

* silkrail: wall and CPU seconds (``time.process_time``) of the ``assign`` call (building the
  problem, initial bushes, iterations and the gap of every iteration).
* TAP-B, three ways: (1) its own "time" of the last iteration (wall clock, iterations only:
  TAP-B leaves out initialisation and every gap computation); (2) wall seconds from its
  "Creating Initial bushes" line to its last "Iteration" line, time-stamped as the lines
  arrive (TAP-B flushes stdout after each message): initialisation, iterations and gaps, the
  same scope as silkrail's ``assign``; (3) CPU seconds of the same scope: the child's CPU
  (``RUSAGE_CHILDREN``) minus that of a run with ``<MAX ITERATIONS> 0`` (reading, set-up and
  writing flows only) plus TAP-B's own initialisation CPU time.

TAP-B's gap is TSTT / SPTT - 1, silkrail's (TSTT - SPTT) / TSTT; both stop on their own. The
final gap of each is then recomputed the same way, by silkrail, from the link flows each
returned (TAP-B's flows file).

Usage::

    python bench/assignment_vs_tapb.py --tapb /work/tapb/bin/tap --out /tmp/tapb.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import silkrail

# The gap and objective of a tool's flows, computed as in the AequilibraE benchmark.
sys.path.insert(0, str(Path(__file__).parent))
from assignment_vs_aequilibrae import evaluate

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TNTP = ROOT.parent / "shared" / "benchmarks" / "tntp"
NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch")
# Chicago Sketch's generalised cost is given in its README only (as in the AequilibraE bench);
# TAP-B gets the same factors as <DISTANCE FACTOR>/<TOLL FACTOR> lines in a copy of the file.
FACTORS = {"ChicagoSketch": {"toll_factor": 0.02, "distance_factor": 0.04}}
ITERATION = re.compile(r"Iteration (\d+):\s*(?:est\.)?\s*gap ([-0-9.eE+naif]+), time ([0-9.]+)")
INIT = re.compile(r"Initialization done in ([0-9.]+) s")
CPU_RESOLUTION = 0.005  # seconds; TAP-B CPU estimates below this are not reported


@dataclass
class Run:
    tool: str
    network: str
    target: float
    rep: int
    cores: int
    wall_s: float  # silkrail: assign(); TAP-B: init + iterations + gaps (time-stamped lines)
    cpu_s: float  # same scope, CPU seconds (TAP-B: estimated as the module docstring says)
    own_s: float  # TAP-B's own reported time (iterations only, no gap); silkrail: NaN
    iterations: int
    own_gap: float  # the gap the tool stopped on, by its own definition
    true_gap: float  # recomputed by silkrail from the returned link flows
    beckmann: float
    load: float  # 1-minute load average just before the run


def find_folder(name: str, tntp: Path, extra: Path | None) -> Path:
    for base in (tntp, extra):
        if base is not None and (base / name / f"{name}_net.tntp").is_file():
            return base / name
    sys.exit(f"network {name} not found under {tntp} or {extra}")


def load(folder: Path, name: str) -> tuple[silkrail.TrafficNetwork, np.ndarray]:
    net = silkrail.read_tntp_net(folder / f"{name}_net.tntp", **FACTORS.get(name, {}))
    trips = silkrail.read_tntp_trips(folder / f"{name}_trips.tntp")
    return net, trips


def tapb_workdir(folder: Path, name: str, work: Path) -> Path:
    """A directory holding TAP-B's inputs: a symlink to the trips and the net (factors added)."""
    d = work / name
    d.mkdir(parents=True, exist_ok=True)
    src = folder / f"{name}_net.tntp"
    factors = FACTORS.get(name)
    if factors is None:
        (d / src.name).unlink(missing_ok=True)
        (d / src.name).symlink_to(src.resolve())
    else:
        lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
        extra = [
            f"<DISTANCE FACTOR> {factors['distance_factor']}\n",
            f"<TOLL FACTOR> {factors['toll_factor']}\n",
        ]
        (d / src.name).write_text("".join(lines[:1] + extra + lines[1:]), encoding="utf-8")
    trips = folder / f"{name}_trips.tntp"
    (d / trips.name).unlink(missing_ok=True)
    (d / trips.name).symlink_to(trips.resolve())
    return d


def tapb_process(
    binary: Path, d: Path, name: str, target: float, max_iter: int | None
) -> tuple[list[tuple[float, str]], float, Path]:
    """Run TAP-B once; return (stamped lines, child CPU seconds, flows path)."""
    flows = d / "flows.txt"
    flows.unlink(missing_ok=True)
    params = [
        f"<NETWORK FILE> {name}_net.tntp",
        f"<TRIPS FILE> {name}_trips.tntp",
        f"<FILE PATH> {d}/",
        f"<DATA PATH> {d}/",
        f"<FLOWS FILE> {flows}",
        f"<CONVERGENCE GAP> {target:.17g}",
        f"<MAX ITERATIONS> {100_000 if max_iter is None else max_iter}",
    ]
    (d / "parameters.txt").write_text("\n".join(params) + "\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stamped: list[tuple[float, str]] = []
    with subprocess.Popen(
        [str(binary), "parameters.txt"], cwd=d, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            stamped.append((time.perf_counter(), line))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        tail = "".join(s for _, s in stamped[-5:])
        sys.exit(f"TAP-B failed on {name} (exit {proc.returncode}):\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return stamped, cpu, flows


def read_tapb_flows(path: Path, net: silkrail.TrafficNetwork) -> np.ndarray:
    """Link flows in the network's link order (TAP-B keeps it; artificial links come last)."""
    flow = np.zeros(net.num_links)
    with path.open(encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k >= net.num_links:
                break
            ends, value, _ = line.split()
            tail, head = (int(v) for v in ends.strip("()").split(","))
            if (tail, head) != (net.init_node[k], net.term_node[k]):
                sys.exit(f"TAP-B flows file: link {k} is {ends}, expected another")
            flow[k] = float(value)
    return flow


def run_tapb(
    binary: Path,
    d: Path,
    net: silkrail.TrafficNetwork,
    trips: np.ndarray,
    name: str,
    target: float,
    rep: int,
    setup_cpu: float,
) -> Run:
    load1 = os.getloadavg()[0]
    stamped, cpu, flows = tapb_process(binary, d, name, target, None)
    start = next(t for t, s in stamped if s.startswith("Creating Initial bushes"))
    its = [(t, m) for t, s in stamped if (m := ITERATION.search(s)) is not None]
    if not its:
        sys.exit(f"TAP-B printed no iteration on {name}")
    t_last, m_last = its[-1]
    init_cpu = next(float(m.group(1)) for _, s in stamped if (m := INIT.search(s)))
    gap, obj = evaluate(net, trips, read_tapb_flows(flows, net))
    return Run(
        "TAP-B",
        name,
        target,
        rep,
        1,
        t_last - start,
        cpu - setup_cpu + init_cpu,
        float(m_last.group(3)),
        int(m_last.group(1)),
        float(m_last.group(2)),
        gap,
        obj,
        load1,
    )


def tapb_setup_cpu(binary: Path, d: Path, name: str) -> float:
    """CPU seconds of a TAP-B run without iterations (read, set up, initialise, write)."""
    _, cpu, _ = tapb_process(binary, d, name, 1e-4, 0)
    return float(cpu)


def run_silkrail(
    net: silkrail.TrafficNetwork,
    trips: np.ndarray,
    name: str,
    target: float,
    rep: int,
    cores: int,
) -> Run:
    load1 = os.getloadavg()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", silkrail.ConvergenceWarning)
        c0, t0 = time.process_time(), time.perf_counter()
        res = silkrail.assign(net, trips, method="algb", rgap=target, max_iter=100_000, cores=cores)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
    gap, obj = evaluate(net, trips, res.link_flow)
    tool = "silkrail" if cores == 1 else f"silkrail {cores}t"
    return Run(
        tool, name, target, rep, cores, dt, dc, float("nan"), res.iterations, res.rgap, gap, obj,
        load1,
    )  # fmt: skip


def show(r: Run) -> None:
    own = f", own {r.own_s:6.3f} s" if r.tool == "TAP-B" else ""
    print(
        f"rep {r.rep} {r.network:14s} {r.tool:11s} gap {r.target:.0e}: wall {r.wall_s:7.3f} s, "
        f"cpu {r.cpu_s:7.3f} s{own}, {r.iterations:3d} it, own gap {r.own_gap:.2e}, "
        f"true gap {r.true_gap:.2e}, load {r.load:.2f}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tapb", type=Path, required=True, help="the built TAP-B binary (bin/tap)")
    ap.add_argument("--tntp", type=Path, default=DEFAULT_TNTP)
    ap.add_argument(
        "--extra-net", type=Path, default=None, help="another folder of <Name>/<Name>_*.tntp"
    )
    ap.add_argument("--networks", nargs="+", default=list(NETWORKS))
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-6, 1e-10])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument(
        "--threads-nets",
        nargs="*",
        default=["ChicagoSketch"],
        help="also run silkrail with 2 threads on these networks",
    )
    ap.add_argument("--out", type=Path, default=None, help="write a Markdown report here")
    args = ap.parse_args()
    binary = args.tapb.resolve()
    if not binary.is_file():
        sys.exit(f"TAP-B binary {binary} not found")

    data = {}
    for name in args.networks:
        folder = find_folder(name, args.tntp, args.extra_net)
        data[name] = (folder, *load(folder, name))

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tapb-") as tmp:
        work = Path(tmp)
        dirs = {name: tapb_workdir(folder, name, work) for name, (folder, _, _) in data.items()}
        # Warm-up: silkrail's cached kernels, TAP-B's binary and inputs in the page cache.
        net0, trips0 = data[args.networks[0]][1:]
        run_silkrail(net0, trips0, "warm-up", 1e-4, -1, 1)
        if args.threads_nets:
            run_silkrail(net0, trips0, "warm-up", 1e-4, -1, 2)
        for name in args.networks:
            tapb_setup_cpu(binary, dirs[name], name)
        for rep in range(args.reps):
            for name in args.networks:
                _, net, trips = data[name]
                setup = tapb_setup_cpu(binary, dirs[name], name)
                for k, gap in enumerate(args.gaps):
                    order = [("TAP-B", 1), ("silkrail", 1)]
                    if (rep + k) % 2:
                        order.reverse()
                    if name in args.threads_nets:
                        order.append(("silkrail", 2))
                    for tool, cores in order:
                        if tool == "TAP-B":
                            r = run_tapb(binary, dirs[name], net, trips, name, gap, rep, setup)
                        else:
                            r = run_silkrail(net, trips, name, gap, rep, cores)
                        runs.append(r)
                        show(r)
    if args.out is not None:
        args.out.write_text(report(runs, args), encoding="utf-8")
        raw = args.out.with_suffix(".json")
        raw.write_text(json.dumps([asdict(r) for r in runs], indent=1), encoding="utf-8")
        print(f"wrote {args.out} and {raw}")


def best(runs: list[Run], tool: str, name: str, gap: float) -> dict[str, float] | None:
    rs = [r for r in runs if r.tool == tool and r.network == name and r.target == gap]
    if not rs:
        return None
    return {
        "wall": min(r.wall_s for r in rs),
        "cpu": min(r.cpu_s for r in rs),
        "own": min(r.own_s for r in rs),
        "it": statistics.median(r.iterations for r in rs),
        "gap": max(r.true_gap for r in rs),
        "own_gap": max(r.own_gap for r in rs),
    }


def report(runs: list[Run], args: argparse.Namespace) -> str:
    loads = [r.load for r in runs]
    lines = [
        "## Algorithm B: silkrail against TAP-B (issue 16)",
        "",
        "Generated by `bench/assignment_vs_tapb.py`; command:",
        "",
        "```bash",
        ".venv/bin/python bench/assignment_vs_tapb.py " + " ".join(sys.argv[1:]),
        "```",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(1-minute load average {min(loads):.2f}–{max(loads):.2f} during the runs), Python "
        f"{platform.python_version()}, silkrail {silkrail.__version__}; TAP-B serial build "
        f"(1 thread), silkrail `cores=1`. {args.reps} repetitions, the order of the two tools "
        "alternating; best of the repetitions (iterations: median; gaps: the largest).",
        "",
        "Columns: *wall* / *CPU* = silkrail's `assign` call, and for TAP-B the same scope "
        "(initial bushes, iterations, every gap) — wall time-stamped from its output lines, "
        "CPU as child CPU minus a run without iterations plus its own initialisation CPU. "
        "*TAP-B own* = the time TAP-B prints (wall clock, iterations only, no gap and no "
        "initialisation). *gap* = final relative gap recomputed by silkrail, (TSTT - SPTT) / "
        "TSTT, from each tool's link flows. Ratios are silkrail / TAP-B (below 1: silkrail "
        "faster).",
        "",
        "| network | target | silkrail wall (s) | CPU (s) | it | gap | TAP-B wall (s) | CPU (s) "
        "| own (s) | it | gap | wall ratio | CPU ratio | silkrail wall / TAP-B own |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in args.networks:
        for gap in args.gaps:
            s, t = best(runs, "silkrail", name, gap), best(runs, "TAP-B", name, gap)
            if s is None or t is None:
                continue
            # TAP-B's CPU is a difference of two runs' CPU: below ~5 ms it is noise.
            tiny = t["cpu"] < CPU_RESOLUTION
            t_cpu = f"<{CPU_RESOLUTION:g}" if tiny else f"{t['cpu']:.3f}"
            cpu_ratio = "–" if tiny else f"{s['cpu'] / t['cpu']:.2f}"
            lines.append(
                f"| {name} | {gap:.0e} | {s['wall']:.3f} | {s['cpu']:.3f} | {s['it']:g} "
                f"| {s['gap']:.1e} | {t['wall']:.3f} | {t_cpu} | {t['own']:.3f} "
                f"| {t['it']:g} | {t['gap']:.1e} | {s['wall'] / t['wall']:.2f} "
                f"| {cpu_ratio} | {s['wall'] / t['own']:.2f} |"
            )
    two = [r for r in runs if r.cores == 2]
    if two:
        lines += [
            "",
            "silkrail with 2 threads (same runs; speed-up = 1-thread / 2-thread, best of the "
            "repetitions):",
            "",
            "| network | target | 1 thread wall (s) | 2 threads wall (s) | speed-up (wall) "
            "| 1 thread CPU (s) | 2 threads CPU (s) | gap |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name in args.threads_nets:
            for gap in args.gaps:
                s = best(runs, "silkrail", name, gap)
                p = best(runs, "silkrail 2t", name, gap)
                if s is None or p is None:
                    continue
                lines.append(
                    f"| {name} | {gap:.0e} | {s['wall']:.3f} | {p['wall']:.3f} "
                    f"| {s['wall'] / p['wall']:.2f}x | {s['cpu']:.3f} | {p['cpu']:.3f} "
                    f"| {p['gap']:.1e} |"
                )
    lines += [
        "",
        "Every run:",
        "",
        "| rep | network | target | tool | wall (s) | CPU (s) | TAP-B own (s) | it | own gap "
        "| gap | Beckmann | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        own = f"{r.own_s:.3f}" if r.tool == "TAP-B" else ""
        lines.append(
            f"| {r.rep} | {r.network} | {r.target:.0e} | {r.tool} | {r.wall_s:.3f} "
            f"| {r.cpu_s:.3f} | {own} | {r.iterations} | {r.own_gap:.2e} | {r.true_gap:.2e} "
            f"| {r.beckmann:.10g} | {r.load:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
