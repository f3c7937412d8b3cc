"""Studies built on the engines: scenario against baseline, and calibration."""

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
from silkrail.studies.flow_tables import flow_study_json
from silkrail.studies.runner import Rerouting, StudyResult, rerouted_trains_bound, run_study

__all__ = [
    "CalibrationResult",
    "FoldResult",
    "Observation",
    "Rerouting",
    "StudyResult",
    "cross_validate",
    "fit_delays",
    "flow_study_json",
    "inside_range",
    "model_p50",
    "rerouted_trains_bound",
    "run_study",
]
