"""The shipments store: SQLAlchemy 2 on SQLite (embedded default) or PostgreSQL.

Guarantees (tested on both):

- a batch of events is one transaction: it is stored whole or not at all, also when the
  writing process is killed half-way;
- ingestion is idempotent: an event id already stored is skipped;
- events are read back ordered by event time, whatever order they arrived in;
- concurrent writers are safe: on SQLite a write transaction takes the database's write lock
  when it begins (``BEGIN IMMEDIATE``, WAL journal, a busy timeout) so that two writers never
  deadlock; on PostgreSQL ``INSERT ... ON CONFLICT DO NOTHING`` settles races on an id.

The schema is created and upgraded by the Alembic migrations shipped in
``silkrail/shipments/migrations`` (:meth:`ShipmentStore.upgrade`, run when the store opens).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from silkrail.errors import Problem, ShipmentDataError, UnknownShipmentError
from silkrail.shipments.events import ShipmentEvent
from silkrail.shipments.forecast import Forecast
from silkrail.shipments.shipment import Shipment, route_from_json, route_to_json

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from silkrail.routing import Route

__all__ = ["SCOPES", "ShipmentStore", "default_database_url"]

#: API key scopes: ``read`` may read private stores, ``write`` may also add and change.
SCOPES = ("read", "write")
_IN_CHUNK = 500
_PG_LOCK = 615_615  # advisory lock id that serialises migrations on PostgreSQL

metadata = sa.MetaData()
shipments_table = sa.Table(
    "shipments",
    metadata,
    sa.Column("container", sa.String(11), primary_key=True),
    sa.Column("origin", sa.String(100), nullable=False),
    sa.Column("destination", sa.String(100), nullable=False),
    sa.Column("depart", sa.DateTime(), nullable=False),
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("route_json", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)
events_table = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.String(100), primary_key=True),
    sa.Column("container", sa.String(11), sa.ForeignKey("shipments.container"), nullable=False),
    sa.Column("event_type", sa.String(16), nullable=False),
    sa.Column("code", sa.String(4), nullable=False),
    sa.Column("classifier", sa.String(3), nullable=False),
    sa.Column("event_time", sa.DateTime(), nullable=False),
    sa.Column("location", sa.String(100), nullable=False),
    sa.Column("mode", sa.String(8), nullable=False),
    sa.Column("received_at", sa.DateTime(), nullable=False),
    sa.Index("ix_events_container_time", "container", "event_time"),
)
forecasts_table = sa.Table(
    "forecasts",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("container", sa.String(11), sa.ForeignKey("shipments.container"), nullable=False),
    sa.Column("basis_event_id", sa.String(100), nullable=False),
    sa.Column("forecast_json", sa.Text(), nullable=False),
    sa.Column("p50", sa.DateTime(), nullable=False),
    sa.Column("next_p95", sa.DateTime(), nullable=True),
    sa.Column("arrived", sa.Boolean(), nullable=False),
    sa.Column("computed_at", sa.DateTime(), nullable=False),
    sa.UniqueConstraint("container", "basis_event_id", name="uq_forecasts_basis"),
)
keys_table = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("scopes", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)


def default_database_url(data_dir: str | Path) -> str:
    """Return the SQLite URL of the store in a data directory (created if missing).

    Parameters
    ----------
    data_dir
        The folder, e.g. ``platformdirs.user_data_path("silkrail")``.

    Returns
    -------
    str
        ``sqlite:///<data_dir>/shipments.sqlite``.
    """
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'shipments.sqlite'}"


def _naive(t: dt.datetime) -> dt.datetime:
    """UTC without tzinfo: both backends store ``TIMESTAMP WITHOUT TIME ZONE``."""
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def _aware(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(secret: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is enough (no dictionary to guard against).
    return hashlib.sha256(secret.encode()).hexdigest()


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # A pool per process: opening a connection and closing the last one (a WAL checkpoint)
    # cost milliseconds each.
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE (the driver would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class ShipmentStore:
    """Shipments, their events, forecast history and API keys in one database.

    Parameters
    ----------
    url
        SQLAlchemy URL: ``sqlite:///path.sqlite`` or ``postgresql+psycopg://user@host/db``.
    upgrade
        Apply the migrations when opening (default).

    Examples
    --------
    >>> import tempfile
    >>> store = ShipmentStore(f"sqlite:///{tempfile.mkdtemp()}/s.sqlite")
    >>> store.list_shipments()
    []
    >>> store.close()
    """

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = sa.make_url(url)
        if self.url.get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(self.url)
            self._insert: Any = sqlite.insert
        elif self.url.get_backend_name() == "postgresql":
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
            self._insert = postgresql.insert
        else:
            msg = f"database URL {url!r}: choose sqlite:///FILE or postgresql+psycopg://..."
            raise ValueError(msg)
        # Shipments are never changed once stored: parse each one's route once, and each
        # distinct route once (the containers of one train share one Route object, which lets
        # forecasts share their draws by its identity).
        self._shipments: dict[str, Shipment] = {}
        self._routes: dict[str, Route] = {}
        if upgrade:
            self.upgrade()

    @staticmethod
    def default_url(data_dir: str | Path) -> str:
        """Return the SQLite URL of the store in a folder (see :func:`default_database_url`).

        Parameters
        ----------
        data_dir
            The folder.

        Returns
        -------
        str
            ``sqlite:///<data_dir>/shipments.sqlite``.
        """
        return default_database_url(data_dir)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> ShipmentStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def upgrade(self) -> None:
        """Apply the shipped Alembic migrations up to the newest (safe to run concurrently)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            if self.url.get_backend_name() == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # -- shipments ---------------------------------------------------------------------------
    def add_shipment(self, shipment: Shipment) -> bool:
        """Store a shipment; return False if one with its container number exists already."""
        row = {
            "container": shipment.container,
            "origin": shipment.origin,
            "destination": shipment.destination,
            "depart": _naive(shipment.depart),
            "service": shipment.service,
            "route_json": route_to_json(shipment.route),
            "created_at": _naive(_now()),
        }
        stmt = self._insert(shipments_table).values(row).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def _shipment(self, r: sa.Row[Any]) -> Shipment:
        route = self._routes.get(r.route_json)
        if route is None:
            route = self._routes[r.route_json] = route_from_json(r.route_json)
        return Shipment(
            container=r.container,
            origin=r.origin,
            destination=r.destination,
            depart=_aware(r.depart),
            service=r.service,
            route=route,
        )

    def shipment(self, container: str) -> Shipment:
        """Return a shipment by container number.

        Raises
        ------
        UnknownShipmentError
            If there is none.
        """
        hit = self._shipments.get(container)
        if hit is not None:
            return hit
        with self.engine.connect() as conn:
            r = conn.execute(
                sa.select(shipments_table).where(shipments_table.c.container == container)
            ).first()
        if r is None:
            raise UnknownShipmentError(container)
        out = self._shipments[container] = self._shipment(r)
        return out

    def shipments(self, containers: Sequence[str]) -> dict[str, Shipment]:
        """Return several shipments by container number (one query per 500 not yet read).

        Raises
        ------
        UnknownShipmentError
            If one of them has no shipment.
        """
        t = shipments_table
        missing = sorted({c for c in containers if c not in self._shipments})
        with self.engine.connect() as conn:
            for i in range(0, len(missing), _IN_CHUNK):
                rows = conn.execute(
                    sa.select(t).where(t.c.container.in_(missing[i : i + _IN_CHUNK]))
                )
                for r in rows:
                    self._shipments[r.container] = self._shipment(r)
        unknown = next((c for c in containers if c not in self._shipments), None)
        if unknown is not None:
            raise UnknownShipmentError(unknown)
        return {c: self._shipments[c] for c in containers}

    def list_shipments(self) -> list[Shipment]:
        """Return every shipment, by container number."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(shipments_table).order_by(shipments_table.c.container)
            ).all()
        return [self._shipment(r) for r in rows]

    # -- events ------------------------------------------------------------------------------
    def add_events(
        self, events: Sequence[ShipmentEvent], *, source: str = "<batch>"
    ) -> list[ShipmentEvent]:
        """Store a batch of events in one transaction; return those that were new.

        Parameters
        ----------
        events
            Validated events (:func:`~silkrail.shipments.events.events_from_records`).
        source
            Name of the batch for messages.

        Returns
        -------
        list of ShipmentEvent
            The events not stored before (ids already present are skipped).

        Raises
        ------
        ShipmentDataError
            If an event's container has no shipment (nothing of the batch is stored).
        """
        if not events:
            return []
        received = _naive(_now())
        ids = [e.event_id for e in events]
        containers = sorted({e.container for e in events})
        with self.engine.begin() as conn:
            known: set[str] = set()
            for i in range(0, len(containers), _IN_CHUNK):
                chunk = containers[i : i + _IN_CHUNK]
                known.update(
                    conn.scalars(
                        sa.select(shipments_table.c.container).where(
                            shipments_table.c.container.in_(chunk)
                        )
                    )
                )
            problems = [
                Problem(source, k + 1, "container", e.container, "a container with a shipment")
                for k, e in enumerate(events)
                if e.container not in known
            ]
            if problems:
                raise ShipmentDataError(problems, source=source)
            stored: set[str] = set()
            for i in range(0, len(ids), _IN_CHUNK):
                chunk = ids[i : i + _IN_CHUNK]
                stored.update(
                    conn.scalars(
                        sa.select(events_table.c.event_id).where(events_table.c.event_id.in_(chunk))
                    )
                )
            new = [e for e in events if e.event_id not in stored]
            if new:
                rows = [
                    {
                        "event_id": e.event_id,
                        "container": e.container,
                        "event_type": e.event_type,
                        "code": e.code,
                        "classifier": e.classifier,
                        "event_time": _naive(e.event_time),
                        "location": e.location,
                        "mode": e.mode,
                        "received_at": received,
                    }
                    for e in new
                ]
                conn.execute(self._insert(events_table).on_conflict_do_nothing(), rows)
        return new

    def events(self, container: str) -> list[ShipmentEvent]:
        """Return a shipment's events ordered by event time (then id)."""
        t = events_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t)
                .where(t.c.container == container)
                .order_by(t.c.event_time, t.c.event_id)
            ).all()
        return [_event(r) for r in rows]

    def recent_actual_events(self, containers: Sequence[str]) -> dict[str, list[ShipmentEvent]]:
        """Return the actual events of several shipments that a new forecast starts from.

        For each shipment: its actual (``ACT``) events from the basis event of its latest
        forecast on, ordered by time (all of them before any event-based forecast). Older
        events cannot move the container back, so a forecast from these equals one from
        all its events on routes that pass each node once (planned routes do); reading them
        costs one query per 500 shipments, whatever the length of their histories.

        Parameters
        ----------
        containers
            Container numbers.

        Returns
        -------
        dict
            Container number to its events (an empty list when it has none).
        """
        t, f = events_table, forecasts_table
        basis = events_table.alias("basis")
        out: dict[str, list[ShipmentEvent]] = {c: [] for c in containers}
        keys = sorted(out)
        with self.engine.connect() as conn:
            for i in range(0, len(keys), _IN_CHUNK):
                chunk = keys[i : i + _IN_CHUNK]
                since = (
                    sa.select(f.c.container, sa.func.max(basis.c.event_time).label("t"))
                    .select_from(f.join(basis, basis.c.event_id == f.c.basis_event_id))
                    .where(f.c.container.in_(chunk))
                    .group_by(f.c.container)
                    .subquery()
                )
                rows = conn.execute(
                    sa.select(t)
                    .outerjoin(since, since.c.container == t.c.container)
                    .where(
                        t.c.container.in_(chunk),
                        t.c.classifier == "ACT",
                        sa.or_(since.c.t.is_(None), t.c.event_time >= since.c.t),
                    )
                    .order_by(t.c.container, t.c.event_time, t.c.event_id)
                )
                for r in rows:
                    out[r.container].append(_event(r))
        return out

    def count_events(self) -> int:
        """Return the number of stored events."""
        with self.engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(events_table)) or 0)

    # -- forecasts ---------------------------------------------------------------------------
    def add_forecast(self, forecast: Forecast) -> bool:
        """Keep a forecast in the history (once per basis event); return whether it was new."""
        return self.add_forecasts([forecast]) == 1

    def add_forecasts(self, forecasts: Sequence[Forecast]) -> int:
        """Keep forecasts in the history in one transaction; return how many were new."""
        now = _naive(_now())
        rows = [
            {
                "container": f.container,
                "basis_event_id": f.basis_event_id,
                "forecast_json": json.dumps(f.to_dict()),
                "p50": _naive(f.p50),
                "next_p95": None if f.next_p95 is None else _naive(f.next_p95),
                "arrived": f.arrived,
                "computed_at": now,
            }
            for f in forecasts
        ]
        if not rows:
            return 0
        t = forecasts_table
        stmt = self._insert(t).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            if self.url.get_backend_name() == "sqlite":
                # An executemany: sqlite3 sums the rows its statements inserted (RETURNING
                # would have SQLAlchemy render multi-row statements and fetch, 5x slower).
                return int(conn.execute(stmt, rows).rowcount)
            # psycopg's rowcount is -1 here: count the ids returned.
            return len(conn.execute(stmt.returning(t.c.id), rows).all())

    def forecasts(self, container: str) -> list[Forecast]:
        """Return a shipment's forecast history, oldest basis first."""
        t = forecasts_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.forecast_json).where(t.c.container == container).order_by(t.c.id)
            ).all()
        out = [_forecast(container, json.loads(r.forecast_json)) for r in rows]
        return sorted(out, key=lambda f: f.basis_time)

    # -- API keys ----------------------------------------------------------------------------
    def create_key(self, name: str, *, scopes: Iterable[str] = ("read", "write")) -> str:
        """Create an API key; return it (only its hash is stored, so show it once).

        Raises
        ------
        ValueError
            If a scope is unknown.
        """
        chosen = sorted(set(scopes))
        bad = [s for s in chosen if s not in SCOPES]
        if bad or not chosen:
            msg = f"scopes {bad or chosen}: choose from {list(SCOPES)}"
            raise ValueError(msg)
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        row = {
            "key_id": key_id,
            "name": name[:100],
            "key_hash": _hash(secret),
            "scopes": ",".join(chosen),
            "created_at": _naive(_now()),
        }
        with self.engine.begin() as conn:
            conn.execute(sa.insert(keys_table).values(row))
        return f"srk_{key_id}_{secret}"

    def key_scopes(self, key: str) -> frozenset[str]:
        """Return the scopes of an API key (empty for an unknown or wrong key)."""
        prefix, _, rest = key.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != "srk" or not key_id or not secret:
            return frozenset()
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(keys_table).where(keys_table.c.key_id == key_id)).first()
        if r is None or not hmac.compare_digest(r.key_hash, _hash(secret)):
            return frozenset()
        return frozenset(r.scopes.split(","))


def _event(r: sa.Row[Any]) -> ShipmentEvent:
    return ShipmentEvent(
        r.event_id,
        r.container,
        r.event_type,
        r.code,
        r.classifier,
        _aware(r.event_time),
        r.location,
        r.mode,
    )


def _forecast(container: str, d: dict[str, Any]) -> Forecast:
    def t(key: str) -> dt.datetime:
        return dt.datetime.fromisoformat(d[key])

    return Forecast(
        container=container,
        basis_event_id=d["basis_event_id"] or "",
        basis_code=d["basis_code"] or "",
        basis_location=d["basis_location"],
        basis_time=t("basis_time"),
        share_done=float(d["share_done"]),
        p5=t("p5"),
        p50=t("p50"),
        p95=t("p95"),
        next_location=d["next_location"] or "",
        next_p95=None if d["next_p95"] is None else t("next_p95"),
        arrived=bool(d["arrived"]),
        off_route=bool(d["off_route"]),
    )
