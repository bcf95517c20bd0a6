"""The report's print style: page geometry, type sizes and the colour of each risk level."""

from __future__ import annotations

# A4 in millimetres, with room at the foot for the disclaimer and the page number.
PAGE_FORMAT = "A4"
MARGIN = 18.0
TOP = 18.0
BOTTOM = 22.0

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 58, 96)
RULE_LINE = (206, 212, 218)
TABLE_HEAD = (233, 237, 242)
AMBER_TEXT = (146, 64, 14)

# Per level: a strong colour (badges, markers, chart outline) and a pale one (cell fills).
LEVEL_STRONG: dict[str, tuple[int, int, int]] = {
    "low": (47, 133, 90),
    "medium": (214, 158, 46),
    "high": (221, 107, 32),
    "severe": (197, 48, 48),
}
LEVEL_PALE: dict[str, tuple[int, int, int]] = {
    "low": (220, 239, 226),
    "medium": (253, 240, 205),
    "high": (253, 224, 199),
    "severe": (248, 210, 210),
}
# Per level: a darker shade for text, readable on white and on the pale fill.
LEVEL_TEXT: dict[str, tuple[int, int, int]] = {
    "low": (34, 102, 68),
    "medium": (146, 94, 12),
    "high": (180, 74, 18),
    "severe": (163, 32, 32),
}
