"""The browser app through Streamlit's AppTest: whole questionnaires to results, answers never lost
(back, jump, language, show_if branches, uploads), required answers, the 2012 comparison, every page."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import tr
from report.formats import FORMATS
from scoring.engine import assess, visibility
from scoring.loader import default_law
from tests import svg_charts as sv
from tests.ui_text import as_read
from ui.present import md

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
LAW = default_law()
BANK = LAW.bank
REVIEW_STEP = len(BANK.sections)


def start(**state: Any) -> AppTest:
    """The app past its welcome (tests/test_founder.py tests the welcome itself), with `state` set."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["started"] = True
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def goto_page(at: AppTest, url_path: str) -> AppTest:
    """Open a page registered by st.navigation (callable pages have no file for AppTest.switch_page)."""
    wanted = "" if url_path == "assess" else url_path  # the default page is served at the root
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == wanted]
    assert hashes, f"no page {url_path!r} registered"
    at._page_hash = hashes[0]
    return at.run()


def follow_see_results(at: AppTest) -> AppTest:
    """Follow the review's "See results", a link to the results page (AppTest cannot click a link: it
    checks the link is there, named and pointing at the results page, and opens that page)."""
    (link,) = [e for e in at.get("page_link") if e.proto.label == tr("ui", "see_results", at.session_state["lang"])]
    assert link.proto.page == "results"
    return goto_page(at, "results")


def answers(at: AppTest) -> dict[str, Any]:
    return copy.deepcopy(dict(at.session_state["answers"]))


def set_widget(at: AppTest, q: Question, value: Any) -> None:
    """Answer one question through its widget(s), as a person would."""
    if q.type == "multi":
        if value == UNKNOWN:
            at.checkbox(key=f"{q.id}__unknown").check()
        else:
            for choice in value:
                at.checkbox(key=f"{q.id}__{choice}").check()
    else:
        at.radio(key=q.id).set_value(value)


def widget_value(at: AppTest, q: Question) -> Any:
    """What the widget on screen shows, in the answers' terms."""
    if q.type == "multi":
        if at.checkbox(key=f"{q.id}__unknown").value:
            return UNKNOWN
        chosen = [c.id for c in q.choices if at.checkbox(key=f"{q.id}__{c.id}").value]
        return chosen or None
    return at.radio(key=q.id).value


def on_screen(at: AppTest, qid: str) -> bool:
    keys = {w.key for w in at.radio} | {w.key for w in at.checkbox}
    return qid in keys or any(k.startswith(f"{qid}__") for k in keys if k)


def assert_widgets_show(at: AppTest, expected: dict[str, Any]) -> None:
    """Every question of the current section that is on screen shows the stored answer."""
    step = at.session_state["step"]
    if step >= REVIEW_STEP:
        return
    for q in BANK.sections[step].questions:
        if on_screen(at, q.id):
            assert widget_value(at, q) == expected.get(q.id), q.id


def answer_section(at: AppTest, choose: Callable[[Question], Any]) -> None:
    """Answer every question of the current section on screen, revealing branches as they open."""
    section = BANK.sections[at.session_state["step"]]
    for _ in range(8):  # each round may reveal show_if branches
        vis = visibility(answers(at), LAW)
        for q in section.questions:
            assert on_screen(at, q.id) == (vis[q.id] != 0), f"{q.id}: on screen must follow visibility()"
        open_ = [q for q in section.questions if vis[q.id] != 0 and q.id not in answers(at) and choose(q) is not None]
        # Answer what is surely shown first; a question shown only while its condition is
        # unanswered ("maybe") is answered last, as a person reading down the page would.
        todo = [q for q in open_ if vis[q.id] == 2] or open_
        if not todo:
            return
        for q in todo:
            set_widget(at, q, choose(q))
        at.run()
        assert not at.exception


def walk(at: AppTest, choose: Callable[[Question], Any]) -> None:
    """From the first step, answer every section and click Next through to the review; Next passes
    over a section the answers so far leave without a question, and only such a one."""
    assert at.session_state["step"] == 0
    while (i := at.session_state["step"]) < len(BANK.sections):
        answer_section(at, choose)
        at.button(key="nav_next").click().run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        vis = visibility(answers(at), LAW)
        passed = BANK.sections[i + 1 : at.session_state["step"]]
        assert at.session_state["step"] > i
        assert all(vis[q.id] == 0 for s in passed for q in s.questions), [s.id for s in passed]


