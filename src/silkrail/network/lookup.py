"""Find nodes by id, name or alias: case-, accent- and script-insensitive, with suggestions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from silkrail.errors import UnknownLocationError
from silkrail.network._schema import NodeKind
from silkrail.network._text import normalize_name

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork

__all__ = ["Location", "locate", "search_locations"]

_SUGGEST_CUTOFF = 70.0
_MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Location:
    """A node found by :func:`locate` or :func:`search_locations`.

    Attributes
    ----------
    index
        Row of the node in the network's ``node_*`` columns.
    id, name, country, kind
        The node's id, English name, ISO country code and kind.
    lat, lon
        Coordinates in degrees.
    aliases
        Other spellings.
    score
        Match quality from 0 to 100 (100 = exact id, name or alias).
    """

    index: int
    id: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    aliases: tuple[str, ...]
    score: float = 100.0

    def to_dict(self) -> dict[str, object]:
        """Return the location as a JSON-ready dict."""
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "kind": self.kind,
            "lat": self.lat,
            "lon": self.lon,
            "aliases": list(self.aliases),
            "score": self.score,
        }


def _location(net: CorridorNetwork, i: int, score: float = 100.0) -> Location:
    return Location(
        index=i,
        id=str(net.node_id[i]),
        name=str(net.node_name[i]),
        country=str(net.node_country[i]),
        kind=NodeKind(int(net.node_kind[i])).name.lower(),
        lat=float(net.node_lat[i]),
        lon=float(net.node_lon[i]),
        aliases=net.aliases_of(i),
        score=score,
    )


def _keys(net: CorridorNetwork) -> dict[str, tuple[int, ...]]:
    return net._search_keys


def locate(net: CorridorNetwork, name: str) -> Location:
    """Find the one node a user means by `name`.

    Matches the node id exactly (ignoring case), then any name or alias after folding case,
    accents, punctuation and script (``"Xi'an"``, ``"xian"`` and ``"西安"`` are the same key).
    Where several nodes match, the one whose own name it is wins over those that only have it
    as an alias; otherwise the name is ambiguous.

    Parameters
    ----------
    net
        The network.
    name
        An id, name or alias.

    Returns
    -------
    Location
        The matching node.

    Raises
    ------
    UnknownLocationError
        If nothing matches (the message suggests close spellings) or the name matches
        several nodes (the message lists them by id); a ``KeyError``.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> locate(net, "duisburg").id
    'DE-DUISBURG'
    >>> locate(net, "Chop").id  # also an alias of the Záhony crossing opposite
    'UA-CHOP'
    >>> locate(net, "Duisberg")
    Traceback (most recent call last):
    ...
    silkrail.errors.UnknownLocationError: unknown location 'Duisberg'; did you mean 'Duisburg'?
    """
    query = name.strip()
    exact = net._node_index.get(query)
    if exact is not None:
        # An exact id (what the planner and the service pass on): no per-call index to build.
        return _location(net, exact)
    by_id = {str(k).casefold(): i for i, k in enumerate(net.node_id)}
    if query.casefold() in by_id:
        return _location(net, by_id[query.casefold()])
    key = normalize_name(query)
    hits = _keys(net).get(key, ()) if key else ()
    if not hits:
        # "Port of Rotterdam", "Lianyungang port", "Duisburg terminal": the place without the
        # word for its kind, tried only when the whole text names nothing.
        bare = normalize_name(_without_kind_words(query))
        hits = _keys(net).get(bare, ()) if bare and bare != key else ()
    if len(hits) > 1:
        # "Chop" names the Ukrainian station and is an alias of the Záhony and Čierna crossings
        # opposite: a node's own name outranks other nodes' aliases. Two names stay ambiguous.
        named = [i for i in hits if normalize_name(str(net.node_name[i])) == key]
        if len(named) == 1:
            hits = (named[0],)
    if len(hits) == 1:
        return _location(net, hits[0])
    if len(hits) > 1:
        options = [f"{net.node_id[i]} ({net.node_name[i]}, {net.node_country[i]})" for i in hits]
        raise UnknownLocationError(name, [str(net.node_id[i]) for i in hits], ambiguous=options)
    raise UnknownLocationError(name, _suggest(net, key, latin=_is_latin(query)))


# Words for a place's kind that forwarders add to its name; dropped from either end of a query.
_KIND_WORDS = frozenset(
    {"port", "seaport", "harbour", "harbor", "terminal", "station", "railway", "rail", "city",
     "hub", "of", "the", "dry"}
)  # fmt: skip
_WORD = re.compile(r"[\w'’.-]+")


def _without_kind_words(query: str) -> str:
    """Drop kind words ("port", "terminal", "station"...) from the start and end of a query."""
    words = _WORD.findall(query)
    while words and words[0].casefold() in _KIND_WORDS:
        words.pop(0)
    while words and words[-1].casefold() in _KIND_WORDS:
        words.pop()
    return " ".join(words)


def _is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin letter (with or without diacritics)."""
    return all("LATIN" in unicodedata.name(c, "") for c in text if c.isalpha())


def _suggest(net: CorridorNetwork, key: str, *, latin: bool = True) -> list[str]:
    if not key:
        return []
    keys = _keys(net)
    texts = net._search_texts
    # Names in another script are matched through their transliteration, which nobody misspells
    # into a Latin query: 'Delhi' is close to 'madeli' (马德里, Madrid in Chinese), yet
    # suggesting it helps no one. A Latin query gets Latin spellings; a query in another script
    # is itself matched through its transliteration, so it may get any.
    candidates = [k for k in keys if _is_latin(texts[k])] if latin else list(keys)
    matches = process.extract(
        key, candidates, scorer=fuzz.ratio, limit=10, score_cutoff=_SUGGEST_CUTOFF
    )
    names: list[str] = []
    seen: set[int] = set()
    ids = {str(i).casefold() for i in net.node_id}
    for match_key, _, _ in matches:
        # Show the spelling that matched (e.g. the alias 'Duisburg'), once per node; a node id
        # ('TRMER') means nothing to a reader, so show the node's name then.
        if seen.isdisjoint(keys[match_key]):
            seen.update(keys[match_key])
            text = texts[match_key]
            if text.casefold() in ids:
                text = str(net.node_name[keys[match_key][0]])
            names.append(text)
    return names[:_MAX_SUGGESTIONS]


def search_locations(net: CorridorNetwork, query: str, *, limit: int = 10) -> list[Location]:
    """Rank nodes for a partial or misspelt query (for autocomplete).

    Exact keys score 100, prefixes 95, substrings 85; other keys are scored by fuzzy
    similarity and kept from 60 up.

    Parameters
    ----------
    net
        The network.
    query
        What the user typed so far.
    limit
        Maximum number of results.

    Returns
    -------
    list of Location
        Best first; empty if nothing is close.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> [loc.id for loc in search_locations(load_network(), "chongq", limit=1)]
    ['CNCKG']
    """
    key = normalize_name(query)
    if not key:
        return []
    best: dict[int, float] = {}
    for k, nodes in _keys(net).items():
        if k == key:
            score = 100.0
        elif k.startswith(key):
            score = 95.0
        elif key in k:
            score = 85.0
        else:
            score = float(fuzz.ratio(key, k))
            if score < 60.0:
                continue
        for i in nodes:
            best[i] = max(best.get(i, 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], str(net.node_name[kv[0]])))
    return [_location(net, i, s) for i, s in ranked[:limit]]
