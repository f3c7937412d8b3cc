"""Values remembered per object, keyed by the object's identity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

T = TypeVar("T")
V = TypeVar("V")


class IdentityMemo(Generic[T, V]):
    """Remember ``make()`` per object (and optional extra key parts), by identity.

    For objects that are not hashable by value, or too costly to hash (routes, legs, tuples of
    legs). Each entry holds its object, so an ``id`` is never reused while the entry lives.

    Parameters
    ----------
    bound
        Entries kept at most; the memo is emptied when it is full (a server sees many
        objects). ``None``: no bound, for a memo that lives as long as one computation.

    Examples
    --------
    >>> memo: IdentityMemo[list[int], int] = IdentityMemo(bound=2)
    >>> xs = [1, 2, 3]
    >>> memo.get(xs, lambda: sum(xs)), memo.get(xs, lambda: -1)
    (6, 6)
    """

    def __init__(self, *, bound: int | None = None) -> None:
        self._items: dict[tuple[Hashable, ...], tuple[T, V]] = {}
        self._bound = bound

    def __len__(self) -> int:
        """Entries held."""
        return len(self._items)

    def get(self, obj: T, make: Callable[[], V], *extra: Hashable) -> V:
        """Return the value remembered for ``obj`` and ``extra``, made by ``make`` once."""
        key = (id(obj), *extra)
        hit = self._items.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        if self._bound is not None and len(self._items) >= self._bound:
            self._items.clear()
        value = make()
        self._items[key] = (obj, value)
        return value
