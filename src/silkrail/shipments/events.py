"""Shipment events after the DCSA Track & Trace event model, with corridor extension codes.

The structure follows the Digital Container Shipping Association's Track & Trace standard
(OpenAPI specification, repository ``dcsaorg/DCSA-OpenAPI``, folder ``tnt``): an event has an
id, a type (``TRANSPORT`` or ``EQUIPMENT``), a type code, a classifier (``ACT`` actual, ``EST``
estimated), the time it took (or will take) place, a location, the equipment (container)
reference and the mode of transport of the transport call.

Codes (see docs/tracking.md):

========== ========= =========================================================
event type code      meaning
========== ========= =========================================================
TRANSPORT  ARRI      the train, vessel, truck or barge arrived at the location
TRANSPORT  DEPA      it departed from the location
EQUIPMENT  GTIN      the container gated in to a terminal
EQUIPMENT  GTOT      the container gated out of a terminal
EQUIPMENT  LOAD      the container was loaded onto the means of transport
EQUIPMENT  DISC      the container was discharged from it
CORRIDOR   BCST      silkrail extension: border clearance started
CORRIDOR   BCCO      silkrail extension: border clearance completed
CORRIDOR   GCCO      silkrail extension: gauge change (transshipment) completed
========== ========= =========================================================

The ``CORRIDOR`` type is not part of DCSA; it carries the events of the land corridors'
border posts and gauge-change yards, which the cross-border data exchange pilots report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from silkrail.errors import Problem, ShipmentDataError, UnknownLocationError
from silkrail.network.lookup import locate

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from silkrail.network.model import CorridorNetwork

__all__ = [
    "CLASSIFIERS",
    "EVENT_CODES",
    "EVENT_FIELDS",
    "MODES",
    "ShipmentEvent",
    "check_digit",
    "events_from_records",
    "validate_container",
]

#: Event type -> its type codes (DCSA's, then the corridor extension).
EVENT_CODES: dict[str, tuple[str, ...]] = {
    "TRANSPORT": ("ARRI", "DEPA"),
    "EQUIPMENT": ("GTIN", "GTOT", "LOAD", "DISC"),
    "CORRIDOR": ("BCST", "BCCO", "GCCO"),
}
#: Actual and estimated (DCSA's eventClassifierCode; planned events are not tracked).
CLASSIFIERS = ("ACT", "EST")
#: DCSA's modeOfTransport values.
MODES = ("RAIL", "VESSEL", "TRUCK", "BARGE")
#: The record fields of an event, as in an operator's CSV export.
EVENT_FIELDS = (
    "event_id",
    "container",
    "event_type",
    "code",
    "classifier",
    "event_time",
    "location",
    "mode",
)

# ISO 6346 letter values: 10 upwards, skipping multiples of 11.
_LETTER_VALUES = dict(
    zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [v for v in range(10, 39) if v % 11], strict=True)
)
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")
_MAX_ID = 100


def check_digit(code: str) -> int:
    """Return the ISO 6346 check digit of a container number's first ten characters.

    Parameters
    ----------
    code
        Owner code (3 letters), category (U, J or Z) and serial number (6 digits).

    Returns
    -------
    int
        The check digit, 0-9.

    Raises
    ------
    ValueError
        If `code` is not 4 letters and 6 digits.

    Examples
    --------
    >>> check_digit("CSQU305438")
    3
    """
    if not re.fullmatch(r"[A-Z]{4}[0-9]{6}", code):
        msg = f"container code must be 4 capital letters and 6 digits, got {code!r}"
        raise ValueError(msg)
    total = sum((_LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(code))
    # A remainder of 10 gives check digit 0 (ISO 6346 advises against such serial numbers).
    return total % 11 % 10


def validate_container(number: str) -> str:
    """Return a container number, upper-cased, after checking its form and ISO 6346 digit.

    Parameters
    ----------
    number
        E.g. ``"CSQU3054383"`` (spaces and dashes are ignored).

    Returns
    -------
    str
        The normalised number.

    Raises
    ------
    ValueError
        If the form is wrong or the check digit does not match (the message gives the digit).

    Examples
    --------
    >>> validate_container("csqu 305438-3")
    'CSQU3054383'
    >>> validate_container("MSCU1234565")
    Traceback (most recent call last):
    ...
    ValueError: container 'MSCU1234565': ISO 6346 check digit is 6, not 5
    """
    text = re.sub(r"[\s-]", "", str(number)).upper()
    if not _CONTAINER.match(text):
        msg = (
            f"container {number!r}: expected an ISO 6346 number, 3 letters of the owner, "
            "category U, J or Z, 6 digits and the check digit (e.g. CSQU3054383)"
        )
        raise ValueError(msg)
    expected = check_digit(text[:10])
    if int(text[10]) != expected:
        msg = f"container {number!r}: ISO 6346 check digit is {expected}, not {text[10]}"
        raise ValueError(msg)
    return text


@dataclass(frozen=True)
class ShipmentEvent:
    """One validated event.

    Attributes
    ----------
    event_id
        The sender's unique id (idempotency key).
    container
        ISO 6346 container number (the shipment's id).
    event_type, code
        See :data:`EVENT_CODES`.
    classifier
        ``ACT`` or ``EST``.
    event_time
        When it took place, timezone-aware UTC.
    location
        The silkrail node id (a UN/LOCODE, a node id, name or alias resolved by
        :func:`~silkrail.locate`).
    mode
        Mode of transport of the call, one of :data:`MODES`, or ``""``.
    """

    event_id: str
    container: str
    event_type: str
    code: str
    classifier: str
    event_time: dt.datetime
    location: str
    mode: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the event as a JSON-ready dict (ISO 8601 time)."""
        return {
            "event_id": self.event_id,
            "container": self.container,
            "event_type": self.event_type,
            "code": self.code,
            "classifier": self.classifier,
            "event_time": self.event_time.isoformat(),
            "location": self.location,
            "mode": self.mode,
        }


def parse_time(text: str) -> dt.datetime:
    """Return an ISO 8601 date-time as timezone-aware UTC (naive times are taken as UTC).

    Raises
    ------
    ValueError
        If `text` is not ISO 8601.

    Examples
    --------
    >>> parse_time("2025-03-01T10:00:00+02:00").isoformat()
    '2025-03-01T08:00:00+00:00'
    """
    value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _event(
    record: Mapping[str, object],
    net: CorridorNetwork,
    problems: list[Problem],
    source: str,
    row: int | None,
    cache: dict[str, str],
) -> ShipmentEvent | None:
    def cell(name: str) -> str:
        value = record.get(name)
        return "" if value is None else str(value).strip()

    def bad(name: str, rule: str) -> None:
        problems.append(Problem(source, row, name, cell(name), rule))

    before = len(problems)
    event_id = cell("event_id")
    if not event_id or len(event_id) > _MAX_ID:
        bad("event_id", f"a non-empty id of at most {_MAX_ID} characters")
    try:
        container = validate_container(cell("container"))
    except ValueError as exc:
        bad("container", str(exc).partition(": ")[2])
        container = ""
    event_type = cell("event_type").upper()
    code = cell("code").upper()
    if event_type not in EVENT_CODES:
        bad("event_type", f"one of {', '.join(EVENT_CODES)}")
    elif code not in EVENT_CODES[event_type]:
        bad("code", f"for {event_type} events one of {', '.join(EVENT_CODES[event_type])}")
    classifier = cell("classifier").upper() or "ACT"
    if classifier not in CLASSIFIERS:
        bad("classifier", f"one of {', '.join(CLASSIFIERS)}")
    try:
        when = parse_time(cell("event_time"))
    except ValueError:
        bad("event_time", "an ISO 8601 date-time, e.g. 2025-03-01T10:00:00Z")
        when = dt.datetime.min.replace(tzinfo=dt.UTC)
    mode = cell("mode").upper()
    if mode and mode not in MODES:
        bad("mode", f"empty or one of {', '.join(MODES)}")
    where = cell("location")
    location = cache.get(where, "")
    if not location:
        try:
            location = locate(net, where).id if where else ""
        except UnknownLocationError as exc:
            bad("location", f"a UN/LOCODE or silkrail node id, name or alias ({exc})")
        else:
            if not location:
                bad("location", "a UN/LOCODE or silkrail node id, name or alias")
            cache[where] = location
    if len(problems) > before:
        return None
    return ShipmentEvent(event_id, container, event_type, code, classifier, when, location, mode)


def events_from_records(
    records: Iterable[Mapping[str, object]],
    net: CorridorNetwork,
    *,
    source: str = "<records>",
    first_row: int = 2,
) -> list[ShipmentEvent]:
    """Validate event records (CSV rows, JSON objects) into events, collecting every problem.

    Parameters
    ----------
    records
        Mappings with the :data:`EVENT_FIELDS` (``mode`` optional, ``classifier`` default
        ``ACT``).
    net
        The network whose nodes the locations name.
    source
        File name for the messages.
    first_row
        Row number of the first record (2 for a CSV file with a header line).

    Returns
    -------
    list of ShipmentEvent
        The events, in input order.

    Raises
    ------
    ShipmentDataError
        Listing every bad field of every record (file, row, field, value, what is allowed).

    Examples
    --------
    >>> import silkrail
    >>> net = silkrail.load_network()
    >>> rec = {"event_id": "e1", "container": "CSQU3054383", "event_type": "TRANSPORT",
    ...        "code": "DEPA", "event_time": "2025-03-01T10:00Z", "location": "Chongqing"}
    >>> events_from_records([rec], net)[0].location
    'CNCKG'
    >>> events_from_records([{**rec, "code": "LOAD"}], net)
    Traceback (most recent call last):
    ...
    silkrail.errors.ShipmentDataError: 1 problem(s) in <records>:
      - <records>, row 2, column 'code': value 'LOAD': for TRANSPORT events one of ARRI, DEPA
    """
    problems: list[Problem] = []
    out: list[ShipmentEvent] = []
    cache: dict[str, str] = {}
    seen: dict[str, tuple[int, int]] = {}
    for i, record in enumerate(records):
        row = first_row + i
        event = _event(record, net, problems, source, row, cache)
        if event is None:
            continue
        if event.event_id in seen:
            # The same id twice in one batch is allowed (stored once) unless it differs.
            k, first = seen[event.event_id]
            if out[k] != event:
                rule = f"unique: row {first} has this id with other values"
                problems.append(Problem(source, row, "event_id", event.event_id, rule))
            continue
        seen[event.event_id] = (len(out), row)
        out.append(event)
    if problems:
        raise ShipmentDataError(problems, source=source)
    return out
