"""Fuzzing the network CSV reader: any mutation of the toy files is read or reported as problems
(NetworkValidationError), never another exception. Bounded: 140 examples, derandomised."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import silkrail

TOY = Path(__file__).parents[1] / "data" / "toy"
FILES = ("nodes.csv", "links.csv", "sources.csv")
# Values that have broken readers: overflow, underflow, NaN, huge integers, odd text.
NASTY = [
    "", " ", "nan", "NaN", "inf", "-inf", "1e308", "1e-320", "-0", "0", "1e400",
    "9" * 400, "9" * 5000, "0x10", "1_000", "１２", "true", "None", '"', '""', ",", ";",
    "\x00", "\ud7ff", "Ω", "CN-ALPHA", "KZ-EPSILON", "rail", "sea", "1435", "1520",
]  # fmt: skip
cells = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
edits = st.lists(
    st.tuples(st.sampled_from(FILES), st.integers(0, 6), st.integers(0, 22), cells),
    min_size=1,
    max_size=4,
)


def _mutate(text: str, row: int, col: int, value: str) -> str:
    lines = text.splitlines()
    row %= len(lines)
    fields = lines[row].split(",")
    col %= len(fields) + 1
    if col == len(fields):
        del lines[row]  # a whole row (the header too) goes
    else:
        fields[col] = value.replace("\n", " ").replace("\r", " ")
        lines[row] = ",".join(fields)
    return "\n".join(lines) + "\n"


def _read(folder: Path) -> None:
    problems: tuple[silkrail.Problem, ...] | None = None
    try:
        silkrail.read_network(folder)
    except silkrail.NetworkValidationError as exc:
        problems = exc.problems
    if problems is not None:
        assert problems
        assert all(p.file and str(p) for p in problems)  # every problem can be shown


@given(edits=edits)
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_mutated_cells_are_read_or_reported(edits: list[tuple[str, int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "net"
        shutil.copytree(TOY, folder)
        for name, row, col, value in edits:
            path = folder / name
            text = _mutate(path.read_text(encoding="utf-8"), row, col, value)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _read(folder)


@given(name=st.sampled_from(FILES), data=st.binary(max_size=400))
@settings(max_examples=40, deadline=None, derandomize=True)
def test_arbitrary_bytes_are_reported(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "net"
        shutil.copytree(TOY, folder)
        (folder / name).write_bytes(data)
        _read(folder)
