"""Generated blocks in the docs: the text between ``<!-- name -->`` and ``<!-- /name -->``.

The validation and calibration scripts write their tables into the docs between such
markers, so that a rerun replaces exactly what it wrote and nothing else.
"""

from __future__ import annotations

import re

__all__ = ["block", "replace_block"]


def _pattern(name: str) -> str:
    return rf"(<!-- {re.escape(name)} -->\n)(.*?)(<!-- /{re.escape(name)} -->)"


def replace_block(text: str, name: str, body: str, *, where: str = "the document") -> str:
    """Return `text` with the block `name` holding `body` (ending in a newline unless empty).

    Raises
    ------
    SystemExit
        If `text` has no such block (its markers were removed by hand).
    """
    if not re.search(_pattern(name), text, flags=re.S):
        msg = f"{where} has no <!-- {name} --> ... <!-- /{name} --> markers"
        raise SystemExit(msg)
    if body and not body.endswith("\n"):
        body += "\n"
    return re.sub(_pattern(name), lambda m: m.group(1) + body + m.group(3), text, flags=re.S)


def block(text: str, name: str) -> str | None:
    """Return the body of the block `name` in `text`, or ``None`` if it has none."""
    m = re.search(_pattern(name), text, flags=re.S)
    return None if m is None else m.group(2)
