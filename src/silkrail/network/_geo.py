"""Great-circle geometry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from silkrail._typing import FloatArray

# IUGG mean Earth radius R1 (Moritz 2000, Geodetic Reference System 1980).
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distance by the haversine formula on a sphere of the mean Earth radius.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Coordinates in degrees.

    Returns
    -------
    numpy.ndarray
        Distances in km.

    Examples
    --------
    >>> import numpy as np
    >>> d = great_circle_km(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    >>> round(float(d[0]), 3)
    111.195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out
