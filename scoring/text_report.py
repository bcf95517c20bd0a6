"""Plain-text rendering of an Assessment for the terminal (`python -m scoring score`).

User text (the company name) is printed through `cli.terminal_safe`: no escape sequence or
other control character in it reaches the terminal."""

from __future__ import annotations

from cli import terminal_safe
from questions.strings import tr
from scoring.assessment import Assessment
from scoring.axes import AXES, level


def render_text(assessment: Assessment, lang: str, company: str = "") -> str:
    """The assessment as terminal text: scores (with each axis's caveat), findings with marked citations,
    measures that lower a score, then those also required by law with the reason they do not."""
    t = lambda key, **kw: tr("cli", key, lang, **kw)  # noqa: E731
    common = lambda key, **kw: tr("common", key, lang, **kw)  # noqa: E731
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
        if r.caveat is not None:
            lines.append(f"{'':15} {r.caveat.get(lang)}")
    route = assessment.transfer_route
    if route is not None and route.applies:
        from scoring.loader import default_law
        from scoring.transfer import route_words

        words = route_words(route, default_law(), lang)
        lines += ["", f"== {words.title}", f"{words.status}. {words.because}", words.in_place]
        lines += [w for w in (words.thresholds, words.unknowns) if w]
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
                lines.append(f"    {c.marked(lang)}")
        for e in assessment.axes[axis.key].exposure:
            lines.append(f"  * {e.text.get(lang)}")
    if assessment.unknowns:
        lines += ["", f"== {t('unknowns')}"]
        lines += [f"- {u.title.get(lang)}" for u in assessment.unknowns]
    ranked = [m for m in assessment.remedies if m.lowers_a_score]
    also = [m for m in assessment.remedies if not m.lowers_a_score]
    if ranked:
        lines += ["", f"== {t('remedies')}"]
        for i, m in enumerate(ranked, 1):
            lines.append(f"{i:2}. {m.title.get(lang)} ({t('points', n=m.reduction)})")
            if m.past_remains:
                lines.append(f"    {common('unchanged_past')}")
    if also:
        lines += ["", f"== {common('also_required_title')}", common("also_required_intro")]
        for m in also:
            lines.append(f"- {m.title.get(lang)}: {common('unchanged_' + (m.unchanged_because or 'outweighed'))}")
    for note in assessment.notes:
        lines += ["", note.get(lang)]
    lines += ["", common("disclaimer", as_of=assessment.law_as_of.isoformat())]
    return "\n".join(lines)
