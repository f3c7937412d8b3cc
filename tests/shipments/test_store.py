from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from silkrail.errors import ShipmentDataError, UnknownShipmentError
from silkrail.shipments import (
    ShipmentEvent,
    ShipmentStore,
    events_from_records,
    forecast_shipment,
    ingest_events,
)

from .conftest import CONTAINER

T0 = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)


def _event(i: int, hours: float, code: str = "DEPA", where: str = "CN-XIAN") -> ShipmentEvent:
    kind = "TRANSPORT" if code in ("ARRI", "DEPA") else "EQUIPMENT"
    return ShipmentEvent(
        f"ev-{i}", CONTAINER, kind, code, "ACT", T0 + dt.timedelta(hours=hours), where, "RAIL"
    )


def test_idempotent_by_event_id(store, net):
    batch = [_event(1, 20), _event(2, 30, "ARRI", "CN-BAOJI")]
    first = ingest_events(store, batch, net)
    again = ingest_events(store, batch, net)
    assert (first.stored, first.duplicates) == (2, 0)
    assert (again.stored, again.duplicates) == (0, 2)
    assert store.count_events() == 2
    # One forecast per batch, from its latest event; none for the duplicates.
    assert [f.basis_event_id for f in store.forecasts(CONTAINER)] == ["", "ev-2"]


def test_every_event_forecasts_after_each_new_event(store, net):
    ingest_events(store, [_event(3, 40, "ARRI", "CN-LANZHOU")], net)
    batch = [_event(1, 20), _event(2, 30, "ARRI", "CN-BAOJI"), _event(4, 50, "DEPA", "CN-LANZHOU")]
    made = ingest_events(store, batch, net, every_event=True)
    # ev-1 and ev-2 are older than ev-3, stored before: only ev-4 gets a forecast.
    assert made.forecasts == 1
    assert [f.basis_event_id for f in store.forecasts(CONTAINER)] == ["", "ev-3", "ev-4"]
    more = [_event(5, 60, "ARRI", "KZ-DOSTYK"), _event(6, 70, "GCCO", "KZ-DOSTYK")]
    assert ingest_events(store, more, net, every_event=True).forecasts == 2


def _est(i: int, hours: float, where: str) -> ShipmentEvent:
    when = T0 + dt.timedelta(hours=hours)
    return ShipmentEvent(f"ev-{i}", CONTAINER, "EQUIPMENT", "GTIN", "EST", when, where, "RAIL")


def test_batch_forecast_equals_the_forecast_from_all_events(store, net):
    # The forecast after a batch reads only the events from the latest basis on; it must
    # equal the forecast from every event, also with late, estimated and off-route events.
    batches = [
        [_event(2, 30, "ARRI", "CN-BAOJI"), _event(1, 20), _est(9, 31, "CN-BAOJI")],
        [_event(4, 50, "ARRI", "CN-LANZHOU"), _event(3, 40, "ARRI", "CN-TIANSHUI")],
        [_event(5, 35, "DEPA", "CN-BAOJI")],  # older than the basis: no new forecast
        [_event(6, 60, "ARRI", "CNCKG"), _event(7, 70, "ARRI", "CN-WUWEI")],
        [_event(8, 80, "ARRI", "KZ-DOSTYK"), _event(10, 90, "ARRI", "CNCKG")],
    ]
    bases = []
    for batch in batches:
        ingest_events(store, batch, net)
        latest = store.forecasts(CONTAINER)[-1]
        expected = forecast_shipment(store.shipment(CONTAINER), store.events(CONTAINER), net)
        bases.append(latest.basis_event_id)
        assert latest.to_dict() == expected.to_dict()
    assert bases == ["ev-2", "ev-4", "ev-4", "ev-7", "ev-8"]
    assert latest.off_route  # ev-10 came after ev-8, at a node off the route


def test_out_of_order_events_are_ordered_by_time(store, net):
    late_first = [
        _event(3, 40, "ARRI", "CN-LANZHOU"),
        _event(1, 20),
        _event(2, 30, "ARRI", "CN-BAOJI"),
    ]
    for e in late_first:
        ingest_events(store, [e], net)
    assert [e.event_id for e in store.events(CONTAINER)] == ["ev-1", "ev-2", "ev-3"]
    # Events older than the latest get no forecast: the latest still starts from Lanzhou.
    history = store.forecasts(CONTAINER)
    assert [f.basis_event_id for f in history] == ["", "ev-3"]
    assert history[-1].basis_location == "CN-LANZHOU"


