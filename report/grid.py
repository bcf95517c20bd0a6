"""The likelihood x severity grid's layout, decided once for the screen (ui/charts.py), print (report/charts.py)
and images (report/images.py): severity runs along the bottom, likelihood up the side, each from 1 to 4."""

from __future__ import annotations

from collections.abc import Callable

from questions.model import Text
from scoring.axes import LIKELIHOOD_LABELS, SEVERITY_LABELS

ACROSS = "severity"  # the horizontal scale, growing to the right
UP = "likelihood"  # the vertical scale, growing upwards
STEPS = (1, 2, 3, 4)
LABELS: dict[str, tuple[Text, ...]] = {"likelihood": LIKELIHOOD_LABELS, "severity": SEVERITY_LABELS}


def place(likelihood: int, severity: int) -> tuple[int, int]:
    """A (likelihood, severity) cell as (column, row) on the grid, each 1 to 4 (row 1 at the bottom)."""
    values = {"likelihood": likelihood, "severity": severity}
    return values[ACROSS], values[UP]


def cell_level(level_of: Callable[[int, int], str], column: int, row: int) -> str:
    """The risk level of the cell at (column, row), by `level_of(likelihood, severity)`."""
    values = {ACROSS: column, UP: row}
    return level_of(values["likelihood"], values["severity"])


def tick_labels(scale: str, lang: str) -> list[str]:
    """The four words of a scale ("likelihood" or "severity"), lowest first."""
    return [t.get(lang) for t in LABELS[scale]]
