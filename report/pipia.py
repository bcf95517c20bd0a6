"""The PIPIA report: the personal information protection impact assessment, filled from the answers, as the
`pipia` template of the export registry (report/formats.py). Its sections follow what the assessment must look at
(purposes and necessity; volume, scope, types and sensitivity; recipients; risks to individuals; the measures
in place and missing; for a transfer abroad, the route), and what only the company can say is left as marked
blanks. The writers print it as they print the report: a cover, then `ReportContent.sections`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from deliverable.branding import Branding
from deliverable.extras import ReportExtras
from questions.answers import AnswerSet
from questions.content import content_path
from questions.model import UNKNOWN
from questions.strings import tr
from questions.yamlfile import read_yaml
from report.content import (
    AnswerView,
    AppendixView,
    Block,
    ReportContent,
    TableView,
    build_content,
    cite_label,
    unbranded,
)
from scoring.assessment import Assessment, TransferRoute
from scoring.loader import Law, default_law
from scoring.plan import resolvable

# The provisions it rests on and the questions each section shows are data: assets/pipia_template.yaml.
_TEMPLATE = read_yaml(content_path("assets", "pipia_template.yaml"))
BASIS: tuple[str, ...] = tuple(_TEMPLATE["basis"])
TRANSFER_BASIS: tuple[str, ...] = tuple(_TEMPLATE["transfer_basis"])
PURPOSE_QUESTIONS, DATA_QUESTIONS, RECIPIENT_QUESTIONS, MEASURE_QUESTIONS = (
    tuple(_TEMPLATE["questions"][part]) for part in ("purposes", "data", "recipients", "measures")
)
# Each section's question the cross-border work adds, and the pipia string naming what it asks about.
CROSS_BORDER_ASKED = {
    "purposes": ("xb_purposes", "purposes_what"),
    "data": ("xb_people_this_year", "data_what"),
    "recipients": ("xb_recipients", "recipients_what"),
}


def build_pipia(
    assessment: Assessment,
    answer_set: AnswerSet,
    *,
    assessed_on: dt.date | None = None,
    law: Law | None = None,
    branding: Branding | None = None,
    extras: ReportExtras | None = None,
) -> ReportContent:
    """The PIPIA of `assessment` (scored from `answer_set`), in the set's language: the report's content
    (cover, findings, plan, answers, white-label) with the PIPIA's title and sections as its body."""
    law = law or default_law()
    report = build_content(assessment, answer_set, assessed_on=assessed_on, law=law, branding=branding, extras=extras)
    sections = PipiaSections(report, assessment, answer_set, law, extras or ReportExtras()).build()
    return dataclasses.replace(
        report,
        doc_title=_words(report, "doc_title"),
        kicker=report.branding_name or _words(report, "kicker"),
        sections=sections,
        appendices=(),
    )


def _words(c: ReportContent, key: str, **values: object) -> str:
    """A PIPIA string in the report's language; in a white-label report without the tool's name (user text
    filled in afterwards is left as typed)."""
    text = tr("pipia", key, c.lang)
    if c.white_label:
        text = unbranded(text, c.lang)
    return text.format(**values) if values else text