def test_batch_with_unknown_container_stores_nothing(store, net):
    other = ShipmentEvent("x", "MSCU1234566", "TRANSPORT", "DEPA", "ACT", T0, "CN-XIAN", "RAIL")
    with pytest.raises(ShipmentDataError, match="MSCU1234566"):
        store.add_events([_event(1, 20), other])
    assert store.count_events() == 0


def test_check_digit_rejected_with_file_row_field(net):
    rec = {
        "event_id": "a",
        "container": "MSCU1234565",
        "event_type": "TRANSPORT",
        "code": "DEPA",
        "event_time": "2025-03-01T10:00Z",
        "location": "CNCKG",
    }
    with pytest.raises(ShipmentDataError) as err:
        events_from_records(
            [rec, {**rec, "event_id": "b", "location": "Nowhere"}], net, source="ops.csv"
        )
    text = str(err.value)
    assert "ops.csv, row 2, column 'container'" in text
    assert "check digit is 6, not 5" in text
    assert "ops.csv, row 3, column 'location'" in text  # every problem is collected


def test_migrated_schema_matches_the_tables(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from silkrail.shipments.store import metadata

    store = ShipmentStore(store_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    store.close()
    assert diff == []


_WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from silkrail.shipments import ShipmentEvent, ShipmentStore
    url, tag, n, batches = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    t0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    store = ShipmentStore(url)
    for b in range(batches):
        ev = [ShipmentEvent(f"{tag}-{b}-{i}", "CSQU3054383", "TRANSPORT", "ARRI", "ACT",
                            t0 + dt.timedelta(minutes=i), "CN-BAOJI", "RAIL") for i in range(n)]
        store.add_events(ev)
    print("done", flush=True)
    """
)


def test_concurrent_writers(store):
    url = store.url.render_as_string(hide_password=False)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, f"w{k}", "200", "10"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    assert store.count_events() == 4 * 10 * 200


_SLOW_WRITER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    import sqlalchemy as sa
    from silkrail.shipments import ShipmentEvent, ShipmentStore
    from silkrail.shipments.store import events_table
    store = ShipmentStore(sys.argv[1])
    t0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    # Slow the batch down row by row, so that the kill lands in the middle of it.
    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def _slow(*args):
        time.sleep(0.05)
    with store.engine.begin() as conn:
        for i in range(10_000):
            conn.execute(events_table.insert().values(
                event_id=f"k-{i}", container="CSQU3054383", event_type="TRANSPORT", code="ARRI",
                classifier="ACT", event_time=dt.datetime(2025, 3, 1), location="CN-BAOJI",
                mode="RAIL", received_at=dt.datetime(2025, 3, 1)))
            if i == 20:
                print("writing", flush=True)
    """
)


def test_killed_writer_stores_nothing(store):
    url = store.url.render_as_string(hide_password=False)
    p = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, url], stdout=subprocess.PIPE)
    assert p.stdout is not None
    assert p.stdout.readline().strip() == b"writing"  # 20+ rows inserted, not committed
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    p.stdout.close()
    assert store.count_events() == 0
    # The store is usable after the crash (SQLite rolls back the hot journal, PostgreSQL the
    # transaction of the lost connection).
    with store.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT 1")) == 1


def test_batch_of_shipments_share_one_route_object(store_url, shipment):
    # The store parses each distinct route once, so forecasts can group a train's containers
    # by the route object; a fresh store reads them in one query.
    with ShipmentStore(store_url) as s:
        for c in ("MSCU1234565", "CSQU3054383"):
            s.add_shipment(dataclasses.replace(shipment, container=c))
    with ShipmentStore(store_url) as s:
        got = s.shipments(["MSCU1234565", "CSQU3054383"])
        assert list(got) == ["MSCU1234565", "CSQU3054383"]
        assert got["MSCU1234565"].route is got["CSQU3054383"].route
        assert got["MSCU1234565"].route == shipment.route
        assert s.shipment("CSQU3054383") is got["CSQU3054383"]
        with pytest.raises(UnknownShipmentError, match="MSCU1234566"):
            s.shipments(["CSQU3054383", "MSCU1234566"])
