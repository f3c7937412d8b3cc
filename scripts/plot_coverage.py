"""Render the coverage map of the packaged corridor network to docs/img/coverage.png.

Run:  python scripts/plot_coverage.py [--out docs/img/coverage.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import silkrail
from silkrail.reports import plot_network

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "coverage.png")
    args = parser.parse_args()
    net = silkrail.load_network()
    plot_network(
        net,
        args.out,
        bbox=(-12.0, 145.0, -38.0, 64.0),
        title=f"silkrail corridor dataset: {net.n_nodes} nodes, {net.n_links} links",
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
