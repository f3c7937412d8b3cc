"""Studies built on the engines: scenario against baseline, and calibration.

The names load on first use (module ``__getattr__``): a scenario run (``studies.runner``)
does not import the calibration's SciPy optimisers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from silkrail._lazy import lazy_attributes

if TYPE_CHECKING:
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

# Every name is the calibration's but these.
_MODULE = dict.fromkeys(__all__, "silkrail.studies.calibration") | {
    "flow_study_json": "silkrail.studies.flow_tables",
    "Rerouting": "silkrail.studies.runner",
    "StudyResult": "silkrail.studies.runner",
    "rerouted_trains_bound": "silkrail.studies.runner",
    "run_study": "silkrail.studies.runner",
}

__getattr__, __dir__ = lazy_attributes(__name__, _MODULE)
