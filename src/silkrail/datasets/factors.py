"""The packaged emission-factor tables (ISO 14083 / GLEC method), read once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from silkrail.errors import DatasetError

__all__ = ["EmissionFactors", "emission_factors"]


def _read(name: str) -> pd.DataFrame:
    path = resources.files("silkrail.datasets") / "factors" / name
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False)


@dataclass(frozen=True)
class EmissionFactors:
    """Default intensities per mode and the grid factors for electric rail.

    Attributes
    ----------
    diesel_rail, ferry, sea, road
        ``(ttw, wtw)`` in g CO2e per tonne of cargo per km (``road``: an articulated diesel
        truck carrying the container).
    electric_rail_kwh_per_tkm
        Traction energy of an electric container train, kWh per tonne-km.
    grid_wtw_g_per_kwh
        Lifecycle carbon intensity of electricity by country (g CO2e/kWh); TTW is 0.
    cargo_tonnes_per_teu, teu_per_feu
        Default cargo mass and the TEU-per-FEU definition.
    factor_ids
        The table rows used, by mode/traction, for reports.
    """

    diesel_rail: tuple[float, float]
    ferry: tuple[float, float]
    sea: tuple[float, float]
    road: tuple[float, float]
    electric_rail_kwh_per_tkm: float
    grid_wtw_g_per_kwh: dict[str, float]
    cargo_tonnes_per_teu: float
    teu_per_feu: float
    factor_ids: dict[str, str]


def _default_row(table: pd.DataFrame, mode: str, traction: str | None) -> pd.Series:
    rows = table[(table["mode"] == mode) & (table["is_default"].astype(str).str.lower() == "true")]
    if traction is not None:
        rows = rows[rows["traction"] == traction]
    if len(rows) != 1:
        msg = f"factors/emission_factors.csv needs exactly one default row for {mode} {traction}"
        raise DatasetError(msg)
    row = rows.iloc[0]
    unit = "kwh_per_tkm" if traction == "electric" else "g_co2e_per_tkm"
    if row["unit"] != unit:
        msg = f"default {mode} {traction} factor {row['id']!r} must be in {unit}, not {row['unit']}"
        raise DatasetError(msg)
    return row


@cache
def emission_factors() -> EmissionFactors:
    """Load the packaged default emission factors.

    Returns
    -------
    EmissionFactors
        The defaults of ``datasets/factors`` (see its README and docs/emissions.md).

    Raises
    ------
    DatasetError
        If the packaged tables lack a default row.

    Examples
    --------
    >>> f = emission_factors()
    >>> f.teu_per_feu, "KZ" in f.grid_wtw_g_per_kwh, f.road
    (2.0, True, (88.0, 110.0))
    """
    table = _read("emission_factors.csv")
    grid = _read("grid_intensity.csv")
    params = _read("parameters.csv").set_index("name")["value"].astype(float)
    rows = {
        "rail diesel": _default_row(table, "rail", "diesel"),
        "rail electric": _default_row(table, "rail", "electric"),
        "ferry": _default_row(table, "ferry", None),
        "sea": _default_row(table, "sea", None),
        "road": _default_row(table, "road", None),
    }

    def pair(key: str) -> tuple[float, float]:
        return float(rows[key]["ttw_value"]), float(rows[key]["wtw_value"])

    return EmissionFactors(
        diesel_rail=pair("rail diesel"),
        ferry=pair("ferry"),
        sea=pair("sea"),
        road=pair("road"),
        electric_rail_kwh_per_tkm=float(rows["rail electric"]["wtw_value"]),
        grid_wtw_g_per_kwh={
            str(c): float(v)
            for c, v in zip(grid["country"], grid["wtw_g_co2e_per_kwh"], strict=True)
        },
        cargo_tonnes_per_teu=float(params["cargo_tonnes_per_teu"]),
        teu_per_feu=float(params["teu_per_feu"]),
        factor_ids={k: str(r["id"]) for k, r in rows.items()},
    )
