"""Scenario files: YAML text → validated :class:`ScenarioSpec`.

A scenario file changes the corridor model for one study: closures over date ranges,
capacity changes, ferry parameters, demand growth, and optionally the train services and
model options. Every key is checked; all problems are reported at once, each naming the file,
the key, the value and the rule, in a :class:`~silkrail.errors.ScenarioError`.

Example file::

    name: aktau-closure
    description: Aktau port closed for two weeks in March
    start_date: 2025-01-01          # day 0; needed only when dates are used below
    closures:
      - target: KZ-AKTAU            # node id, link id or station name
        start: 2025-03-01           # a date, or days from the start (a number)
        end: 2025-03-15             # exclusive
    capacity:
      - target: KZ-DOSTYK
        factor: 1.25                # × capacity (÷ service time, × vessel FEU)
        servers: 3                  # optional, server stations and sections
        start: 0
        end: 365
    ferries:                        # overrides, on one target or on every ferry
      - policy: full
        max_wait_hours: 72
        weather_closures_per_year: 8
        weather_closure_days: 2
    demand:
      growth: 0.2                   # +20 % trains on every service
      services: {"CN-XIAN>DE-DUISBURG via CN-ALASHANKOU": 0.5}   # by service name
    services:                       # optional: replace the default services
      - {origin: Xi'an, destination: Duisburg, trains_per_week: 20, via: [Alashankou]}
    model:                          # optional corridor_model options
      vessel_feu: 60                # ferries whose link gives no vessel size
      ferry_policy: schedule
      router: planner               # routes of the file's services: planner or fastest
      include_planned: false        # true: routes may use planned lines and crossings
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from silkrail.errors import NoRouteError, Problem, ScenarioError, UnknownLocationError
from silkrail.simulation.corridor import (
    ROUTERS,
    CorridorService,
    corridor_model,
    default_services,
)
from silkrail.simulation.model import (
    FERRY_POLICIES,
    CapacityChange,
    Closure,
    FerryChange,
    Scenario,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from silkrail.network import CorridorNetwork
    from silkrail.simulation.model import SimulationModel

__all__ = ["ScenarioSpec", "scenario_from_dict", "scenario_from_yaml"]

_TOP = (
    "name",
    "description",
    "start_date",
    "closures",
    "capacity",
    "ferries",
    "demand",
    "services",
    "model",
    "flows",
)
#: Keys of the ``flows`` section (read by ``silkrail flows``; the simulator ignores them).
FLOW_KEYS = (
    "sea_rate_factor",
    "rail_tariff_factor",
    "transit_time_factor",
    "through_disruptions",
    "depart",
)
#: Corridors a ``flows.transit_time_factor`` may name (``silkrail.routing.choice.CORRIDORS``).
FLOW_CORRIDORS = ("sea", "Northern", "Middle Corridor", "Southern", "other rail")
_CORRIDOR_OPTIONS: dict[str, str] = {
    "vessel_feu": "vessel_feu",
    "sea_vessel_feu": "vessel_feu",
    "ferry_policy": "policy",
    "ferry_max_wait_hours": "hours",
    "yard_cv": "cv",
    "port_cv": "cv",
    "port_servers": "count0",
    "section_share": "share1",
    "router": "router",
    "include_planned": "bool",
}
_FERRY_FIELDS: dict[str, str] = {
    "vessel_feu": "vessel_feu",
    "policy": "policy",
    "interval_hours": "hours",
    "max_wait_hours": "hours",
    "weather_closures_per_year": "per_year",
    "weather_closure_days": "closure_days",
}
_SERVICE_FIELDS = (
    "origin",
    "destination",
    "trains_per_week",
    "feu",
    "random_share",
    "jitter_hours",
    "via",
    "name",
    "both_directions",
)
#: Most servers (tracks, cranes, berths) of one station: no terminal of the corridors has more
#: than a few dozen, and the engine allocates per server.
MAX_SERVERS = 1000
#: Plausible ranges of every number of a scenario file (docs/simulation.md, "Ranges"). They
#: are wide, but bounded: a value outside them is a typo or an attack, and would make the
#: engine allocate or loop without limit (1e6 weather closures a year, 2**70 servers).
_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "factor": (lambda v: 0 < v <= 100, "must be > 0 and at most 100"),
    "vessel_feu": (lambda v: 0 < v <= 25_000, "must be > 0 and at most 25,000 FEU"),
    "feu": (lambda v: 0 < v <= 1_000, "must be > 0 and at most 1,000 FEU a train"),
    "trains_per_week": (lambda v: 0 <= v <= 1_000, "must be between 0 and 1,000"),
    "hours": (lambda v: 0 <= v <= 8_760, "must be between 0 and 8,760 hours (a year)"),
    "cv": (lambda v: 0 <= v <= 10, "must be between 0 and 10"),
    "per_year": (lambda v: 0 <= v <= 365, "must be between 0 and 365 a year"),
    "closure_days": (lambda v: 0 <= v <= 365, "must be between 0 and 365 days"),
    "growth": (lambda v: -1 < v <= 100, "must be > -1 (-0.3 = 30 % fewer) and at most 100"),
    "share": (lambda v: 0 <= v <= 1, "must be in [0, 1]"),
    "share1": (lambda v: 0 < v <= 1, "must be in (0, 1]"),
    "count": (
        lambda v: 1 <= v <= MAX_SERVERS and v == int(v),
        f"must be a whole number from 1 to {MAX_SERVERS}",
    ),
    "count0": (
        lambda v: 0 <= v <= MAX_SERVERS and v == int(v),
        f"must be a whole number from 0 to {MAX_SERVERS}",
    ),
    "day": (lambda v: -36_500 <= v <= 36_500, "must be a day number within 100 years"),
}
#: Longest text value (a name, a description, a place).
_MAX_TEXT = 10_000
#: Longest text value shown in a message.
_SHOWN_CHARS = 80


def _shown(value: object) -> str:
    """Python's repr of a bad value, short enough for a message (and for huge integers)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        # str() refuses more than 4,300 digits; log10 rounds 99...9 up to a power of ten.
        digits = int(math.log10(abs(value))) + 1
        if 10 ** (digits - 1) > abs(value):
            digits -= 1
        return f"an integer of {digits} digits"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _message(source: str, problems: list[Problem]) -> str:
    lines = [f"{len(problems)} problem(s) in scenario {source}:"]
    for p in problems:
        key = f"key {p.column!r}: " if p.column else ""
        value = f"value {p.value}: " if p.value != "" else ""
        lines.append(f"  - {p.file}: {key}{value}{p.rule}")
    return "\n".join(lines)


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario file.

    Parameters
    ----------
    scenario
        The overrides for the engine.
    services
        Train services replacing the defaults (``None``: keep the defaults).
    corridor_options
        Keyword arguments for :func:`~silkrail.simulation.corridor_model`.
    targets
        ``(key, target)`` pairs, checked against a model by :meth:`check_targets`.
    service_keys
        The file key of each service, for messages.
    source
        Where the text came from (a file name), for messages.
    """

    scenario: Scenario
    services: tuple[CorridorService, ...] | None = None
    corridor_options: dict[str, Any] = field(default_factory=dict)
    targets: tuple[tuple[str, str], ...] = ()
    service_keys: tuple[str, ...] = ()
    source: str = "<string>"
    flows: dict[str, Any] = field(default_factory=dict)

    def build_model(self, net: CorridorNetwork) -> SimulationModel:
        """Build the corridor model with this file's services and options.

        Parameters
        ----------
        net
            The network.

        Returns
        -------
        SimulationModel
            The model, with the file's targets checked against it.

        Raises
        ------
        silkrail.errors.ScenarioError
            If a service names an unknown place or has no path, or a target matches nothing.

        Examples
        --------
        >>> from silkrail import load_network
        >>> spec = scenario_from_yaml("demand: {growth: 0.1}")
        >>> len(spec.build_model(load_network()).routes) > 10
        True
        """
        services = self.services if self.services is not None else default_services()
        keys = self.service_keys if self.services is not None else ()
        problems: list[Problem] = []
        for key, sv in zip(keys, services, strict=False):
            try:
                corridor_model(net, [sv], **self.corridor_options)
            except (UnknownLocationError, NoRouteError) as exc:
                problems.append(Problem(self.source, None, key, "", str(exc)))
        if problems:
            raise ScenarioError(_message(self.source, problems), problems=problems)
        model = corridor_model(net, services, **self.corridor_options)
        self.check_targets(model)
        return model

    def check_targets(self, model: SimulationModel) -> None:
        """Check that the file's targets and service names exist in `model`.

        Every closure, capacity and ferry target must name a station, node or link, and
        every service of ``demand.services`` a service of the model (the default services
        are named ``"<origin id>><destination id> via <gateway id>"``).

        Parameters
        ----------
        model
            The model the scenario applies to.

        Raises
        ------
        silkrail.errors.ScenarioError
            Listing every target and service name that matches nothing.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> spec = scenario_from_yaml("closures: [{target: queue, start: 0, end: 1}]")
        >>> spec.check_targets(queue_model(arrival_rate=1.0, service_rate=2.0)) is None
        True
        """
        problems = [
            Problem(
                self.source,
                None,
                key,
                repr(target),
                "matches no station, node id or link id of the model",
            )
            for key, target in self.targets
            if not model.targets(target)
        ]
        labels = {sv.label for sv in model.services}
        problems += [
            Problem(
                self.source,
                None,
                f"demand.services.{label}",
                repr(label),
                f"matches no service of the model (e.g. {next(iter(sorted(labels)), 'none')!r})",
            )
            for label, _ in self.scenario.service_growth
            if label not in labels
        ]
        if problems:
            raise ScenarioError(_message(self.source, problems), problems=problems)


class _Checker:
    """Collects problems while reading a parsed document."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def bad(self, key: str, value: object, rule: str) -> None:
        # `value` is shown as Python writes it ('text', 1.5); None means "no value given".
        shown = "" if value is None else _shown(value)
        self.problems.append(Problem(self.source, None, key, shown, rule))

    def mapping(self, key: str, value: object, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.bad(key, value, "must be a mapping of keys to values")
            return None
        for k in value:
            if k not in allowed:
                where = f"{key}.{k}" if key else str(k)
                self.bad(where, k, f"unknown key; allowed keys are {', '.join(allowed)}")
        return value

    def seq(self, key: str, value: object) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(key, value, "must be a list")
            return []
        return value

    def number(self, key: str, value: object, rule: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.bad(key, value, "must be a number")
            return None
        try:
            x = float(value)
        except OverflowError:  # an integer beyond the float range
            x = math.inf
        ok, text = _RULES[rule]
        if not math.isfinite(x) or not ok(x):
            self.bad(key, value, text)
            return None
        return x

    def text(self, key: str, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.bad(key, value, "must be a non-empty text")
            return None
        if len(value) > _MAX_TEXT:
            self.bad(key, value, f"must be at most {_MAX_TEXT} characters")
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a JSON escape such as "\\ud800"
            self.bad(key, value, "must be valid Unicode text (no lone surrogates)")
            return None
        return value.strip()

    def policy(self, key: str, value: object) -> str | None:
        if value not in FERRY_POLICIES:
            self.bad(key, value, f"must be one of {', '.join(FERRY_POLICIES)}")
            return None
        return str(value)

    def router(self, key: str, value: object) -> str | None:
        if value not in ROUTERS:
            self.bad(key, value, f"must be one of {', '.join(ROUTERS)}")
            return None
        return str(value)


def _hours(chk: _Checker, key: str, value: object, start_date: dt.date | None) -> float | None:
    """Read a time given as a day number or a date, in hours from the scenario start."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            chk.bad(key, value, "must be a day number or an ISO date (YYYY-MM-DD)")
            return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if start_date is None:
            chk.bad(key, value.isoformat(), "a date needs start_date at the top level of the file")
            return None
        return (value - start_date).days * 24.0
    days = chk.number(key, value, "day")
    return None if days is None else days * 24.0


def _window(
    chk: _Checker, key: str, item: dict[str, Any], start_date: dt.date | None, *, required: bool
) -> tuple[float, float] | None:
    start: float | None = 0.0
    end: float | None = math.inf
    for name in ("start", "end"):
        if name in item:
            value = _hours(chk, f"{key}.{name}", item[name], start_date)
        elif required:
            chk.bad(f"{key}.{name}", None, "is required")
            value = None
        else:
            continue
        if name == "start":
            start = value
        else:
            end = value
    if start is None or end is None:
        return None
    if not end > start:
        chk.bad(f"{key}.end", item.get("end"), "must be after start (end is exclusive)")
        return None
    return start, end


def _start_date(chk: _Checker, raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        chk.bad("start_date", raw, "must be an ISO date (YYYY-MM-DD)")
        return None


def _closures(
    chk: _Checker, raw: object, start_date: dt.date | None, targets: list[tuple[str, str]]
) -> list[Closure]:
    out = []
    for i, item in enumerate(chk.seq("closures", raw)):
        key = f"closures[{i}]"
        m = chk.mapping(key, item, ("target", "start", "end"))
        if m is None:
            continue
        target = chk.text(f"{key}.target", m.get("target"))
        win = _window(chk, key, m, start_date, required=True)
        if target and win:
            targets.append((f"{key}.target", target))
            out.append(Closure(target, start_hours=win[0], end_hours=win[1]))
    return out


def _capacity(
    chk: _Checker, raw: object, start_date: dt.date | None, targets: list[tuple[str, str]]
) -> list[CapacityChange]:
    out = []
    for i, item in enumerate(chk.seq("capacity", raw)):
        key = f"capacity[{i}]"
        m = chk.mapping(key, item, ("target", "factor", "servers", "start", "end"))
        if m is None:
            continue
        target = chk.text(f"{key}.target", m.get("target"))
        factor = chk.number(f"{key}.factor", m["factor"], "factor") if "factor" in m else 1.0
        servers = chk.number(f"{key}.servers", m["servers"], "count") if "servers" in m else None
        if "factor" not in m and "servers" not in m:
            chk.bad(key, None, "needs factor or servers")
        win = _window(chk, key, m, start_date, required=False)
        if target and win and factor is not None and ("servers" not in m or servers is not None):
            targets.append((f"{key}.target", target))
            out.append(
                CapacityChange(
                    target,
                    factor=factor,
                    servers=None if servers is None else int(servers),
                    start_hours=win[0],
                    end_hours=win[1],
                )
            )
    return out


def _ferries(chk: _Checker, raw: object, targets: list[tuple[str, str]]) -> list[FerryChange]:
    out = []
    for i, item in enumerate(chk.seq("ferries", raw)):
        key = f"ferries[{i}]"
        m = chk.mapping(key, item, ("target", *_FERRY_FIELDS))
        if m is None:
            continue
        values: dict[str, Any] = {}
        ok = True
        for f, rule in _FERRY_FIELDS.items():
            if f in m:
                v: object = (
                    chk.policy(f"{key}.{f}", m[f])
                    if rule == "policy"
                    else chk.number(f"{key}.{f}", m[f], rule)
                )
                ok = ok and v is not None
                values[f] = v
        target = None
        if "target" in m:
            target = chk.text(f"{key}.target", m["target"])
            ok = ok and target is not None
            if target:
                targets.append((f"{key}.target", target))
        if ok:
            out.append(FerryChange(target, **values))
    return out


def _demand(chk: _Checker, raw: object) -> tuple[float, list[tuple[str, float]]]:
    growth = 0.0
    per_service: list[tuple[str, float]] = []
    dm = chk.mapping("demand", raw, ("growth", "services"))
    if dm is None:
        return growth, per_service
    if "growth" in dm:
        growth = chk.number("demand.growth", dm["growth"], "growth") or 0.0
    if "services" in dm:
        per = dm["services"]
        if not isinstance(per, dict):
            chk.bad("demand.services", per, "must map service names to growth rates")
            per = {}
        for label, g in per.items():
            v = chk.number(f"demand.services.{label}", g, "growth")
            if v is not None:
                per_service.append((str(label), v))
    return growth, per_service


def _services(chk: _Checker, raw: object) -> tuple[list[CorridorService], list[str]]:
    built: list[CorridorService] = []
    keys: list[str] = []
    for i, item in enumerate(chk.seq("services", raw)):
        key = f"services[{i}]"
        m = chk.mapping(key, item, _SERVICE_FIELDS)
        if m is None:
            continue
        origin = chk.text(f"{key}.origin", m.get("origin"))
        dest = chk.text(f"{key}.destination", m.get("destination"))
        tpw = chk.number(f"{key}.trains_per_week", m.get("trains_per_week"), "trains_per_week")
        feu = chk.number(f"{key}.feu", m.get("feu", 50.0), "feu")
        share = chk.number(f"{key}.random_share", m.get("random_share", 0.5), "share")
        jitter = chk.number(f"{key}.jitter_hours", m.get("jitter_hours", 6.0), "hours")
        via_raw = m.get("via", [])
        via_list = chk.seq(f"{key}.via", [via_raw] if isinstance(via_raw, str) else via_raw)
        via = [chk.text(f"{key}.via[{j}]", v) for j, v in enumerate(via_list)]
        both = m.get("both_directions", True)
        if not isinstance(both, bool):
            chk.bad(f"{key}.both_directions", both, "must be true or false")
        label = (chk.text(f"{key}.name", m["name"]) or "") if m.get("name") else ""
        if (
            origin is None
            or dest is None
            or tpw is None
            or feu is None
            or share is None
            or jitter is None
            or any(v is None for v in via)
        ):
            continue
        vias = tuple(v for v in via if v)
        ends = [(origin, dest, vias, label)]
        if both is not False:
            ends.append((dest, origin, vias[::-1], f"{label} (return)" if label else ""))
        for o, d, v, n in ends:
            built.append(
                CorridorService(
                    o,
                    d,
                    trains_per_week=tpw,
                    feu=feu,
                    random_share=share,
                    jitter_hours=jitter,
                    via=v,
                    name=n,
                )
            )
            keys.append(key)
    return built, keys


def _options(chk: _Checker, raw: object) -> dict[str, Any]:
    options: dict[str, Any] = {}
    mm = chk.mapping("model", raw, tuple(_CORRIDOR_OPTIONS))
    if mm is None:
        return options
    for k, rule in _CORRIDOR_OPTIONS.items():
        if k not in mm:
            continue
        if rule in ("policy", "router"):
            choice = getattr(chk, rule)(f"model.{k}", mm[k])
            if choice is not None:
                options[k] = choice
        elif rule == "bool":
            if isinstance(mm[k], bool):
                options[k] = mm[k]
            else:
                chk.bad(f"model.{k}", mm[k], "must be true or false")
        else:
            v = chk.number(f"model.{k}", mm[k], rule)
            if v is not None:
                options[k] = int(v) if rule.startswith("count") else v
    return options


def _flows(chk: _Checker, raw: object) -> dict[str, Any]:
    """Read the ``flows`` section: sea and rail tariff factors, disruptions, departure date."""
    fm = chk.mapping("flows", raw, FLOW_KEYS)
    if fm is None:
        return {}
    out: dict[str, Any] = {}
    if "sea_rate_factor" in fm:
        out["sea_rate_factor"] = chk.number(
            "flows.sea_rate_factor", fm["sea_rate_factor"], "factor"
        )
    if "rail_tariff_factor" in fm:
        raw_rail = fm["rail_tariff_factor"]
        if isinstance(raw_rail, int | float) and not isinstance(raw_rail, bool):
            raw_rail = {"*": raw_rail}
        if not isinstance(raw_rail, dict):
            chk.bad(
                "flows.rail_tariff_factor",
                raw_rail,
                "must be a number or map country codes (or '*') to factors",
            )
            raw_rail = {}
        rail = {}
        for code, f in raw_rail.items():
            v = chk.number(f"flows.rail_tariff_factor.{code}", f, "factor")
            if v is not None:
                rail[str(code).upper() if code != "*" else "*"] = v
        out["rail_tariff_factor"] = rail
    if "transit_time_factor" in fm:
        raw_t = fm["transit_time_factor"]
        if not isinstance(raw_t, dict):
            chk.bad(
                "flows.transit_time_factor",
                raw_t,
                f"must map corridors ({', '.join(FLOW_CORRIDORS)}) to factors",
            )
            raw_t = {}
        times = {}
        for corridor, f in raw_t.items():
            if corridor not in FLOW_CORRIDORS:
                chk.bad(
                    f"flows.transit_time_factor.{corridor}",
                    corridor,
                    f"is not a corridor; corridors are {', '.join(FLOW_CORRIDORS)}",
                )
                continue
            v = chk.number(f"flows.transit_time_factor.{corridor}", f, "factor")
            if v is not None:
                times[str(corridor)] = v
        out["transit_time_factor"] = times
    if "through_disruptions" in fm:
        items = chk.seq("flows.through_disruptions", fm["through_disruptions"])
        out["through_disruptions"] = tuple(
            t for i, x in enumerate(items) if (t := chk.text(f"flows.through_disruptions[{i}]", x))
        )
    if "depart" in fm:
        raw_date = fm["depart"]
        try:
            out["depart"] = dt.date.fromisoformat(str(raw_date)).isoformat()
        except ValueError:
            chk.bad("flows.depart", raw_date, "must be an ISO date (YYYY-MM-DD)")
    return out


def scenario_from_dict(data: object, *, source: str = "<dict>") -> ScenarioSpec:
    """Validate a parsed scenario (a mapping, as YAML gives it) and build the spec.

    Parameters
    ----------
    data
        The parsed document.
    source
        Name for messages (the file name).

    Returns
    -------
    ScenarioSpec
        The scenario, optional services and model options.

    Raises
    ------
    silkrail.errors.ScenarioError
        Listing every problem: file, key, value and rule.

    Examples
    --------
    >>> spec = scenario_from_dict(
    ...     {"name": "x", "closures": [{"target": "KZ-AKTAU", "start": 10, "end": 24}]}
    ... )
    >>> spec.scenario.closures[0].end_hours
    576.0
    >>> scenario_from_dict({"closures": [{"target": "KZ-AKTAU", "start": 5, "end": 1}]})
    Traceback (most recent call last):
    ...
    silkrail.errors.ScenarioError: 1 problem(s) in scenario <dict>:
      - <dict>: key 'closures[0].end': value 1: must be after start (end is exclusive)
    """
    chk = _Checker(source)
    top = chk.mapping("", {} if data is None else data, _TOP)
    if top is None:
        raise ScenarioError(_message(source, chk.problems), problems=chk.problems)
    name = (chk.text("name", top["name"]) if "name" in top else None) or "scenario"
    description = (
        (chk.text("description", top["description"]) or "") if top.get("description") else ""
    )
    start_date = _start_date(chk, top["start_date"]) if "start_date" in top else None
    targets: list[tuple[str, str]] = []
    closures = _closures(chk, top.get("closures"), start_date, targets)
    capacity = _capacity(chk, top.get("capacity"), start_date, targets)
    ferries = _ferries(chk, top.get("ferries"), targets)
    growth, per_service = _demand(chk, top["demand"]) if "demand" in top else (0.0, [])
    services: tuple[CorridorService, ...] | None = None
    keys: list[str] = []
    if "services" in top:
        built, keys = _services(chk, top["services"])
        if not built and not chk.problems:
            chk.bad("services", top["services"], "must list at least one service")
        services = tuple(built)
    options = _options(chk, top["model"]) if "model" in top else {}
    flows = _flows(chk, top["flows"]) if "flows" in top else {}
    if chk.problems:
        raise ScenarioError(_message(source, chk.problems), problems=chk.problems)
    scenario = Scenario(
        name,
        closures=tuple(closures),
        capacity=tuple(capacity),
        ferries=tuple(ferries),
        demand_growth=growth,
        service_growth=tuple(per_service),
        description=description,
    )
    return ScenarioSpec(
        scenario=scenario,
        services=services,
        corridor_options=options,
        targets=tuple(targets),
        service_keys=tuple(keys),
        source=source,
        flows=flows,
    )


#: Largest scenario text, in characters (the examples have about 2,000).
MAX_SCENARIO_CHARS = 1_000_000
#: Deepest nesting of lists and mappings (the format needs 4).
MAX_YAML_DEPTH = 32
#: Most values of the document once aliases are expanded: a 400-byte "billion laughs" file
#: of nested aliases expands to 10**9 values, and reading it never ended.
MAX_YAML_NODES = 100_000


def _check_yaml_size(text: str, source: str, yaml: Any) -> None:
    """Refuse YAML too long, too deep or expanding to too many values, before building it.

    Walks the parser's events, which cost time in proportion to the text: the composer and
    the constructor that ``safe_load`` runs recurse (RecursionError at ~1,000 levels) and
    expand aliases.
    """
    if len(text) > MAX_SCENARIO_CHARS:
        msg = f"scenario {source} has {len(text):,} characters, over the limit of "
        raise ScenarioError(msg + f"{MAX_SCENARIO_CHARS:,}")
    sizes: dict[str, int] = {}  # values under each anchor, aliases expanded
    stack: list[tuple[int, str | None]] = [(0, None)]  # (values so far, anchor) per level
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append((1, event.anchor))
            if len(stack) - 1 > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1
                msg = (
                    f"scenario {source} nests lists and mappings more than {MAX_YAML_DEPTH} "
                    f"deep (line {line})"
                )
                raise ScenarioError(msg)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            count, anchor = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            count, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            count, anchor = sizes.get(event.anchor, 1), None
        else:
            continue
        if anchor is not None:
            sizes[anchor] = count
        total, top = stack[-1]
        stack[-1] = (total + count, top)
        if stack[0][0] + sum(c for c, _ in stack[1:]) > MAX_YAML_NODES:
            line = event.start_mark.line + 1
            msg = (
                f"scenario {source} expands to more than {MAX_YAML_NODES:,} values (aliases "
                f"repeat their anchor's values; line {line})"
            )
            raise ScenarioError(msg)


def scenario_from_yaml(text: str, *, source: str = "<string>") -> ScenarioSpec:
    r"""Parse and validate a YAML scenario.

    Parameters
    ----------
    text
        The YAML document.
    source
        Name for messages (the file name).

    Returns
    -------
    ScenarioSpec
        The validated scenario.

    Raises
    ------
    silkrail.errors.ScenarioError
        If the text is not YAML, is longer than :data:`MAX_SCENARIO_CHARS`, nests deeper
        than :data:`MAX_YAML_DEPTH` or expands (aliases) to more than :data:`MAX_YAML_NODES`
        values, or breaks a rule (every problem listed).
    ModuleNotFoundError
        If PyYAML is not installed (``pip install 'silkrail[yaml]'``).

    Examples
    --------
    >>> spec = scenario_from_yaml("name: growth\ndemand: {growth: 0.2}")
    >>> spec.scenario.name, spec.scenario.demand_growth
    ('growth', 0.2)
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the environment
        msg = "reading scenario files needs PyYAML: pip install 'silkrail[yaml]'"
        raise ModuleNotFoundError(msg) from None
    try:
        _check_yaml_size(text, source, yaml)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        msg = f"scenario {source} is not valid YAML{where}: {getattr(exc, 'problem', exc)}"
        raise ScenarioError(msg) from None
    return scenario_from_dict(data, source=source)
