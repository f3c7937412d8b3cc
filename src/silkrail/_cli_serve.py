"""``silkrail serve``: run the REST API and the offline web map (needs the ``service`` extra).

The lead registers it with ``main.add_command(serve)`` in :mod:`silkrail.cli`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

import silkrail
from silkrail._cli_common import EXIT_INVALID_DATA, EXIT_USAGE

__all__ = ["serve"]


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 exposes the service to the network).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port (0 picks a free one).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (each loads the network and keeps its own plan cache).",
)
@click.option(
    "--data",
    "data",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Network to serve: a CSV folder, .geojson or .gpkg (default: the packaged corridors).",
)
@click.option(
    "--jobs-dir",
    "jobs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for simulation jobs (one JSON file each): every worker answers for every job "
    "and finished jobs outlive a restart. Default: in memory, or a temporary folder with "
    "--workers above 1.",
)
@click.option(
    "--database",
    default=None,
    help="Shipments store URL (sqlite:///FILE or postgresql+psycopg://...; default: "
    "shipments.sqlite in the user data folder).",
)
@click.option(
    "--private", is_flag=True, help="Reading shipments needs an API key with the read scope."
)
@click.option(
    "--no-access-log",
    "quiet",
    is_flag=True,
    help="Do not log each request (a reverse proxy in front logs them already).",
)
def serve(
    host: str,
    port: int,
    workers: int,
    data: Path | None,
    jobs_dir: Path | None,
    database: str | None,
    private: bool,
    quiet: bool,
) -> None:
    """Serve the REST API under /api/v1 and the web map at / (works offline).

    Open http://HOST:PORT/ in a browser; the OpenAPI schema is at /api/v1/openapi.json.
    Other settings come from SILKRAIL_* environment variables (see docs/service.md); the
    service answers only for the host names in SILKRAIL_ALLOWED_HOSTS (default: localhost and
    the --host address), so set it when serving on 0.0.0.0.
    Exit code 2: a bad option, or the port is taken; 3: the network is invalid.
    """
    try:
        import uvicorn  # noqa: F401  (checked here; used by _run)

        from silkrail.service import get_settings
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        msg = f"silkrail serve needs the service extra: pip install 'silkrail[service]' ({exc})"
        raise click.ClickException(msg) from exc

    # Before anything else (the environment, the network): a taken port is a usage error.
    check_port(host, port)
    if data is not None:
        # Through the environment rather than create_app(settings): an app built from the
        # environment needs no dependency override, which FastAPI pays for on every request.
        os.environ["SILKRAIL_DATA"] = str(data.resolve())
        get_settings.cache_clear()
    if database is not None:
        os.environ["SILKRAIL_DATABASE"] = database
        get_settings.cache_clear()
    if private:
        os.environ["SILKRAIL_PRIVATE"] = "true"
    if host not in ("0.0.0.0", "::") and not os.environ.get("SILKRAIL_ALLOWED_HOSTS"):
        # Answer for the address listened on too (the default allow-list is localhost only);
        # behind 0.0.0.0 the names clients use are unknown: SILKRAIL_ALLOWED_HOSTS lists them.
        hosts = ["localhost", "127.0.0.1", "::1", host]
        os.environ["SILKRAIL_ALLOWED_HOSTS"] = json.dumps(list(dict.fromkeys(hosts)))
        get_settings.cache_clear()
    temporary = None
    if jobs_dir is None and workers > 1 and not os.environ.get("SILKRAIL_SIM_JOBS_DIR"):
        # Workers are separate processes: a job submitted to one is polled through another.
        temporary = Path(tempfile.mkdtemp(prefix="silkrail-jobs-"))
        jobs_dir = temporary
    if jobs_dir is not None:
        try:
            jobs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"--jobs-dir: cannot create {str(jobs_dir)!r}: {exc.strerror or exc}"
            raise click.BadParameter(msg) from exc
        os.environ["SILKRAIL_SIM_JOBS_DIR"] = str(jobs_dir.resolve())
        get_settings.cache_clear()
    try:
        _run(host, port, workers, access_log=not quiet)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def check_port(host: str, port: int) -> None:
    """Exit with a usage error (2) now if nothing can listen on `host`:`port`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as sock:
            # As uvicorn binds: a port in TIME_WAIT from an earlier run is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        msg = (
            f"error: cannot listen on {host}:{port}: {reason}; is another server using the "
            "port? Choose another with --port"
        )
        click.echo(msg, err=True)
        sys.exit(EXIT_USAGE)


def _run(host: str, port: int, workers: int, *, access_log: bool = True) -> None:
    import uvicorn

    from silkrail.service import create_app, get_settings
    from silkrail.service._errors import ApiError
    from silkrail.service._server import server_options
    from silkrail.service._state import load_state
    from silkrail.service._workers import run_workers, spreads_connections

    settings = get_settings()
    # Load (and validate) the network before listening, so a bad network fails here, not on
    # the first request.
    try:
        state = load_state(settings.data, plan_cache_size=settings.plan_cache_size)
    except ApiError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_INVALID_DATA)
    click.echo(
        f"silkrail {silkrail.__version__}: serving {state.net.n_nodes} nodes and "
        f"{state.net.n_links} links on http://{host}:{port}/",
        err=True,
    )
    if settings.sim_jobs_dir is not None:
        click.echo(f"simulation jobs are written to {settings.sim_jobs_dir}", err=True)
    # Request read timeout, connection cap, keep-alive: see silkrail.service._server.
    bounds = {**server_options(settings), "access_log": access_log}
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, log_level="info", **bounds)
        return
    # Each worker process builds its app from the environment (hence SILKRAIL_DATA above).
    options: dict[str, Any] = {
        "factory": True, "host": host, "port": port, "workers": workers, "log_level": "info",
        **bounds,
    }  # fmt: skip
    if spreads_connections():
        # A socket per worker: the kernel spreads connections (silkrail.service._workers).
        run_workers(uvicorn.Config("silkrail.service:create_app", **options))
    else:
        uvicorn.run("silkrail.service:create_app", **options)
