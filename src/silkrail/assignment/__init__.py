"""Static user-equilibrium traffic assignment, proven on the TNTP test networks.

Read a network and trip table (:func:`read_tntp_net`, :func:`read_tntp_trips`, OMX matrices
via :func:`read_omx`), describe user classes (:class:`UserClass`) and call :func:`assign`
with one of :data:`ASSIGNMENT_METHODS`. See ``docs/assignment.md``.
"""

from __future__ import annotations

from silkrail.assignment.engine import ASSIGNMENT_METHODS, assign
from silkrail.assignment.network import TrafficNetwork, UserClass
from silkrail.assignment.omx import read_omx, write_omx
from silkrail.assignment.results import AssignmentResult, ConvergenceReport
from silkrail.assignment.skims import assignment_skims
from silkrail.assignment.tntp import TNTPFlow, read_tntp_flow, read_tntp_net, read_tntp_trips

__all__ = [
    "ASSIGNMENT_METHODS",
    "AssignmentResult",
    "ConvergenceReport",
    "TNTPFlow",
    "TrafficNetwork",
    "UserClass",
    "assign",
    "assignment_skims",
    "read_omx",
    "read_tntp_flow",
    "read_tntp_net",
    "read_tntp_trips",
    "write_omx",
]
