"""The packaged corridor dataset: valid, sourced, and covering what the planner needs."""

from __future__ import annotations

import pandas as pd
import pytest

from silkrail import load_network, locate, summarize_network
from silkrail.datasets import available, get_path, verify_checksums


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    folder = get_path("corridors")
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("nodes", "links", "sources")
    }


def test_packaged_network_is_valid_and_large_enough() -> None:
    net = load_network()
    assert net.n_nodes >= 120
    assert net.n_links >= 180


def test_checksums_match() -> None:
    assert available() == ["corridors"]
    sums = verify_checksums("corridors")
    assert set(sums) >= {"nodes.csv", "links.csv", "sources.csv"}
    assert all(sums.values()), sums


def test_every_row_has_a_source_and_every_source_a_url_and_year(
    frames: dict[str, pd.DataFrame],
) -> None:
    ids = set(frames["sources"]["id"])
    for table in ("nodes", "links"):
        for i, cell in enumerate(frames[table]["source_ids"], start=2):
            cited = [s.strip() for s in cell.split(";") if s.strip()]
            assert cited, f"{table}.csv row {i} names no source"
            assert set(cited) <= ids, f"{table}.csv row {i}: {set(cited) - ids}"
    src = frames["sources"]
    assert src["url"].str.match(r"^https?://").all()
    years = pd.to_numeric(src["year"], errors="coerce")
    assert years.between(1900, 2026).all()


def test_derived_distances_say_how(frames: dict[str, pd.DataFrame]) -> None:
    links = frames["links"]
    derived = links[links["distance_basis"] == "derived"]
    assert (derived["note"].str.len() > 0).all()


@pytest.mark.parametrize(
    "place",
    [
        "Xi'an", "Chongqing", "Chengdu", "Yiwu", "Zhengzhou", "Wuhan", "Suzhou", "Hefei",
        "Urumqi", "Lianyungang", "Shanghai", "Guangzhou", "Beijing", "Harbin", "Shijiazhuang",
        "Xiamen", "Xuzhou", "Tianjin", "Ningbo", "Shenzhen", "Alashankou", "Dostyk", "Khorgos",
        "Altynkol", "Erenhot", "Zamyn-Uud", "Manzhouli", "Zabaikalsk", "Aktogay", "Moyinty",
        "Karaganda", "Astana", "Almaty", "Shymkent", "Saryagash", "Zhezkazgan", "Beyneu",
        "Aktau", "Kuryk", "Petropavl", "Aktobe", "Tashkent", "Bukhara", "Turkmenbashi",
        "Tehran", "Bishkek", "Baku", "Tbilisi", "Akhalkalaki", "Kars", "Poti", "Batumi",
        "Constanța", "Istanbul", "Kapıkule", "Mersin", "Moscow", "Smolensk", "Minsk", "Brest",
        "Małaszewicze", "Warsaw", "Łódź", "Duisburg", "Hamburg", "Rotterdam", "Prague",
        "Budapest", "Vienna", "Milan", "Lyon", "Madrid", "London", "Helsinki", "Piraeus",
        "Kashgar",
    ],
)  # fmt: skip
def test_required_places_are_in_the_network(place: str) -> None:
    locate(load_network(), place)


def test_required_lines_and_operations() -> None:
    net = load_network()
    s = summarize_network(net)
    assert {"rail", "ferry", "sea"} <= set(s.links_by_mode)
    assert {"1435", "1520", "1668"} <= set(s.links_by_gauge)
    assert s.links_by_status.get("planned", 0) >= 1  # China–Kyrgyzstan–Uzbekistan
    for place in ("Dostyk", "Altynkol", "Brest", "Akhalkalaki", "Zabaikalsk", "Zamyn-Uud"):
        i = locate(net, place).index
        # The gauge change may sit on either side of the border; check the pair.
        pair = {i} | {int(j) for j in net.link_to[net.link_from == i]}
        pair |= {int(j) for j in net.link_from[net.link_to == i]}
        assert net.offers_gauge_change[list(pair)].any(), place
    for port in ("Aktau", "Kuryk", "Baku", "Turkmenbashi", "Poti", "Constanța"):
        assert net.offers_port_transfer[locate(net, port).index], port