def same(a: Any, b: Any) -> bool:
    """Equal answers; tick lists in any order (the screen stores them in the bank's order)."""
    return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b


def from_profile(profile: dict[str, Any]) -> Callable[[Question], Any]:
    return lambda q: profile.get(q.id)


def cautious(q: Question) -> Any:
    """A second profile: "I don't know" wherever offered, else the first choice (or Yes)."""
    if q.unknown:
        return UNKNOWN
    if q.type == "yes_no":
        return True
    if q.type == "multi":
        return [q.choices[0].id]
    return q.choices[0].id


def careful(q: Question) -> Any:
    """A third profile: No to every yes/no question, the first choice elsewhere."""
    if q.type == "yes_no":
        return False
    if q.type == "multi":
        return [q.choices[-1].id]
    return q.choices[0].id


def article_answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


def _charts(at: AppTest) -> list[str]:
    """The charts a page draws (inline SVG)."""
    return [m.value for m in at.markdown if m.value.startswith("<svg")]


def card_scores(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_cards(assessment: Any) -> dict[str, str]:
    from scoring.axes import AXES

    return {a.label["en"]: f"{assessment.axes[a.key].score}/100" for a in AXES}


# -- whole questionnaires ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "choose", "as_of"),
    [
        ("the article's company, as of 2012", from_profile(article_answers()), dt.date(2012, 9, 4)),
        ("a company that does not know most answers, as of today", cautious, None),
        ("a careful company that says no to everything, as of 2016", careful, dt.date(2016, 6, 1)),
    ],
)
def test_a_whole_questionnaire_walks_through_to_results(
    name: str, choose: Callable[[Question], Any], as_of: dt.date | None
) -> None:
    at = start() if as_of is None else start(law_as_of=as_of)
    walk(at, choose)
    assert at.session_state["step"] == REVIEW_STEP
    given = answers(at)
    vis = visibility(given, LAW)
    for qid, value in given.items():
        assert vis[qid] != 0 and same(value, choose(BANK.questions[qid])), qid
    # The review lists every question shown, under its section's one button to change them.
    listed = {q.id for q in BANK.questions.values() if any(md(q.text["en"]) in m.value for m in at.markdown)}
    assert listed >= {qid for qid, v in vis.items() if v != 0}
    assert {b.key for b in at.button if b.key and b.key.startswith("edit__")} == {f"edit__{s.id}" for s in BANK.sections}

    follow_see_results(at)
    assert not at.exception
    assert at.title[0].value == "Results"
    day = as_of or dt.date.today()
    expected = assess(given, day)
    assert card_scores(at) == expected_cards(expected)
    radar = sv.shown(at, "radar")
    assert sv.radar_scores(radar) == {
        a: [expected.axes[a].score] for a in ("civil", "criminal", "administrative", "reputational")
    }
    assert sv.grid_places(sv.shown(at, "grid")) == {k: (r.severity, r.likelihood) for k, r in expected.axes.items()}
    text = " ".join(m.value for m in at.markdown)
    assert "not legal advice" in " ".join(i.value for i in at.info)
    assert day.isoformat().replace("-", "\\-") in text
    assert {"download_answers", "download_pdf", "download_markdown"} <= {d.key for d in at.get("download_button")}
    offered = {f.results_label for f in FORMATS if f.results_label}  # every format the Results page offers has its button
    assert offered and offered <= {d.key for d in at.get("download_button")}
    shown = [as_read(m.value) for m in at.markdown] + [as_read(e.label) for e in at.expander]  # findings expand
    for f in expected.findings[:3]:
        assert any(f.title["en"] in text for text in shown), f.rule
    if expected.unknowns:
        assert any("Not known" in m.value for m in at.markdown)


def test_the_article_profile_reproduces_the_engine_as_of_2012() -> None:
    at = start(answers=article_answers(), law_as_of=dt.date(2012, 9, 4))
    at = goto_page(at, "results")
    assert not at.exception
    expected = assess(article_answers(), dt.date(2012, 9, 4))
    assert card_scores(at) == expected_cards(expected)
    # The 2012 date is the article's reference date: the comparison says so instead of comparing a date with itself.
    assert any("article's reference date" in as_read(i.value) for i in at.info)  # the user agreements' date (issue 20)


# -- answers are never lost ------------------------------------------------------------------------


