"""Time to validate a network with many invalid links: linear in the rows (issue 16).

Appends N links to a copy of the toy network, each one shorter than the great-circle distance
between its ends (one problem a row), and times ``silkrail.read_network`` (which validates and
raises with every problem) in this process: wall and CPU seconds.

    python bench/validate_scaling.py                 # 5,000 20,000 200,000 rows
    python bench/validate_scaling.py 40000
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import silkrail

TOY = Path(__file__).parents[1] / "tests" / "data" / "toy"
ROW = "X{i},CN-ALPHA,CN-BETA,rail,1,published,1435,2,true,40,30,,400,0.2,open,,toy,"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [5_000, 20_000, 200_000]
    print(f"{'bad rows':>9} {'problems':>9} {'wall s':>7} {'cpu s':>6}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "net"
            shutil.copytree(TOY, folder)
            with (folder / "links.csv").open("a", encoding="utf-8") as fh:
                fh.write("\n".join(ROW.format(i=i) for i in range(n)) + "\n")
            t, c = time.perf_counter(), time.process_time()
            try:
                silkrail.read_network(folder)
                problems = 0
            except silkrail.NetworkValidationError as exc:
                problems = len(exc.problems)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"{n:>9,} {problems:>9,} {wall:>7.2f} {cpu:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