class PipiaSections:
    """The PIPIA's sections, numbered in order, and the blanks they leave, gathered for the conclusion."""

    def __init__(self, c: ReportContent, assessment: Assessment, answer_set: AnswerSet, law: Law, extras: ReportExtras):
        self.c, self.assessment, self.answers, self.law, self.extras = c, assessment, answer_set.answers, law, extras
        self.rows = {a.question_id: a for s in c.answers for a in s.rows}  # every bank question, as the report words it
        self.blanks: list[str] = []
        self.w: Callable[..., str] = lambda key, **kw: _words(c, key, **kw)

    def build(self) -> tuple[AppendixView, ...]:
        made = [
            ("scope", self.scope()),
            ("purposes", self.purposes()),
            ("data", self.data()),
            ("recipients", self.recipients()),
            ("risks", self.risks()),
            ("measures", self.measures()),
            ("transfer", self.transfer()),
            ("conclusion", self.conclusion()),  # after the others: it gathers their blanks
            ("sources", self.sources()),
        ]
        return tuple(
            AppendixView(key, self.w("section_title", n=n, title=self.w(f"{key}_title")), intro, blocks)
            for n, (key, (intro, blocks)) in enumerate(made, 1)
        )

    # -- parts ------------------------------------------------------------------------------------------

    def blank(self, *keys: str) -> tuple[str, ...]:
        """The blanks named by `keys`, marked, and remembered for the conclusion."""
        marked = tuple(self.w("blank", what=self.w(key)) for key in keys)
        self.blanks += marked
        return marked

    def answers_table(self, ids: Iterable[str]) -> TableView:
        """The questions among `ids` that the bank asks, with the answers as the report words them (a
        question hidden by earlier answers says so; one not answered says so), and the consultant's note."""
        c = self.c
        rows = tuple((a.question, self.answer_cell(a)) for qid in ids if (a := self.rows.get(qid)) is not None)
        return TableView((c.t("col_question"), c.t("col_answer")), rows, (62, 38))

    def answer_cell(self, a: AnswerView) -> str:
        if not a.note:
            return a.answer
        return self.w("answer_with_note", answer=a.answer, note=self.c.t("note_line", note=a.note))

    def missing(self, section: str) -> Block | None:
        """A line saying the cross-border question of `section` is not asked, while the bank lacks it."""
        question, what = CROSS_BORDER_ASKED[section]
        if question in self.law.bank.questions:
            return None
        return Block(text=self.w("questions_missing", what=self.w(what)))

    def answered(self, question: str) -> Any:
        return self.answers.get(question)

    @property
    def transfers(self) -> bool:
        """Whether information leaves (or may leave) China: by the decided route, else by the answer."""
        route = self.assessment.transfer_route
        if route is not None:
            return route.applies
        return self.answered("cross_border") in (True, UNKNOWN)

    @property
    def basis(self) -> tuple[str, ...]:
        return BASIS + TRANSFER_BASIS if self.transfers else BASIS

    # -- sections ---------------------------------------------------------------------------------------

    def scope(self) -> tuple[str, tuple[Block, ...]]:
        c = self.c
        facts = TableView(
            ("", ""),
            (
                (self.w("fact_company"), c.display_name),
                (self.w("fact_assessed_on"), c.assessed_on.isoformat()),
                (self.w("fact_law_as_of"), c.law_as_of.isoformat()),
            ),
            (30, 70),
        )
        basis = self.cite_lines(self.basis)
        blocks = (
            Block(
                heading=self.w("scope_basis"),
                text="" if basis else self.w("scope_no_basis", as_of=c.law_as_of.isoformat()),
                items=basis,
                key="basis",
            ),
            Block(
                heading=self.w("scope_facts"), table=facts, blanks=self.blank("blank_activities", "blank_assessors"), key="facts"
            ),
        )
        return self.w("scope_intro", as_of=c.law_as_of.isoformat()), blocks

    def purposes(self) -> tuple[str, tuple[Block, ...]]:
        blocks = [Block(table=self.answers_table(PURPOSE_QUESTIONS), key="answers")]
        blocks += [b for b in (self.missing("purposes"),) if b]
        blocks.append(Block(blanks=self.blank("blank_purposes", "blank_necessity", "blank_methods"), key="blanks"))
        return self.w("purposes_intro"), tuple(blocks)

    def data(self) -> tuple[str, tuple[Block, ...]]:
        blocks = [Block(table=self.answers_table(DATA_QUESTIONS), key="answers")]
        blocks += [b for b in (self.missing("data"),) if b]
        blocks.append(Block(blanks=self.blank("blank_fields", "blank_sensitive"), key="blanks"))
        return self.w("data_intro"), tuple(blocks)

    def recipients(self) -> tuple[str, tuple[Block, ...]]:
        blocks = [Block(table=self.answers_table(RECIPIENT_QUESTIONS), key="answers")]
        blocks += [b for b in (self.missing("recipients"),) if b]
        blocks.append(Block(blanks=self.blank("blank_recipients"), key="blanks"))
        return self.w("recipients_intro"), tuple(blocks)

    def risks(self) -> tuple[str, tuple[Block, ...]]:
        c = self.c
        findings = tuple(f"{f.ref} · {f.title}" for f in c.findings)
        blocks = [
            Block(
                heading=self.w("risks_findings"),
                text="" if findings else self.w("risks_none"),
                items=findings,
                key="findings",
            )
        ]
        if c.unknowns:
            blocks.append(Block(heading=self.w("risks_unknowns"), items=tuple(u.title for u in c.unknowns), key="unknowns"))
        blocks.append(Block(blanks=self.blank("blank_likelihood"), key="blanks"))
        if self.transfers:
            blanks = self.blank("blank_recipient_ability", "blank_after_transfer", "blank_recipient_law")
            blocks.append(Block(heading=self.w("risks_transfer"), blanks=blanks, key="transfer"))
        return self.w("risks_intro"), tuple(blocks)

    def measures(self) -> tuple[str, tuple[Block, ...]]:
        c = self.c
        blocks = [Block(heading=self.w("measures_in_place"), table=self.answers_table(MEASURE_QUESTIONS), key="in_place")]
        done = tuple(a.measure for a in c.actions if a.status == "done")
        if done:
            blocks.append(Block(heading=self.w("measures_done"), items=done, key="done"))
        if c.plan is not None:
            missing = [
                self.w("measures_step", n=step.number, title=m.title, description=m.description)
                for step in c.plan.steps
                for m in step.measures
            ]
            missing += [
                self.w("measures_line", title=m.title, description=m.description) for g in c.plan.still for m in g.measures
            ]
        else:
            missing = [self.w("measures_line", title=m.title, description=m.description) for m in (*c.measures, *c.also_required)]
        blocks.append(
            Block(
                heading=self.w("measures_missing"),
                text="" if missing else self.w("measures_none_missing"),
                items=tuple(missing),
                key="missing",
            )
        )
        blocks.append(Block(blanks=self.blank("blank_other_measures", "blank_measures_conclusion"), key="blanks"))
        return self.w("measures_intro"), tuple(blocks)

    def transfer(self) -> tuple[str, tuple[Block, ...]]:
        route = self.assessment.transfer_route
        if route is None:
            return self.w("transfer_intro"), (Block(text=self.w("transfer_none"), key="route"),)
        if not route.applies:
            return self.w("transfer_intro"), (Block(text=self.w("transfer_no_transfer"), key="route"),)
        return self.w("transfer_intro"), self.route_blocks(route)

    def route_blocks(self, route: TransferRoute) -> tuple[Block, ...]:
        lang = self.c.lang
        sep = tr("common", "list_sep", lang)
        in_place = sep.join(label.get(lang) for label in route.in_place_labels) or self.w("transfer_in_place_none")
        met = {True: "transfer_met_yes", False: "transfer_met_no", None: "transfer_met_nothing_needed"}[route.met]
        table = TableView(
            ("", ""),
            (
                (self.w("transfer_required", date=route.as_of.isoformat()), self.tool(route.label.get(lang))),
                (self.w("transfer_reason"), self.tool(route.reason.get(lang))),
                (self.w("transfer_in_place"), in_place),
                (self.w("transfer_met"), self.w(met)),
            ),
            (35, 65),
        )
        blocks = [Block(table=table, text=self.w("transfer_uncertain") if route.uncertain else "", key="route")]
        if route.thresholds:
            labels = self.cite_labels(t.provision for t in route.thresholds)
            rows = tuple(
                (self.tool(t.text.get(lang)), f"{t.value:,}", labels.get(t.provision, t.provision)) for t in route.thresholds
            )
            blocks.append(
                Block(
                    heading=self.w("transfer_thresholds"),
                    table=TableView((self.w("col_counted"), self.w("col_figure"), self.w("col_provision")), rows, (50, 15, 35)),
                    key="thresholds",
                )
            )
        if route.citations:
            cited = tuple(
                self.w("cite_line", label=cite_label(x, lang), summary=self.tool(x.summary.get(lang))) for x in route.citations
            )
            blocks.append(Block(heading=self.w("transfer_cited"), items=cited, key="cited"))
        return tuple(blocks)

    def conclusion(self) -> tuple[str, tuple[Block, ...]]:
        earlier = tuple(self.blanks)  # the sections above, before this one adds its own
        blocks = (
            Block(heading=self.w("conclusion_blanks"), items=earlier, key="earlier"),
            Block(heading=self.w("conclusion_sign_off"), blanks=self.blank("blank_conclusion", "blank_approval"), key="sign_off"),
        )
        return self.w("conclusion_intro"), blocks

    def sources(self) -> tuple[str, tuple[Block, ...]]:
        c = self.c
        route = self.assessment.transfer_route
        ids = [*self.basis, *(x.id for x in route.citations)] if route is not None else list(self.basis)
        return self.w("sources_intro", as_of=c.law_as_of.isoformat()), (
            Block(text=c.t("confidence_legend"), items=self.cite_lines(dict.fromkeys(ids)), key="cited"),
        )

    # -- citations --------------------------------------------------------------------------------------

    def cite_lines(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Each provision among `ids` in force on the law's date: its label and what it says."""
        lang = self.c.lang
        return tuple(
            self.w("cite_line", label=cite_label(x, lang), summary=self.tool(x.summary.get(lang)))
            for x in resolvable(self.law, ids, self.c.law_as_of)
        )

    def cite_labels(self, ids: Iterable[str]) -> Mapping[str, str]:
        return {x.id: cite_label(x, self.c.lang) for x in resolvable(self.law, dict.fromkeys(ids), self.c.law_as_of)}

    def tool(self, text: str) -> str:
        """The law's own text (a summary, a route's reason), without the tool's name in a white-label report."""
        return unbranded(text, self.c.lang) if self.c.white_label else text
