"""Pure presentation helpers (no Streamlit): section progress, markdown and SVG escaping, colours, level words."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from questions.conditions import Visibility
from questions.strings import tr
from scoring.axes import level
from scoring.engine import incomplete, visibility
from scoring.loader import Law

# Screen colours of the four risk levels (GB/T 39335 style: green, yellow, orange, red).
LEVEL_COLORS: dict[str, str] = {"low": "#2e7d32", "medium": "#f2b705", "high": "#ef6c00", "severe": "#c62828"}
LEVEL_TINTS: dict[str, str] = {"low": "#c8e6c9", "medium": "#fff3b0", "high": "#ffd3a6", "severe": "#f8b4b4"}
# The badge colours Streamlit offers (st.badge) that the levels use.
BadgeColor = Literal["green", "yellow", "orange", "red"]
LEVEL_BADGES: dict[str, BadgeColor] = {"low": "green", "medium": "yellow", "high": "orange", "severe": "red"}

# Every ASCII punctuation character: CommonMark lets a backslash make any of them literal.
_MD_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
# An entity html.escape wrote (kept), or an ASCII punctuation character (made an entity).
_ENTITY_OR_PUNCTUATION = re.compile(r"&(?:[a-z]+|#x?[0-9a-f]+);|[!-/:-@\[-`{-~]")
# U+2060 WORD JOINER: invisible, and it breaks a pattern Streamlit matches in text after escapes are undone.
WORD_JOINER = "\u2060"
_WWW = re.compile(r"(?i)(?<![0-9a-z])(www)(?=\\\.)")
_EMAIL_AT = re.compile(r"(?<=[0-9A-Za-z_])(\\@)")


def md(text: object) -> str:
    """`text` as literal Markdown for every Streamlit surface that renders Markdown: st.markdown, captions,
    titles, alerts, and the labels and help of widgets, tabs, expanders, metrics and buttons. The one
    escaping function for user text on a page; ui tests check every such call.

    * every ASCII punctuation character is backslash-escaped: no emphasis, link, image, table, heading,
      list, HTML, LaTeX (`$`) or colour directive can start;
    * a colon becomes the entity `&#58;`: Streamlit replaces `:shortcode:` emoji and `:material/icon:`
      after escapes are undone, but not across an entity;
    * GitHub-style autolinks (`www.`, `http://`, `name@host`), which Streamlit also finds after escapes
      are undone, are broken by an invisible word joiner, so no bare address becomes a link.
    The text reads the same on screen."""
    out = _MD_PUNCTUATION.sub(lambda m: "&#58;" if m.group() == ":" else "\\" + m.group(), str(text))
    out = out.replace("&#58;\\/\\/", "&#58;" + WORD_JOINER + "\\/\\/")  # scheme://
    out = _WWW.sub(r"\1" + WORD_JOINER, out)
    return _EMAIL_AT.sub(WORD_JOINER + r"\1", out)


def svg_text(text: object) -> str:
    """`text` as literal content of inline SVG drawn through st.markdown (ui/charts.py): the one escaping
    function for a chart's text nodes and attribute values. HTML-escaped (`html.escape`), and every other
    ASCII punctuation character becomes a numeric entity too, because Markdown still reads the text between
    the SVG's tags: no emphasis, math, colour directive or `:shortcode:` can start (the entities are decoded
    only after Markdown has read the line). Bare addresses are broken by a word joiner, as in `md`, since
    Streamlit links those in text after entities are decoded. The text reads the same on screen."""
    escaped = html.escape(str(text), quote=True)
    out = _ENTITY_OR_PUNCTUATION.sub(lambda m: m.group() if len(m.group()) > 1 else f"&#{ord(m.group())};", escaped)
    out = out.replace("&#58;&#47;&#47;", "&#58;" + WORD_JOINER + "&#47;&#47;")  # scheme://
    out = re.sub(r"(?i)(?<![0-9a-z])(www)(?=&#46;)", r"\1" + WORD_JOINER, out)
    return re.sub(r"(?<=[0-9A-Za-z_])(&#64;)", WORD_JOINER + r"\1", out)


def colon(lang: str) -> str:
    """The colon after a label, in the language's own form."""
    return tr("common", "colon", lang)


def level_label(key: str, lang: str) -> str:
    """A risk level's name in `lang`."""
    return level(key).label.get(lang)


def neighbour(asks: Sequence[bool], step: int, direction: int) -> int:
    """The next (1) or previous (-1) step that asks something, given whether each section does: a section
    the earlier answers leave without a question (nothing leaves China: no transfer section) is passed
    over; the first step and the review (the step after the last section) always count."""
    i = step + direction
    while 0 < i < len(asks) and not asks[i]:
        i += direction
    return max(i, 0)


@dataclass(frozen=True)
class SectionStatus:
    """One section's progress: the questions on screen, those answered, and required ones missing."""

    id: str
    shown: tuple[str, ...]
    answered: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def done(self) -> bool:
        return not self.missing and len(self.answered) == len(self.shown)

    @property
    def started(self) -> bool:
        return bool(self.answered)


def section_status(law: Law, answers: Mapping[str, Any]) -> list[SectionStatus]:
    """Progress of every section: the questions shown, those answered (`Question.is_answered`), and the
    required ones still missing, as `scoring.engine.incomplete` says (the engine's own rule)."""
    visible = visibility(answers, law)
    missing = incomplete(answers, law).missing
    out = []
    for section in law.bank.sections:
        shown = tuple(q.id for q in section.questions if visible[q.id] != Visibility.HIDDEN)
        answered = tuple(qid for qid in shown if law.bank.questions[qid].is_answered(answers.get(qid)))
        out.append(SectionStatus(section.id, shown, answered, missing.get(section.id, ())))
    return out


def progress(statuses: list[SectionStatus]) -> tuple[int, int]:
    """(answered, shown) over the whole questionnaire."""
    return sum(len(s.answered) for s in statuses), sum(len(s.shown) for s in statuses)


def resume_step(law: Law, answers: Mapping[str, Any]) -> int:
    """The step to open after loading answers: the first section with a question left, else the review."""
    for i, status in enumerate(section_status(law, answers)):
        if not status.done:
            return i
    return len(law.bank.sections)