def test_back_forth_jumps_and_language_keep_every_answer() -> None:
    profile = article_answers()
    at = start()
    answer_section(at, from_profile(profile))
    at.button(key="nav_next").click().run()
    answer_section(at, from_profile(profile))
    at.button(key="nav_next").click().run()
    answer_section(at, from_profile(profile))
    kept = answers(at)
    assert len(kept) > 15

    at.button(key="nav_back").click().run()
    assert at.session_state["step"] == 1 and answers(at) == kept
    assert_widgets_show(at, kept)
    at.button(key="nav_back").click().run()
    assert at.session_state["step"] == 0 and answers(at) == kept
    assert_widgets_show(at, kept)

    at.button(key="goto__7").click().run()  # jump ahead, past unanswered sections
    assert at.session_state["step"] == 7 and answers(at) == kept
    at.button(key="goto__2").click().run()
    assert answers(at) == kept
    assert_widgets_show(at, kept)

    at.radio(key="lang_switch").set_value("zh").run()  # mid-way
    assert not at.exception
    assert at.title[0].value == "评估法律风险"
    assert answers(at) == kept
    assert_widgets_show(at, kept)
    assert at.radio(key="buys_data").options == ["是", "否", "不确定"]
    at.button(key="nav_next").click().run()
    at.radio(key="lang_switch").set_value("en").run()
    assert at.title[0].value == "Assess your exposure"
    assert answers(at) == kept

    at.button(key=f"goto__{len(default_law().bank.sections)}").click().run()  # the review
    assert not at.exception and answers(at) == kept
    at.button(key=f"edit__{BANK.section_of['buys_data']}").click().run()  # change one answer from the review
    assert at.session_state["step"] == 2
    at.radio(key="buys_data").set_value(False).run()
    kept["buys_data"] = False
    assert answers(at) == kept  # the branch's answers stay, hidden, until it comes back


def test_a_branch_hidden_and_shown_again_keeps_its_answers() -> None:
    at = start(step=3)  # sharing and disclosure
    at.radio(key="uses_processors").set_value(True).run()
    assert on_screen(at, "processor_contracts") and on_screen(at, "processor_supervision")
    at.radio(key="processor_contracts").set_value(True)
    at.radio(key="processor_supervision").set_value(UNKNOWN).run()

    at.radio(key="uses_processors").set_value(False).run()
    assert not on_screen(at, "processor_contracts")
    assert answers(at)["processor_contracts"] is True  # hidden, not lost

    at.radio(key="uses_processors").set_value(True).run()
    assert at.radio(key="processor_contracts").value is True
    assert at.radio(key="processor_supervision").value == UNKNOWN


def test_ticking_boxes_shows_branches_and_unknown_clears_the_ticks() -> None:
    at = start(step=1)  # the data section
    at.checkbox(key="data_categories__health").check().run()
    assert answers(at)["data_categories"] == ["health"]
    assert on_screen(at, "records_tier2") and not on_screen(at, "records_other")
    at.checkbox(key="data_categories__identity_contact").check().run()
    assert answers(at)["data_categories"] == ["health", "identity_contact"]  # bank order
    assert on_screen(at, "records_other")
    at.checkbox(key="data_categories__unknown").check().run()
    assert answers(at)["data_categories"] == UNKNOWN
    assert not at.checkbox(key="data_categories__health").value
    at.checkbox(key="data_categories__unknown").uncheck().run()
    assert "data_categories" not in answers(at)


def test_required_questions_stop_next_and_name_what_is_missing() -> None:
    at = start()
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == 0
    assert at.error and "Please answer these questions" in at.error[0].value
    profile = article_answers()
    for q in BANK.sections[0].questions[:-1]:
        set_widget(at, q, profile[q.id])
    at.run()
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == 0
    last = BANK.sections[0].questions[-1]
    message = as_read(at.error[0].value)
    assert last.text["en"] in message
    assert all(q.text["en"] not in message for q in BANK.sections[0].questions[:-1])
    set_widget(at, last, profile[last.id])
    at.run()
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == 1 and not at.error


def test_results_wait_for_required_answers_and_lead_back() -> None:
    at = goto_page(start(answers={"company_sector": "finance"}), "results")
    assert not at.exception
    assert "Results appear once every required question is answered" in at.warning[0].value
    assert not _charts(at)
    at.button(key="continue_questionnaire").click().run()
    assert not at.exception
    assert at.title[0].value == "Assess your exposure"
    assert at.session_state["step"] == 0


