"""Fuzzing the TNTP readers: any mutation of small net and trips files is read or reported as a
TNTPFormatError, never another exception. Bounded: 160 examples, derandomised."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import silkrail

NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 1
<NUMBER OF LINKS> 3
<END OF METADATA>
~ init term cap len fftt b power speed toll type ;
1 2 1 1 1 0.15 4 0 0 1 ;
2 3 1 1 2 0.15 4 0 0 1 ;
1 3 1 1 5 0.15 4 0 0 1 ;
"""
TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 4.0
<END OF METADATA>
Origin 1
 2 : 4.0 ;
Origin 2
 1 : 0.0 ;
"""
TOKENS = [
    "", "0", "-1", "1e12", "1e400", "nan", "inf", "9" * 400, "2.5", "<", ">", "~", ";", ":",
    "Origin", "<END OF METADATA>", "<NUMBER OF ZONES> 100000", "<NUMBER OF NODES> 1e12", "\t",
    "１", "\x00",
]  # fmt: skip
tokens = st.one_of(st.sampled_from(TOKENS), st.text(max_size=8), st.integers().map(str))
edits = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 11), tokens), min_size=1, max_size=4)


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    lines = text.splitlines()
    for row, col, token in edits:
        if not lines:
            lines = [token]
            continue
        row %= len(lines)
        fields = lines[row].split(" ")
        col %= len(fields) + 1
        if col == len(fields):
            del lines[row]
        else:
            fields[col] = token.replace("\n", " ")
            lines[row] = " ".join(fields)
    return "\n".join(lines) + "\n"


@given(which=st.sampled_from(["net", "trips"]), edits=edits)
@settings(max_examples=160, deadline=None, derandomize=True)
def test_mutated_tntp_files_are_read_or_reported(
    which: str, edits: list[tuple[int, int, str]]
) -> None:
    text = _mutate(NET if which == "net" else TRIPS, edits)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz_{which}.tntp"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        reader = silkrail.read_tntp_net if which == "net" else silkrail.read_tntp_trips
        error = None
        try:
            reader(path)
        except silkrail.TNTPFormatError as exc:
            error = str(exc)
        assert error is None or str(path) in error
