"""Plain-text rendering of an Assessment for the terminal (`python -m scoring score`).

User text (the company name) is printed through `scoring.cli.terminal_safe`: no escape sequence or
other control character in it reaches the terminal."""

from __future__ import annotations

from questions.strings import tr
from scoring.assessment import Assessment
from scoring.axes import AXES, level
from scoring.cli import terminal_safe


def render_text(assessment: Assessment, lang: str, company: str = "") -> str:
    t = lambda key, **kw: tr("cli", key, lang, **kw)  # noqa: E731
    lines = []
    company = " ".join(terminal_safe(company).split())
    if company:
        lines.append(company)
    lines.append(t("header", as_of=assessment.law_as_of.isoformat(), rules=assessment.rules_version))
    lines.append("")
    for axis in AXES:
        r = assessment.axes[axis.key]
        lines.append(
            f"{axis.label.get(lang):15} {level(r.level).label.get(lang):8} {r.score:3}/100  "
            f"L{r.likelihood} S{r.severity}  {r.reason.get(lang)}"
        )
    for axis in AXES:
        findings = assessment.findings_for(axis.key)
        if not findings:
            continue
        lines += ["", f"== {axis.label.get(lang)}"]
        for f in findings:
            imp = f.impacts[axis.key]
            flag = t("assumed") if f.uncertain else ""
            lines.append(f"- [{f.rule}] {f.title.get(lang)} (L{imp.likelihood} S{imp.severity}){flag}")
            for c in f.citations:
                lines.append(f"    {c.label(lang)}")
        for e in assessment.axes[axis.key].exposure:
            lines.append(f"  * {e.text.get(lang)}")
    if assessment.unknowns:
        lines += ["", f"== {t('unknowns')}"]
        lines += [f"- {u.title.get(lang)}" for u in assessment.unknowns]
    if assessment.remedies:
        lines += ["", f"== {t('remedies')}"]
        for i, m in enumerate(assessment.remedies, 1):
            lines.append(f"{i:2}. {m.title.get(lang)} ({t('points', n=m.reduction)})")
    for note in assessment.notes:
        lines += ["", note.get(lang)]
    lines += ["", t("disclaimer", as_of=assessment.law_as_of.isoformat())]
    return "\n".join(lines)
