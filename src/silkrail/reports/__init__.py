"""Reports: maps and documents rendered from networks and results."""

from __future__ import annotations

from silkrail.reports.coverage import plot_network

__all__ = ["plot_network"]
