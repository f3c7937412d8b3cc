"""Emission arithmetic against hand-computed legs (docs/emissions.md worked example)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pytest

from silkrail import DatasetError, read_network
from silkrail.datasets.factors import emission_factors
from silkrail.graph import leg_emissions

if TYPE_CHECKING:
    from pathlib import Path


def test_worked_example_diesel_electric_ferry() -> None:
    f = emission_factors()
    # The packaged defaults these hand computations assume (docs/emissions.md).
    assert f.diesel_rail == (17.9, 22.156)
    assert f.electric_rail_kwh_per_tkm == 0.027
    assert f.ferry == (110.6, 129.7)
    assert f.grid_wtw_g_per_kwh["KZ"] == pytest.approx(641.102, abs=1e-3)


def test_toy_legs_by_hand(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    em = leg_emissions(net, emission_factors(), cargo_tonnes=20.0)
    kz = emission_factors().grid_wtw_g_per_kwh["KZ"]
    cn = emission_factors().grid_wtw_g_per_kwh["CN"]
    # T1: 477 km electric in China: 477 x 20 t x 0.027 kWh/tkm x CN g/kWh.
    assert em.link_wtw[0] == pytest.approx(477 * 20 * 0.027 * cn / 1000)
    assert em.link_ttw[0] == 0.0
    # T2: 12 km diesel: TTW 12 x 20 x 17.9 g = 4.296 kg; WTW 12 x 20 x 22.156 g = 5.31744 kg.
    assert em.link_ttw[1] == pytest.approx(4.296)
    assert em.link_wtw[1] == pytest.approx(5.31744)
    # T3: 310 km electric in Kazakhstan.
    assert em.link_wtw[2] == pytest.approx(310 * 20 * 0.027 * kz / 1000)
    # T4: 1,000 km would be 358.0 / 443.12 kg (worked example); 2,700 km is 2.7 times that.
    assert em.link_ttw[3] == pytest.approx(2.7 * 358.0)
    assert em.link_wtw[3] == pytest.approx(2.7 * 443.12)
    assert np.all(em.gauge_change_wtw == 0)  # no sourced hub factor


def test_emissions_scale_with_cargo(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    f = emission_factors()
    a = leg_emissions(net, f, cargo_tonnes=10.0)
    b = leg_emissions(net, f, cargo_tonnes=20.0)
    assert np.allclose(2 * a.link_wtw, b.link_wtw)


def test_missing_grid_factor_is_named(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    f = emission_factors()
    grid = {k: v for k, v in f.grid_wtw_g_per_kwh.items() if k != "KZ"}
    with pytest.raises(DatasetError, match=r"no grid carbon intensity for \['KZ'\]"):
        leg_emissions(net, replace(f, grid_wtw_g_per_kwh=grid), cargo_tonnes=20.0)


def test_road_factor_is_the_tables_default_row() -> None:
    from importlib import resources

    import pandas as pd

    path = resources.files("silkrail.datasets") / "factors" / "emission_factors.csv"
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, keep_default_na=False)
    default = table["is_default"].astype(str).str.lower() == "true"
    [row] = table[(table["mode"] == "road") & default].itertuples()
    f = emission_factors()
    assert f.road == (row.ttw_value, row.wtw_value) == (88.0, 110.0)
    assert f.factor_ids["road"] == "road_artic_34_40t_diesel_glec"


def test_road_legs_by_hand(toy_road_dir: Path) -> None:
    net = read_network(toy_road_dir)
    em = leg_emissions(net, emission_factors(), cargo_tonnes=20.0)
    r1 = net.link_id.tolist().index("R1")
    # 30 km x 20 t x 88.0 g/tkm = 52.8 kg TTW; x 110.0 g/tkm = 66.0 kg WTW (factors README).
    assert em.link_ttw[r1] == pytest.approx(52.8)
    assert em.link_wtw[r1] == pytest.approx(66.0)
    # The rail links keep their own factors.
    assert em.link_ttw[net.link_id.tolist().index("T0")] == 0.0
