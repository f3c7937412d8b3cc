"""Algorithm B, this tree against another (``--before``): CPU seconds on the TNTP networks.

Each repetition runs one child process per tree, the order alternating, so a change of load
hits both; each child loads the kernels with an untimed solve, then times ``assign``
(``time.process_time``, 1 thread) for every network and gap. Best of ``--reps``; the final
link flows of the two trees are compared too (an MD5 of the float64 bytes).

Usage::

    git archive main src | tar -x -C $BEFORE
    python bench/algb_vs_before.py --before $BEFORE/src --reps 3 --out /tmp/algb-before.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks" / "tntp"
NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch")
# Chicago Sketch's generalised cost from its README, as in assignment_vs_tapb.py.
FACTORS = {"ChicagoSketch": {"toll_factor": 0.02, "distance_factor": 0.04}}


def child(networks: list[str], gaps: list[float]) -> None:
    """Solve every network and gap in this process; print one JSON line per solve."""
    import silkrail

    data = {}
    for name in networks:
        net = silkrail.read_tntp_net(DATA / name / f"{name}_net.tntp", **FACTORS.get(name, {}))
        trips = silkrail.read_tntp_trips(DATA / name / f"{name}_trips.tntp")
        data[name] = (net, trips)
    silkrail.assign(*data[networks[0]], method="algb", rgap=1e-4)  # load the kernels
    for name in networks:
        for gap in gaps:
            start = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = silkrail.assign(*data[name], method="algb", rgap=gap)
            cpu = time.process_time() - start
            digest = hashlib.md5(res.link_flow.tobytes()).hexdigest()[:12]
            row = {"network": name, "gap": gap, "cpu": cpu, "it": res.iterations}
            row |= {"rgap": res.rgap, "flows": digest, "load": os.getloadavg()[0]}
            print(json.dumps(row), flush=True)


def run_tree(src: str, networks: list[str], gaps: list[float]) -> list[dict[str, object]]:
    """Run :func:`child` with ``src`` first on the path; return its rows."""
    env = dict(os.environ, PYTHONPATH=src)
    cmd = [sys.executable, __file__, "--child", "--networks", *networks, "--gaps"]
    cmd += [repr(g) for g in gaps]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="the other tree's src folder (required)")
    ap.add_argument("--networks", nargs="+", default=list(NETWORKS))
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-6, 1e-10])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.networks, args.gaps)
        return
    if not args.before:
        ap.error("--before is required")
    trees = {"before": args.before, "after": str(ROOT / "src")}
    best: dict[tuple[str, str, float], dict[str, object]] = {}
    loads: list[float] = []
    for rep in range(args.reps):
        for tree in list(trees) if rep % 2 == 0 else list(trees)[::-1]:
            for row in run_tree(trees[tree], args.networks, args.gaps):
                loads.append(float(row["load"]))  # type: ignore[arg-type]
                key = (tree, str(row["network"]), float(row["gap"]))  # type: ignore[arg-type]
                if key not in best or row["cpu"] < best[key]["cpu"]:  # type: ignore[operator]
                    best[key] = row
            print(f"rep {rep} {tree} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    lines = [
        "| network | target | before CPU (s) | it | after CPU (s) | it | after / before | flows |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in args.networks:
        for gap in args.gaps:
            b, a = best[("before", name, gap)], best[("after", name, gap)]
            same = "same" if a["flows"] == b["flows"] else "differ"
            ratio = float(a["cpu"]) / float(b["cpu"])  # type: ignore[arg-type]
            lines.append(
                f"| {name} | {gap:g} | {b['cpu']:.3f} | {b['it']} | {a['cpu']:.3f} | {a['it']} "
                f"| {ratio:.2f} | {same} |"
            )
    lines += ["", f"best of {args.reps}; 1-minute load average {min(loads):.2f}–{max(loads):.2f}"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
