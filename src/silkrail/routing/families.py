"""Corridor families: the one home of Northern, Middle Corridor, Southern and Sea.

The planner's labels, its comparison options, the corridor flows and the study
report all classify routes here, so a route has one family wherever it is shown.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "NORTHERN_STATES",
    "SOUTHERN_STATES",
    "CorridorFamily",
    "family_of_label",
    "land_family",
]

#: A land route through one of these countries is Northern (unless it crosses the Caspian).
NORTHERN_STATES = frozenset({"RU", "BY"})
#: A land route through one of these (and not Northern) is Southern.
SOUTHERN_STATES = frozenset({"IR", "TM", "UZ", "KG", "AF"})


class CorridorFamily(StrEnum):
    """The corridor family of a route, as the trade press names it.

    The value is the label's first words: a route labelled ``"Northern via Dostyk–Brest"`` is
    :attr:`NORTHERN`, ``"Sea via Suez (Shanghai–Rotterdam)"`` is :attr:`SEA`, and
    ``"Middle Corridor via Aktau–Baku, then sea via Suez"`` is :attr:`MIDDLE` (the family is
    the land part's).

    Examples
    --------
    >>> CorridorFamily.MIDDLE
    <CorridorFamily.MIDDLE: 'Middle Corridor'>
    >>> str(CorridorFamily.NORTHERN)
    'Northern'
    """

    NORTHERN = "Northern"
    MIDDLE = "Middle Corridor"
    SOUTHERN = "Southern"
    SEA = "Sea"
    RAIL = "Rail"
    ROAD = "Road"


def land_family(
    countries: set[str] | frozenset[str], *, caspian_ferry: bool, road: bool = False
) -> CorridorFamily:
    """Return a land route's family from its countries and whether it crosses the Caspian.

    Parameters
    ----------
    countries
        ISO codes of the countries the route touches.
    caspian_ferry
        Whether it crosses the Caspian by ferry.
    road
        Whether it runs by road only.

    Returns
    -------
    CorridorFamily
        Middle Corridor across the Caspian, else Northern through Russia or Belarus, else
        Southern through Iran, Turkmenistan, Uzbekistan, Kyrgyzstan or Afghanistan, else Road
        for a road-only route, else Rail.

    Examples
    --------
    >>> land_family({"CN", "KZ", "RU", "BY", "PL"}, caspian_ferry=False)
    <CorridorFamily.NORTHERN: 'Northern'>
    >>> land_family({"CN", "KZ", "AZ", "GE"}, caspian_ferry=True)
    <CorridorFamily.MIDDLE: 'Middle Corridor'>
    """
    if road:
        return CorridorFamily.ROAD
    if caspian_ferry:
        return CorridorFamily.MIDDLE
    if countries & NORTHERN_STATES:
        return CorridorFamily.NORTHERN
    if countries & SOUTHERN_STATES:
        return CorridorFamily.SOUTHERN
    return CorridorFamily.RAIL


def family_of_label(label: str) -> CorridorFamily:
    """Return the family of a route from its corridor label.

    Parameters
    ----------
    label
        A label made by :func:`silkrail.routing.labels.corridor_label`.

    Returns
    -------
    CorridorFamily
        The family the label starts with.

    Raises
    ------
    ValueError
        If the label starts with no family's name.

    Examples
    --------
    >>> family_of_label("Middle Corridor via Khorgos–Aktau–Baku, then sea via Suez (Poti–Genoa)")
    <CorridorFamily.MIDDLE: 'Middle Corridor'>
    >>> family_of_label("Sea via the Cape (Shanghai–Hamburg)")
    <CorridorFamily.SEA: 'Sea'>
    """
    for family in CorridorFamily:
        value = family.value
        if label == value or label.startswith((f"{value} ", f"{value},")):
            return family
    names = ", ".join(repr(f.value) for f in CorridorFamily)
    msg = f"label {label!r} starts with no corridor family; expected one of {names}"
    raise ValueError(msg)
