"""Fixtures: the corridor network, a shipment, and stores on SQLite and on a real PostgreSQL.

The PostgreSQL server is started by the test session itself (initdb + pg_ctl into a temporary
folder, as an unprivileged user when the tests run as root) and stopped at the end. Its tests
are skipped, with the reason, only when the PostgreSQL binaries are not installed
(``apt-get install postgresql``; CI installs them).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import silkrail
from silkrail.shipments import ShipmentStore, plan_shipment, register

from ..service._live import free_port

CONTAINER = "CSQU3054383"


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    hits = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(hits[-1]).parent if hits else None


@pytest.fixture(scope="session")
def postgres_url() -> object:
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not installed: apt-get install postgresql"
        )
    root = Path(tempfile.mkdtemp(prefix="silkrail-pg-"))
    data = root / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as the postgres (or nobody) user.
        user = "postgres" if _has_user("postgres") else "nobody"
        shutil.chown(root, user=user)
        root.chmod(0o700)
        prefix = ["runuser", "-u", user, "--"]
    port = free_port()
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "silkrail",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    url = f"postgresql+psycopg://silkrail@127.0.0.1:{port}/postgres"
    try:
        yield url
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


@pytest.fixture(scope="session")
def shipment(net: silkrail.CorridorNetwork) -> object:
    return plan_shipment(net, CONTAINER, "Xi'an", "Duisburg", depart="2025-03-01T08:00Z")


_PG_DB = iter(range(1, 10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shipments.sqlite'}"
    base = request.getfixturevalue("postgres_url")
    # A fresh database per test, so tests do not see each other's rows.
    import sqlalchemy as sa

    name = f"t{os.getpid()}_{next(_PG_DB)}_{int(time.time() * 1000) % 100000}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def store(store_url: str, shipment: object, net: silkrail.CorridorNetwork) -> object:
    s = ShipmentStore(store_url)
    register(s, shipment, net)  # type: ignore[arg-type]
    yield s
    s.close()
