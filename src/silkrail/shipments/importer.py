"""Read shipment events from an operator's CSV export."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from silkrail.errors import Problem, ShipmentDataError
from silkrail.shipments.events import EVENT_FIELDS, events_from_records

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork
    from silkrail.shipments.events import ShipmentEvent

__all__ = ["read_events_csv"]

_OPTIONAL = frozenset({"mode", "classifier"})


def read_events_csv(path: str | Path, net: CorridorNetwork) -> list[ShipmentEvent]:
    r"""Read and validate a CSV file of events (one a row, a header line first).

    Columns are the :data:`~silkrail.shipments.events.EVENT_FIELDS` (``mode`` and
    ``classifier`` may be absent); other columns are ignored. Every problem of every row is
    collected and raised at once, so a file is stored whole or not at all.

    Parameters
    ----------
    path
        The CSV file (UTF-8, a byte-order mark is allowed).
    net
        The network whose nodes the locations name.

    Returns
    -------
    list of ShipmentEvent
        The events in file order.

    Raises
    ------
    ShipmentDataError
        Naming file, row, column, value and what is allowed, for every bad cell.
    OSError
        If the file cannot be read.

    Examples
    --------
    >>> import tempfile, silkrail
    >>> p = Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = p.write_text("event_id,container,event_type,code,event_time,location\n"
    ...                  "a,CSQU3054383,TRANSPORT,DEPA,2025-03-01T10:00Z,CNCKG\n")
    >>> [e.code for e in read_events_csv(p, silkrail.load_network())]
    ['DEPA']
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [f for f in EVENT_FIELDS if f not in header and f not in _OPTIONAL]
        if missing:
            problem = Problem(
                path.name,
                1,
                None,
                ",".join(header),
                f"a header with columns {list(EVENT_FIELDS)} (missing {missing})",
            )
            raise ShipmentDataError([problem], source=path.name)
        rows = [{(k or "").strip(): v for k, v in r.items()} for r in reader]
    return events_from_records(rows, net, source=path.name)
