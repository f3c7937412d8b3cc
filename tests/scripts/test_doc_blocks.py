"""The generated blocks the validation scripts write into the docs."""

from __future__ import annotations

import pytest

from .conftest import load_script

blocks = load_script("_doc_blocks")

DOC = (
    "intro\n<!-- fit -->\nold table\n<!-- /fit -->\noutro\n<!-- other -->\nkeep\n<!-- /other -->\n"
)


def test_replace_block_replaces_only_its_block() -> None:
    new = blocks.replace_block(DOC, "fit", "new\ntable\n")
    assert new == DOC.replace("old table", "new\ntable")
    assert blocks.block(new, "other") == "keep\n"
    # Rerunning with the same body changes nothing.
    assert blocks.replace_block(new, "fit", "new\ntable") == new
    # An empty body leaves the block empty (validate_transit_times keeps such a block as is).
    assert "<!-- fit -->\n<!-- /fit -->" in blocks.replace_block(DOC, "fit", "")


def test_a_missing_block_is_an_error_naming_it() -> None:
    with pytest.raises(SystemExit, match=r"docs/x\.md has no <!-- held-out -->"):
        blocks.replace_block(DOC, "held-out", "x", where="docs/x.md")
    assert blocks.block(DOC, "held-out") is None
