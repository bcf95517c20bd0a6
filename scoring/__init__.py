"""pirisk's legal model and engine: `assess(answers, as_of) -> Assessment`.

Names are imported lazily so that `import scoring` stays cheap; the data is loaded and validated on
first use, once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "AXES",
    "AnswersError",
    "Assessment",
    "DataError",
    "DateError",
    "PiriskError",
    "assess",
    "assess_frame",
    "default_law",
    "load_law",
]

_WHERE = {
    "AXES": "scoring.axes",
    "Assessment": "scoring.assessment",
    "AnswersError": "scoring.errors",
    "DataError": "scoring.errors",
    "DateError": "scoring.errors",
    "PiriskError": "scoring.errors",
    "assess": "scoring.engine",
    "assess_frame": "scoring.frame",
    "default_law": "scoring.loader",
    "load_law": "scoring.loader",
}

if TYPE_CHECKING:
    from scoring.assessment import Assessment
    from scoring.axes import AXES
    from scoring.engine import assess
    from scoring.errors import AnswersError, DataError, DateError, PiriskError
    from scoring.frame import assess_frame
    from scoring.loader import default_law, load_law


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")
