"""Reports: maps and documents rendered from networks and results."""

from __future__ import annotations

from silkrail.reports.coverage import plot_network
from silkrail.reports.study import ReportSection, study_report, write_study_report

__all__ = ["ReportSection", "plot_network", "study_report", "write_study_report"]
