"""The silkrail exception tree.

Every error silkrail raises derives from :class:`SilkrailError` and from the built-in exception
that fits it, so callers can catch either::

    SilkrailError
    ├── DatasetError (ValueError)            unknown dataset name, missing packaged file
    ├── NetworkValidationError (ValueError)  a network's files break one or more rules
    ├── UnknownLocationError (KeyError)      a place name matches no node
    ├── NoRouteError (ValueError)            no route satisfies the constraints
    ├── SearchBudgetError (ValueError)       a route search would exceed its label budget
    ├── TNTPFormatError (ValueError)         a malformed TNTP file
    ├── ScenarioError (ValueError)           a malformed scenario file
    ├── ExportError (ValueError)             an unsupported or failed export
    ├── ShipmentDataError (ValueError)       shipment events or a shipment break rules
    ├── UnknownShipmentError (KeyError)      no shipment with that id
    └── InsufficientMemoryError (MemoryError) a run would not fit in the memory available

    SilkrailWarning (UserWarning)
    └── ConvergenceWarning                   an iterative method missed its target
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConvergenceWarning",
    "DatasetError",
    "ExportError",
    "InsufficientMemoryError",
    "NetworkValidationError",
    "NoRouteError",
    "Problem",
    "ScenarioError",
    "SearchBudgetError",
    "ShipmentDataError",
    "SilkrailError",
    "SilkrailWarning",
    "TNTPFormatError",
    "UnknownLocationError",
    "UnknownShipmentError",
]


class SilkrailError(Exception):
    """Base class of every error raised by silkrail."""


class SilkrailWarning(UserWarning):
    """Base class of every warning issued by silkrail."""


class ConvergenceWarning(SilkrailWarning):
    """An iterative method stopped before reaching its convergence target."""


class DatasetError(ValueError, SilkrailError):
    """A packaged dataset or file name is unknown or missing."""


class ExportError(ValueError, SilkrailError):
    """An export format is unsupported or the export failed."""


class TNTPFormatError(ValueError, SilkrailError):
    """A TNTP-format file is malformed."""


class InsufficientMemoryError(MemoryError, SilkrailError):
    """A run would need more memory than the machine has available; raised before allocating."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one cell of a network's files.

    Parameters
    ----------
    file
        File name (e.g. ``"links.csv"``).
    row
        Line number in the file, counting the header as line 1 (so the first data row is 2, as
        a spreadsheet shows it), or the feature number in a GeoJSON/GeoPackage layer; ``None``
        for a problem with a whole file or column.
    column
        Column name; ``None`` when the problem concerns a whole row or file.
    value
        The offending value as text.
    rule
        What is allowed, in words.
    """

    file: str
    row: int | None
    column: str | None
    value: str
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: value {self.value!r}: {self.rule}"


class ScenarioError(ValueError, SilkrailError):
    """A scenario file is malformed.

    Parameters
    ----------
    message
        Every problem, one a line.
    problems
        The same problems as records (``column`` holds the scenario key); empty when the error
        is not about particular keys.
    """

    def __init__(self, message: str, *, problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(message)


class NetworkValidationError(ValueError, SilkrailError):
    """A network's files break one or more validation rules.

    Parameters
    ----------
    problems
        Every problem found, in file and row order.
    source
        Where the network was read from (a directory or ``"<frames>"``).
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, source: str) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        lines = [f"{len(self.problems)} problem(s) in network {source}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownLocationError(KeyError, SilkrailError):
    """A location name matches no node.

    Parameters
    ----------
    name
        The name that was looked up.
    suggestions
        Close matches, best first.
    ambiguous
        Labels of the several nodes `name` matches equally well; when given, the message asks
        the user to pick one by id.
    """

    def __init__(
        self,
        name: str,
        suggestions: list[str] | tuple[str, ...] = (),
        *,
        ambiguous: list[str] | tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        self.ambiguous = tuple(ambiguous)
        if self.ambiguous:
            msg = f"ambiguous location {name!r}: it matches {'; '.join(self.ambiguous)}; use an id"
        else:
            msg = f"unknown location {name!r}"
            if self.suggestions:
                quoted = " or ".join(repr(s) for s in self.suggestions)
                msg += f"; did you mean {quoted}?"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message and add quotes.
        return self.message


class NoRouteError(ValueError, SilkrailError):
    """No route between two locations satisfies the constraints.

    Parameters
    ----------
    message
        What was asked and, where known, which constraint blocks it.
    blocking
        Names of the constraints that block every route (e.g. ``("avoid_country",)``).
    """

    def __init__(self, message: str, *, blocking: tuple[str, ...] = ()) -> None:
        self.blocking = blocking
        super().__init__(message)


class ShipmentDataError(ValueError, SilkrailError):
    """Shipment events (a CSV export, an API batch) or a shipment break one or more rules.

    Every problem of a batch is collected before raising, and nothing of the batch is stored.

    Parameters
    ----------
    problems
        Every problem found, in row order.
    source
        Where the records came from (a file name or ``"<request>"``).
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, source: str) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        lines = [f"{len(self.problems)} problem(s) in {source}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownShipmentError(KeyError, SilkrailError):
    """No shipment has the id that was looked up.

    Parameters
    ----------
    shipment_id
        The id.
    """

    def __init__(self, shipment_id: str) -> None:
        self.shipment_id = shipment_id
        self.message = f"no shipment {shipment_id!r}; add it with `silkrail track add`"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class SearchBudgetError(ValueError, SilkrailError):
    """A route search needed more labels than its budget allows (``max_labels``).

    Parameters
    ----------
    message
        What was asked and the budget.
    limit
        The budget, in labels.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        self.limit = limit
        super().__init__(message)
