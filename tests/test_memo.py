"""Values remembered by object identity (silkrail._memo)."""

from __future__ import annotations

from silkrail._memo import IdentityMemo


def test_a_value_is_made_once_per_object_and_extra_key() -> None:
    memo: IdentityMemo[list[int], int] = IdentityMemo()
    calls: list[int] = []
    xs, ys = [1, 2], [1, 2]  # equal, not the same object

    def make(v: list[int], k: int) -> int:
        calls.append(k)
        return sum(v) * k

    assert memo.get(xs, lambda: make(xs, 1), 1) == 3
    assert memo.get(xs, lambda: make(xs, 1), 1) == 3
    assert memo.get(ys, lambda: make(ys, 1), 1) == 3
    assert memo.get(xs, lambda: make(xs, 2), 2) == 6
    assert calls == [1, 1, 2]


def test_a_full_bounded_memo_starts_again() -> None:
    memo: IdentityMemo[object, int] = IdentityMemo(bound=2)
    objs = [object() for _ in range(3)]
    calls: list[int] = []
    for i, o in enumerate(objs):
        memo.get(o, lambda i=i: calls.append(i) or i)
    memo.get(objs[2], lambda: calls.append(99) or 99)  # kept after the clear
    memo.get(objs[0], lambda: calls.append(0) or 0)  # emptied out: made again
    assert calls == [0, 1, 2, 0]
    assert len(memo) == 2
