"""Shared fixtures: the 5-node toy corridor with one gauge break (1435 | 1520 at KZ-GAMMA)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TOY = Path(__file__).parent / "data" / "toy"
#: A two-node TNTP problem (two parallel links, 4 trips): the smallest `assign` input.
TWO_NODE_TNTP = Path(__file__).parent / "data" / "tntp_two"

# Starlette's TestClient sends "Host: testserver"; the service answers only for the hosts in
# SILKRAIL_ALLOWED_HOSTS (default: localhost), so the tests' apps allow that name too.
os.environ.setdefault("SILKRAIL_ALLOWED_HOSTS", '["localhost", "127.0.0.1", "::1", "testserver"]')


@pytest.fixture
def two_node_tntp() -> tuple[Path, Path]:
    """The net and trips files of the two-node TNTP problem (read-only)."""
    return TWO_NODE_TNTP / "two_net.tntp", TWO_NODE_TNTP / "two_trips.tntp"


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A writable copy of the toy network's CSV folder."""
    target = tmp_path / "toy"
    shutil.copytree(TOY, target)
    return target


_ROAD_NODES = """\
CN-ZETA,Zeta,,CN,44.3,86.0,terminal,,,,,,,,,open,,toy,rail only,0.5,100
CN-DOOR,Door,,CN,43.9,87.9,junction,,,,,,,,,open,,toy,reached by truck only,,
KZ-TOWN,Town,,KZ,47.0,79.9,junction,,,,,,,,,open,,toy,reached by truck only,,
"""
_ROAD_LINKS = """\
T0,CN-ZETA,CN-ALPHA,rail,150,published,1435,2,true,40,30,,100,0.2,open,,toy,
R1,CN-DOOR,CN-ALPHA,road,30,published,,,,50,,,60,0.1,open,,toy,
R2,KZ-DELTA,KZ-TOWN,road,25,published,,,,50,,,50,0.1,open,,toy,
R3,CN-ALPHA,KZ-DELTA,road,800,published,,,,50,,,1500,0.1,open,,toy,
"""


@pytest.fixture
def toy_road_dir(toy_dir: Path) -> Path:
    """The toy corridor with trucks.

    Door (CN) and Town (KZ) are reached only by road, from Alpha (truck lift 0.5 h, 100 USD)
    and Delta (1 h, 80 USD); a long road R3 joins Alpha and Delta; Zeta is a rail terminal
    that offers a truck lift but has no road.
    """
    nodes = toy_dir / "nodes.csv"
    lines = nodes.read_text(encoding="utf-8").splitlines()
    lift = {"CN-ALPHA": "0.5,100", "KZ-DELTA": "1,80"}
    out = [lines[0] + ",road_transfer_hours,road_usd_per_feu"]
    out += [f"{row},{lift.get(row.split(',')[0], ',')}" for row in lines[1:]]
    nodes.write_text("\n".join(out) + "\n" + _ROAD_NODES, encoding="utf-8")
    links = toy_dir / "links.csv"
    links.write_text(links.read_text(encoding="utf-8") + _ROAD_LINKS, encoding="utf-8")
    return toy_dir