def test_the_results_page_scores_once_per_answers_and_date_not_at_every_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a finding, a tab or a "why" box runs the page again; the ranked assessment is made again only
    when the answers or the law date changed."""
    from ui import results

    made: list[dt.date] = []
    real = results.assess_answers

    def counted(answer_set: Any, day: dt.date, **kwargs: Any) -> Any:
        made.append(day)
        return real(answer_set, day, **kwargs)

    monkeypatch.setattr(results, "assess_answers", counted)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    at = goto_page(start(answers=example["answers"]), "results")
    assert not at.exception and len(made) == 1
    cards = [m.value for m in at.metric]
    at.run()  # what opening a finding, a tab or a "why" box does
    assert len(made) == 1 and [m.value for m in at.metric] == cards, "the same answers and date: scored once"
    flipped = next(qid for qid, value in example["answers"].items() if isinstance(value, bool))
    at.session_state["answers"] = {**example["answers"], flipped: not example["answers"][flipped]}
    at.run()
    assert len(made) == 2, "new answers: scored again"
    at.session_state["law_as_of"] = LAW.method.article_date
    at.run()
    assert made[-1] == LAW.method.article_date and len(made) == 3, "another law date: scored again"


# -- law date ---------------------------------------------------------------------------------------


def test_law_date_presets_and_a_date_before_coverage() -> None:
    at = start()
    assert at.session_state["law_as_of"] == dt.date.today()
    at.button(key="law_article").click().run()
    assert at.session_state["law_as_of"] == LAW.method.article_date
    at.button(key="law_today").click().run()
    assert at.session_state["law_as_of"] == dt.date.today()
    at.date_input(key="law_date").set_value(dt.date(2005, 1, 1)).run()
    assert not at.exception
    assert any("before the earliest law pirisk encodes" in e.value for e in at.sidebar.error)
    at = goto_page(start(answers=article_answers(), law_as_of=dt.date(2005, 1, 1)), "results")
    assert not at.exception
    assert any("2009-02-28" in e.value for e in at.error)
    assert not _charts(at)


def test_compare_with_2012_sets_the_same_answers_beside_the_chosen_date() -> None:
    today = dt.date.today()
    at = goto_page(start(answers=article_answers(), law_as_of=today), "results")
    assert not at.exception
    now, then = assess(article_answers(), today), assess(article_answers(), LAW.method.article_date)
    table = next(m.value for m in at.markdown if m.value.startswith("| Axis |") and "2012\\-09\\-04" in m.value)
    for row, axis in zip(table.splitlines()[2:], ("civil", "criminal", "administrative", "reputational"), strict=True):
        assert f" {then.axes[axis].score} |" in row and f" {now.axes[axis].score} |" in row
    new = [f for f in now.findings if f.rule.split("@")[0] not in {g.rule.split("@")[0] for g in then.findings}]
    assert new, "the law has tightened since 2012"
    labels = {e.label for e in at.expander}
    assert any(new[0].title["en"] in label for label in labels)


def test_what_if_remedies_project_scores_beside_the_current_ones() -> None:
    today = dt.date.today()
    at = goto_page(start(answers=article_answers(), law_as_of=today), "results")
    current = assess(article_answers(), today)
    top = current.remedies[0]
    at.checkbox(key=f"remedy__{top.remedy}").check().run()
    assert not at.exception
    assert at.session_state["what_if"] == [top.remedy]
    projected = assess(article_answers(), today, apply_remedies=[top.remedy], rank_remedies=False)
    shown = {(m.label, m.value, m.delta) for m in at.metric}
    for axis in ("civil", "criminal", "administrative", "reputational"):
        after, now = projected.axes[axis].score, current.axes[axis].score
        assert (axis.capitalize(), f"{after}/100", str(after - now)) in shown
    # Sharing already done stays prosecutable (issue 20, error 6): the measure lowers the other axes only.
    assert projected.axes["criminal"].score == current.axes["criminal"].score
    assert sum(projected.axes[a].score for a in projected.axes) < sum(current.axes[a].score for a in current.axes)
    both = sv.shown(at, "what_if_radar")
    assert sv.legend_names(both) == ["Now", "With the measures"], "the what-if panel's radar shows current and projected"
    assert sv.radar_scores(both) == {
        a: [current.axes[a].score, projected.axes[a].score] for a in ("civil", "criminal", "administrative", "reputational")
    }
    at.checkbox(key=f"remedy__{top.remedy}").uncheck().run()
    assert at.session_state["what_if"] == []


# -- language ---------------------------------------------------------------------------------------


def test_chinese_from_the_address_changes_questions_results_and_charts() -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "zh"
    at.session_state["started"] = True
    at.session_state["answers"] = article_answers()
    at.session_state["law_as_of"] = dt.date(2012, 9, 4)
    at.run()
    assert at.title[0].value == "评估法律风险"
    assert at.session_state["answers"] == article_answers()
    at = goto_page(at, "results")
    assert not at.exception
    assert at.title[0].value == "评估结果"
    assert {m.label for m in at.metric} == {"民事", "刑事", "行政", "声誉"}
    radar = sv.shown(at, "radar")
    assert [texts[0] for texts in sv.axis_texts(radar).values()] == ["民事", "刑事", "行政", "声誉"]
    assert sv.title(radar) == "各维度得分（0–100）" and "刑事" in sv.desc(radar)
    grid = sv.shown(at, "grid")
    assert "影响程度" in sv.words(grid) and "可能性" in sv.words(grid)
    assert any("不构成法律意见" in i.value for i in at.info)


# -- saving and resuming ------------------------------------------------------------------------------


def test_resuming_from_a_file_through_the_uploader() -> None:
    at = start()
    at.file_uploader(key="resume_file_0").set_value((EXAMPLE.name, EXAMPLE.read_bytes(), "application/json")).run()
    assert not at.exception
    assert at.session_state["answers"] == article_answers()
    assert at.session_state["company"] == "Example Internet Co. (the article's company)"
    assert at.session_state["law_as_of"] == dt.date(2012, 9, 4)
    assert at.session_state["step"] == REVIEW_STEP  # everything answered: straight to the review
    assert any(f"Loaded {len(article_answers())} answers" in s.value for s in at.sidebar.success)
    assert at.session_state["focus"] == f"#step-{REVIEW_STEP}"  # the keyboard focus lands on the review's heading


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG not json at all", "not saved as UTF-8"),
        (b"{ this is not json", "not a pirisk answers file: it is damaged or not in the right format"),
        (json.dumps({"format": "other", "bank_version": "x", "lang": "en", "answers": {}}).encode(), "says it is “other”"),
        (
            json.dumps({"bank_version": "x", "lang": "en", "answers": {"no_such_question": True}}).encode(),
            "a question pirisk does not have (“no_such_question”)",
        ),
        (json.dumps({"bank_version": "x", "lang": "en", "answers": {"buys_data": "maybe"}}).encode(), "(buys_data)"),
        (b" " * 1_000_001, "at most 1,000,000 bytes"),
    ],
)
def test_a_bad_file_through_the_uploader_names_the_problem_and_keeps_the_answers(content: bytes, reason: str) -> None:
    before = {"buys_data": True, "company_sector": "finance"}
    at = start(answers=dict(before), company="Keep Ltd", law_as_of=dt.date(2020, 1, 1))
    at.file_uploader(key="resume_file_0").set_value(("bad.json", content, "application/json")).run()
    assert not at.exception
    assert at.session_state["answers"] == before
    assert at.session_state["company"] == "Keep Ltd"
    assert at.session_state["law_as_of"] == dt.date(2020, 1, 1)
    errors = [as_read(e.value) for e in at.sidebar.error]
    assert errors and reason in errors[0], errors


# -- every page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("url_path", ["assess", "results", "sources", "about"])
def test_every_page_runs_without_an_exception(url_path: str, lang: str) -> None:
    at = start(answers=article_answers(), lang=lang)
    at = goto_page(at, url_path)
    assert not at.exception
    assert at.title
    assert any(md(tr("ui", "disclaimer", lang)) in x.value for x in [*at.caption, *at.info])  # "… not legal advice."


def test_sources_filter_by_axis_and_date() -> None:
    at = goto_page(start(law_as_of=dt.date(2012, 9, 4)), "sources")
    all_2012 = {e.label for e in at.expander}
    assert any(label.startswith("Tort Liability Law") for label in all_2012)
    assert not any(label.startswith("Personal Information Protection Law") for label in all_2012)
    at.date_input(key="src_date").set_value(dt.date.today()).run()
    today = {e.label for e in at.expander}
    assert any(label.startswith("Personal Information Protection Law") for label in today)
    assert not any(label.startswith("Tort Liability Law") for label in today)
    at.multiselect(key="src_axes").set_value(["reputational"]).run()
    assert not at.exception
    assert len([e for e in at.expander]) < len(today)
    at.toggle(key="src_only_date").set_value(False).run()
    assert not at.exception
    counts = [c.value for c in at.caption if "cited provisions shown" in c.value]
    assert counts


def test_the_sources_page_lists_every_provision_the_findings_of_its_date_cite() -> None:
    """One answer to "does it apply on this day" (`Provision.applies_on`): as of 2010-06-01 the article's
    sections, which the findings of that day cite, are on the Sources page (the page hid them before)."""
    day = dt.date(2010, 6, 1)
    cited = {c.id for f in assess(article_answers(), day).findings for c in f.citations}
    at = goto_page(start(law_as_of=day), "sources")
    shown = " ".join(as_read(m.value) for m in at.markdown)
    law = default_law()
    assert any(law.kind(pid) == "commentary" for pid in cited)
    missing = [pid for pid in cited if law.provisions[pid].article["en"] not in shown]
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_plan_sits_under_the_score_cards_with_its_first_three_steps(lang: str) -> None:
    """Issue 21: "what do I do first?" is answered right under the cards, in the plan's order, with the
    scores after each step; the rest of the steps behind a toggle; what lowers nothing said once."""
    from tests.test_report import squash

    answers = json.loads((ROOT / "examples" / "healthtech-startup-2026.json").read_text(encoding="utf-8"))["answers"]
    day = dt.date(2026, 12, 1)
    expected = assess(answers, day)
    assert expected.plan is not None and len(expected.plan.steps) > 3 and expected.plan.still_called_for
    at = goto_page(start(answers=answers, law_as_of=day, lang=lang), "results")
    assert not at.exception
    headers = [h.value for h in at.header]
    plan_title = tr("ui", "plan_title", lang)
    assert headers.index(plan_title) < headers.index(tr("ui", "findings_title", lang))
    titles = {r.remedy: r.title[lang] for r in expected.remedies}
    shown = " ".join(squash(as_read(m.value)) for m in at.markdown)
    for step in expected.plan.steps[:3]:
        for measure in step.measures:
            assert squash(titles[measure]) in shown, measure
    assert (
        squash(titles[expected.plan.steps[3].measures[0]])
        not in shown.split(squash(tr("common", "also_required_title", lang)))[0]
    )
    assert any(e.label == tr("ui", "plan_more", lang, n=len(expected.plan.steps) - 3) for e in at.expander)
    for measure in expected.plan.still_called_for:
        assert squash(titles[measure]) in shown
    said = " ".join(as_read(c.value) for c in at.caption)
    assert said.count(as_read(tr("common", "also_required_intro", lang))) == 1


def test_next_and_back_pass_over_the_transfer_section_when_nothing_leaves_china() -> None:
    """Issue 23: the transfer section asks nothing when no personal information leaves China; Next and
    Back pass over it, and opened from the section list it says why it is empty."""
    transfer = next(i for i, s in enumerate(BANK.sections) if s.id == "transfer")
    answers_ = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    assert answers_["cross_border"] is False
    at = start(answers=answers_, step=transfer - 1)
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == transfer + 1
    at.button(key="nav_back").click().run()
    assert at.session_state["step"] == transfer - 1
    at.button(key=f"goto__{transfer}").click().run()
    assert at.session_state["step"] == transfer and not at.exception
    assert any(tr("ui", "section_not_asked", "en") in i.value.replace("\\", "") for i in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_we_ask_is_drawn_once_opened_with_the_help_and_its_articles(lang: str) -> None:
    """Each question's "why we ask" box is drawn empty until opened (most never are, and drawing them
    all was about a tenth of the browser's work on each Next); opened, it holds the question's help
    and the provisions it rests on, in the page's language."""
    q = next(q for q in BANK.sections[0].questions if q.article and LAW.provisions.get(q.article[0]))
    at = start(lang=lang)
    boxes = [e for e in at.expander if e.label == tr("ui", "why_we_ask", lang)]
    assert len(boxes) >= 3 and all(not box.children for box in boxes)
    at.session_state[f"why__{q.id}"] = True
    at.run()
    opened = [e for e in at.expander if e.label == tr("ui", "why_we_ask", lang) and e.children]
    assert len(opened) == 1
    texts = [as_read(m.value) for m in opened[0].markdown] + [as_read(c.value) for c in opened[0].caption]
    assert as_read(md(q.help[lang])) in texts
    article = LAW.provisions[q.article[0]].article[lang]
    assert tr("ui", "article_context", lang, section=article) in texts
