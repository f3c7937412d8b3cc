"""Fixtures of the assignment tests: the TNTP networks (read in place) and tiny networks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import silkrail

# The TNTP files are for research use only: read them where they are, never copy them here.
TNTP = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "tntp"

# Chicago Sketch states its generalised-cost weights only in its README.
FACTORS = {"ChicagoSketch": {"toll_factor": 0.02, "distance_factor": 0.04}}


def tntp_problem(name: str) -> tuple[silkrail.TrafficNetwork, np.ndarray, silkrail.TNTPFlow]:
    """Network, trips and best-known flows of a TNTP problem, or skip the test."""
    folder = TNTP / name
    if not folder.is_dir():
        pytest.skip(
            f"TNTP benchmark folder {folder} is absent (research-use data kept outside "
            "the repository, in ../shared/benchmarks/tntp)"
        )
    net = silkrail.read_tntp_net(folder / f"{name}_net.tntp", **FACTORS.get(name, {}))
    trips = silkrail.read_tntp_trips(folder / f"{name}_trips.tntp")
    flow = silkrail.read_tntp_flow(folder / f"{name}_flow.tntp")
    return net, trips, flow


def two_links(
    *,
    fftt: tuple[float, float] = (1.0, 2.0),
    b: tuple[float, float] = (1.0, 0.25),
    toll: tuple[float, float] = (0.0, 0.0),
    length: tuple[float, float] = (1.0, 1.0),
) -> silkrail.TrafficNetwork:
    """Two parallel links 1 -> 2: t1 = 1 + v1 and t2 = 2 + v2 / 2 by default."""
    return silkrail.TrafficNetwork(
        init_node=[1, 1],
        term_node=[2, 2],
        capacity=[1.0, 1.0],
        length=list(length),
        free_flow_time=list(fftt),
        b=list(b),
        power=[1.0, 1.0],
        toll=list(toll),
        num_nodes=2,
        num_zones=2,
        name="two-links",
    )


def od(trips: float, nz: int = 2) -> np.ndarray:
    d = np.zeros((nz, nz))
    d[0, 1] = trips
    return d


@pytest.fixture
def two_link_net() -> silkrail.TrafficNetwork:
    return two_links()
