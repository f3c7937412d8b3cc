"""Studies built on the engines: calibration of the parameters no source gives."""

from __future__ import annotations

from silkrail.studies.calibration import (
    CalibrationResult,
    FoldResult,
    Observation,
    cross_validate,
    fit_delays,
    inside_range,
    model_p50,
)

__all__ = [
    "CalibrationResult",
    "FoldResult",
    "Observation",
    "cross_validate",
    "fit_delays",
    "inside_range",
    "model_p50",
]
