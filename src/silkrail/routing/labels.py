"""Corridor labels that name a route the way the trade press does."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.routing.results import Leg

from silkrail.routing._cache import CASPIAN_STATES
from silkrail.routing.families import NORTHERN_STATES, SOUTHERN_STATES, land_family

__all__ = ["CASPIAN_STATES", "corridor_label", "short_name"]

_PAREN = re.compile(r"\s*[(/].*$")
_PARTICLES = frozenset(
    {"Le", "La", "Los", "Las", "El", "Al", "Saint", "St", "San", "Santa", "Bandar"}
    # first words of two-word port names ("Hong Kong", "Port Klang", "Jebel Ali", "Nhava Sheva")
    | {"Hong", "Port", "Jebel", "Nhava"}
)


# Labels name the same few hundred places over and over (a plan reads ~10 paths' labels).
@functools.lru_cache(maxsize=8192)
def short_name(name: str) -> str:
    """Shorten a node name to the place name a label needs: its first word.

    Examples
    --------
    >>> short_name("Baku International Sea Trade Port (Alat)")
    'Baku'
    >>> short_name("Kuźnica Białostocka"), short_name("Zamyn-Uud"), short_name("Le Havre")
    ('Kuźnica', 'Zamyn-Uud', 'Le Havre')
    >>> short_name("Hong Kong"), short_name("Port Qasim"), short_name("Jebel Ali (Dubai)")
    ('Hong Kong', 'Port Qasim', 'Jebel Ali')
    """
    base = _PAREN.sub("", name).strip() or name
    words = base.split()
    # "Le Havre", "La Spezia", "Saint Petersburg": the first word alone names nothing.
    if len(words) > 1 and words[0].rstrip(".") in _PARTICLES:
        return " ".join(words[:2])
    return words[0]


def _dedupe(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if not out or out[-1] != n:
            out.append(n)
    return out


def corridor_label(
    legs: Sequence[Leg], node_country: dict[str, str], *, via: Sequence[str] = ()
) -> str:
    """Name the corridor a route follows.

    Sea routes are ``"Sea via Suez"`` (through the canal: a sea link between two Egyptian
    waypoints), ``"Sea via the Cape"`` or ``"Sea direct"`` (a short-sea voyage that passes
    neither). Land routes are ``"Middle Corridor"`` when they cross the Caspian by ferry,
    ``"Northern"`` through Russia or Belarus, ``"Southern"`` through Iran,
    Turkmenistan, Uzbekistan or Kyrgyzstan, else ``"Rail"``; followed by the key stops in route
    order: the first stop outside China, the ferry ports, the gauge changes outside China and
    the required via places; a land route that names none of these (from outside China,
    without a ferry or gauge change) names its first stop outside its origin's country. A via
    place a label does not name that way (on a sea route, say) is added at the end:
    ``"Sea via Suez (Shenzhen–Mersin), via Poti"``.

    Parameters
    ----------
    legs
        The route's legs.
    node_country
        Country of each node id on the route.
    via
        Ids of the nodes the route was required to pass.

    Returns
    -------
    str
        The label.
    """
    label = _label(legs, node_country, via)
    missing = [
        short_name(leg.to_name)
        for leg in (legs if via else ())
        if leg.kind == "travel" and leg.to_id in via and short_name(leg.to_name) not in label
    ]
    return f"{label}, via {'–'.join(_dedupe(missing))}" if missing else label


def _first_stop_abroad(
    legs: Sequence[Leg], node_country: dict[str, str], home: str
) -> list[tuple[int, str]]:
    """Return ``[(leg index, place)]`` of the first travel leg from ``home`` to abroad, or []."""
    for k, leg in enumerate(legs):
        if (
            leg.kind == "travel"
            and node_country[leg.from_id] == home
            and node_country[leg.to_id] != home
        ):
            return [(k, short_name(leg.to_name))]
    return []


def _label(
    legs: Sequence[Leg],
    node_country: dict[str, str],
    vias: Sequence[str],
    *,
    whole: bool = True,
) -> str:
    travel = [leg for leg in legs if leg.kind == "travel"]
    countries = {node_country[leg.to_id] for leg in travel} | {
        node_country[leg.from_id] for leg in travel
    }
    sea = [leg for leg in travel if leg.mode == "sea"]
    if sea:
        # Through the canal (a sea link between two Egyptian waypoints), round the Cape, or
        # neither (a short-sea voyage, e.g. Mersin-Piraeus, which passes no canal).
        canal = any(node_country[leg.from_id] == node_country[leg.to_id] == "EG" for leg in sea)
        by = "via Suez" if canal else "via the Cape" if "ZA" in countries else "direct"
        ends = f"{short_name(sea[0].from_name)}–{short_name(sea[-1].to_name)}"
        # Positions by identity: ``list.index`` compares legs field by field, which cost more
        # than the rest of the label (a path has no two equal legs, so the result is the same).
        at = [k for k, leg in enumerate(travel) if leg.mode == "sea"]
        before = travel[: at[0]]
        after = travel[at[-1] + 1 :]
        if not any(leg.mode == "ferry" for leg in before) and all(
            node_country[leg.to_id] == node_country[travel[0].from_id] for leg in before
        ):
            ends_in = (
                {node_country[after[0].from_id], node_country[after[-1].to_id]} if after else set()
            )
            ashore = {node_country[leg.to_id] for leg in after} | ends_in
            if any(node_country[leg.to_id] not in ends_in for leg in after) or (
                ashore & (NORTHERN_STATES | SOUTHERN_STATES)
            ):
                # A sea leg, then a land route across borders (e.g. to Vladivostok, then the
                # Trans-Siberian), or through Russia, Belarus or the southern states (Riga,
                # then rail to Novosibirsk; Dalian, then rail to Novosibirsk): name the land
                # part too. A haul inland from a port within the EU (Rotterdam to Duisburg)
                # is left unnamed.
                return f"Sea {by} ({ends}), then {_label(after, node_country, vias, whole=False)}"
            return f"Sea {by} ({ends})"
        # Land (and Caspian) legs to a port abroad, then a deep-sea leg.
        land = _label(before, node_country, vias, whole=False)
        return f"{land}, then sea {by} ({ends})"
    caspian = any(
        leg.mode == "ferry"
        and node_country[leg.from_id] in CASPIAN_STATES
        and node_country[leg.to_id] in CASPIAN_STATES
        for leg in travel
    )
    road = bool(travel) and all(leg.mode == "road" for leg in travel)
    family = land_family(countries, caspian_ferry=caspian, road=road)
    # (leg index, place): sorted by leg, so the stops read in route order.
    found: list[tuple[int, str]] = _first_stop_abroad(legs, node_country, "CN")
    for k, leg in enumerate(legs):
        if leg.kind == "travel" and leg.mode == "ferry":
            found += [(k, short_name(leg.from_name)), (k, short_name(leg.to_name))]
        elif leg.kind == "gauge change" and node_country[leg.from_id] != "CN":
            found.append((k, short_name(leg.from_name)))
        if leg.kind == "travel" and leg.to_id in vias:
            found.append((k, short_name(leg.to_name)))
    if whole and not found and travel:
        # A route from outside China with no ferry or gauge change (Almaty-Tbilisi through
        # Russia): name where it leaves its origin's country, so that the label says which way.
        found = _first_stop_abroad(legs, node_country, node_country[travel[0].from_id])
    stops = _dedupe([name for _, name in sorted(found, key=lambda f: f[0])])
    return f"{family} via {'–'.join(stops)}" if stops else family
