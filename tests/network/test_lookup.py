from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from silkrail import UnknownLocationError, locate, read_network, search_locations
from silkrail.network import normalize_name

if TYPE_CHECKING:
    from pathlib import Path

    from silkrail import CorridorNetwork


@pytest.fixture
def toy(toy_dir: Path) -> CorridorNetwork:
    return read_network(toy_dir)


@pytest.mark.parametrize(
    ("query", "node_id"),
    [
        ("CN-ALPHA", "CN-ALPHA"),  # exact id
        ("cn-alpha", "CN-ALPHA"),  # id, any case
        ("Alpha", "CN-ALPHA"),  # name
        ("  ALPHA ", "CN-ALPHA"),  # spaces and case
        ("Alfa", "CN-ALPHA"),  # alias
        ("阿尔法", "CN-ALPHA"),  # alias in Chinese script
        ("Гамма", "KZ-GAMMA"),  # alias in Cyrillic
        ("Beta Pass", "CN-BETA"),
        ("beta-pass", "CN-BETA"),  # punctuation folded
        ("Béta", "CN-BETA"),  # accented alias
        ("Beta", "CN-BETA"),  # the alias without accent
        ("epsilon", "KZ-EPSILON"),
    ],
)
def test_locate_by_id_name_alias_any_case_accent_script(
    toy: CorridorNetwork, query: str, node_id: str
) -> None:
    assert locate(toy, query).id == node_id


def test_typo_gets_suggestion(toy: CorridorNetwork) -> None:
    with pytest.raises(UnknownLocationError) as info:
        locate(toy, "Gama")
    assert info.value.suggestions[0] == "Gamma"
    assert str(info.value) == "unknown location 'Gama'; did you mean 'Gamma'?"
    assert isinstance(info.value, KeyError)


def test_nonsense_has_no_suggestion(toy: CorridorNetwork) -> None:
    with pytest.raises(UnknownLocationError, match=r"^unknown location 'zzzzqqq'$"):
        locate(toy, "zzzzqqq")


def test_ambiguous_name_lists_candidates(toy_dir: Path) -> None:
    # "Kappa" is an alias of two nodes and the name of neither.
    nodes = toy_dir / "nodes.csv"
    text = nodes.read_text(encoding="utf-8").replace("Delta,,KZ", "Delta,Kappa,KZ")
    text = text.replace("Gamma,Гамма,KZ", "Gamma,Гамма;Kappa,KZ")
    nodes.write_text(text, encoding="utf-8")
    net = read_network(toy_dir)
    with pytest.raises(UnknownLocationError) as info:
        locate(net, "kappa")
    assert info.value.ambiguous
    assert "KZ-GAMMA" in str(info.value)
    assert "KZ-DELTA" in str(info.value)
    assert "use an id" in str(info.value)


def test_a_nodes_own_name_outranks_another_nodes_alias(toy_dir: Path) -> None:
    # As "Chop": the Ukrainian station's name, and an alias of the crossings opposite.
    nodes = toy_dir / "nodes.csv"
    text = nodes.read_text(encoding="utf-8").replace("Delta,,KZ", "Delta,Gamma,KZ")
    nodes.write_text(text, encoding="utf-8")
    net = read_network(toy_dir)
    assert locate(net, "gamma").id == "KZ-GAMMA"
    assert locate(net, "Гамма").id == "KZ-GAMMA"


def test_search_ranks_prefix_before_fuzzy(toy: CorridorNetwork) -> None:
    hits = search_locations(toy, "eps")
    assert hits[0].id == "KZ-EPSILON"
    assert hits[0].score == 95.0
    assert search_locations(toy, "") == []
    assert [h.id for h in search_locations(toy, "alpah")] == ["CN-ALPHA"]


def test_normalize_name_folds_scripts() -> None:
    assert normalize_name("Хоргос") == "khorgos"
    assert normalize_name("Kapıkule") == normalize_name("Kapikule")
    assert normalize_name("Constanța") == "constanta"
