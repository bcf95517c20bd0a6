"""assess_frame: cell formats, bad rows reported per row and column, pass-through columns, remedies."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from questions.model import UNKNOWN
from scoring.axes import AXIS_KEYS, LEVEL_KEYS
from scoring.engine import assess
from scoring.errors import AnswersError, DateError
from scoring.frame import RESULT_COLUMNS, assess_frame, result_columns

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 29)
ARTICLE = dt.date(2012, 9, 4)


def scores(record: dict) -> tuple:
    return (*(record[f"{k}_{p}"] for k in AXIS_KEYS for p in ("likelihood", "severity", "level", "score")), record["fired_rules"])


def engine_scores(answers: dict, day: dt.date) -> tuple:
    a = assess(answers, day, rank_remedies=False)
    return (
        *(x for k in AXIS_KEYS for x in (a.axes[k].likelihood, a.axes[k].severity, a.axes[k].level, a.axes[k].score)),
        ";".join(a.fired_rules),
    )


def test_result_columns_and_types(article_answers):
    result = assess_frame(pd.DataFrame([article_answers]), TODAY)
    assert tuple(result.columns) == RESULT_COLUMNS == result_columns()
    assert result_columns(remedies=True) == (*RESULT_COLUMNS[:-1], "remedies", "error")
    for axis in AXIS_KEYS:
        assert str(result[f"{axis}_score"].dtype) == "Int64"
        assert list(result[f"{axis}_level"].cat.categories) == list(LEVEL_KEYS)
        assert result[f"{axis}_level"].cat.ordered
    assert scores(result.to_dict("records")[0]) == engine_scores(article_answers, TODAY)
    assert result["error"].isna().all()


def test_fired_rules_are_joined_in_assessment_order(article_answers):
    record = assess_frame(pd.DataFrame([article_answers]), ARTICLE).iloc[0]
    assert record["fired_rules"].split(";") == list(assess(article_answers, ARTICLE).fired_rules)


def test_no_finding_is_an_empty_text_not_a_missing_value(law):
    calm = {
        q.id: (False if q.type == "yes_no" else [] if q.type == "multi" else q.choices[0].id) for q in law.bank.questions.values()
    }
    calm.update(incident_plan=True, collects_directly=True)
    record = assess_frame(pd.DataFrame([calm]), dt.date(2009, 3, 1)).iloc[0]
    assert pd.isna(record["error"])
    assert scores(record.to_dict()) == engine_scores(calm, dt.date(2009, 3, 1))


def test_bad_rows_are_reported_per_row_and_column_and_others_are_scored(article_answers, law):
    rows = [
        article_answers,
        dict(article_answers, records_tier1="x", consumer_facing=None),
        dict(article_answers, listed_company="sometimes"),
        dict(article_answers, collects_directly=UNKNOWN),  # this question offers no "I don't know"
        {k: v for k, v in article_answers.items() if k not in ("buys_data", "past_leak")},
        dict(article_answers, data_categories=json.dumps(["whereabouts"])),  # shows records_tier1, left blank
        dict(article_answers, buys_data=UNKNOWN),
    ]
    result = assess_frame(pd.DataFrame(rows), TODAY)
    errors = result["error"].tolist()
    allowed = ", ".join(sorted(c.id for c in law.bank.questions["records_tier1"].choices))
    assert errors[1] == f"records_tier1: has no choice 'x' (allowed: {allowed}); required answers missing: consumer_facing"
    assert errors[2] == "listed_company: expects true or false, got 'sometimes'"
    assert errors[3] == "collects_directly: does not offer 'I don't know'"
    assert errors[4] == "required answers missing: buys_data, past_leak"
    # whereabouts are sensitive: the separate-consent question shows too (the article example leaves it hidden)
    assert errors[5] == "required answers missing: records_tier1, provided_tier1, separate_consent_sensitive"
    assert pd.isna(errors[0]) and pd.isna(errors[6])
    for i in (1, 2, 3, 4, 5):
        assert result.iloc[i][[c for c in RESULT_COLUMNS if c != "error"]].isna().all()
    assert scores(result.iloc[0].to_dict()) == engine_scores(article_answers, TODAY)
    assert scores(result.iloc[6].to_dict()) == engine_scores(rows[6], TODAY)


def test_missing_required_answers_read_as_the_engine_says(article_answers):
    answers = {k: v for k, v in article_answers.items() if k not in ("consumer_facing", "buys_data")}
    with pytest.raises(AnswersError) as err:
        assess(answers, TODAY)
    assert assess_frame(pd.DataFrame([answers]), TODAY)["error"].iloc[0] == str(err.value)


def test_a_bad_cell_in_a_hidden_question_is_still_an_error(article_answers):
    hidden = dict(article_answers, uses_processors=False, processor_contracts="perhaps")
    assert (
        assess_frame(pd.DataFrame([hidden]), TODAY)["error"].iloc[0]
        == "processor_contracts: expects true or false, got 'perhaps'"
    )


@pytest.mark.parametrize(
    ("cell", "same_as"),
    [
        (["identity_contact", "transactions"], ["identity_contact", "transactions"]),
        ('["identity_contact", "transactions"]', ["identity_contact", "transactions"]),
        (' ["transactions","identity_contact"] ', ["transactions", "identity_contact"]),
        (("identity_contact",), ["identity_contact"]),
        ("[]", []),
        ([], []),
        ("unknown", UNKNOWN),
        ("Unknown", UNKNOWN),
        # The workspace import's forms too: one cell reader for both (questions.answers.parse_cell).
        ("identity_contact", ["identity_contact"]),
        ("identity_contact, Transactions", ["identity_contact", "transactions"]),
        ("identity_contact；transactions", ["identity_contact", "transactions"]),
    ],
)
def test_multiple_choice_cells_hold_lists(article_answers, cell, same_as):
    frame = pd.DataFrame([dict(article_answers, data_categories=None)])
    frame["data_categories"] = pd.Series([cell], dtype=object)
    record = assess_frame(frame, TODAY).iloc[0]
    assert pd.isna(record["error"])
    assert scores(record.to_dict()) == engine_scores(dict(article_answers, data_categories=same_as), TODAY)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ('["identity_contact"', 'expects a JSON list of choices such as ["whereabouts"], got \'["identity_contact"\''),
        ('["nope"]', "has no choice 'nope'"),
        ('["health", "health"]', "lists a choice twice"),
        ("[1, 2]", "expects a list of choices, got [1, 2]"),
        (7, "expects a list of choices, got 7"),
        (True, "expects a list of choices, got True"),
        ({"a": 1}, "expects a list of choices, got {'a': 1}"),
    ],
)
def test_bad_multiple_choice_cells_are_named(article_answers, cell, problem):
    frame = pd.DataFrame([article_answers])
    frame["data_categories"] = pd.Series([cell], dtype=object)
    error = assess_frame(frame, TODAY)["error"].iloc[0]
    assert error.startswith(f"data_categories: {problem}")


@pytest.mark.parametrize("cell", [True, np.True_, 1, 1.0, "true", "TRUE", " Yes ", "yes", "1"])
def test_yes_no_cells_read_true(article_answers, cell):
    frame = pd.DataFrame([article_answers])
    frame["scrapes_data"] = pd.Series([cell], dtype=object)  # False in the article
    expected = engine_scores(dict(article_answers, scrapes_data=True), TODAY)
    assert expected != engine_scores(article_answers, TODAY)
    assert scores(assess_frame(frame, TODAY).iloc[0].to_dict()) == expected


@pytest.mark.parametrize("cell", [False, np.False_, 0, 0.0, "false", "False", "no", "NO", "0"])
def test_yes_no_cells_read_false(article_answers, cell):
    frame = pd.DataFrame([article_answers])
    frame["buys_data"] = pd.Series([cell], dtype=object)  # True in the article
    expected = engine_scores(dict(article_answers, buys_data=False), TODAY)
    assert expected != engine_scores(article_answers, TODAY)
    assert scores(assess_frame(frame, TODAY).iloc[0].to_dict()) == expected


@pytest.mark.parametrize(
    ("cell", "problem"), [("maybe", "got 'maybe'"), (2, "got 2"), (0.5, "got 0.5"), (["yes"], "got ['yes']")]
)
def test_bad_yes_no_cells_are_named(article_answers, cell, problem):
    frame = pd.DataFrame([article_answers])
    frame["buys_data"] = pd.Series([cell], dtype=object)
    assert assess_frame(frame, TODAY)["error"].iloc[0] == f"buys_data: expects true or false, {problem}"


@pytest.mark.parametrize("blank", [None, np.nan, pd.NA, "", "   "])
def test_blank_cells_are_not_answered(article_answers, blank):
    frame = pd.DataFrame([article_answers])
    frame["consumer_facing"] = pd.Series([blank], dtype=object)
    assert assess_frame(frame, TODAY)["error"].iloc[0] == "required answers missing: consumer_facing"


def test_single_choice_cells_are_stripped_and_checked(article_answers):
    frame = pd.DataFrame([article_answers, article_answers, article_answers])
    frame["brand_prominence"] = pd.Series([" niche ", "Nische", 3], dtype=object)
    result = assess_frame(frame, TODAY)
    assert scores(result.iloc[0].to_dict()) == engine_scores(dict(article_answers, brand_prominence="niche"), TODAY)
    assert result["error"].iloc[1].startswith("brand_prominence: has no choice 'Nische'")
    assert result["error"].iloc[2].startswith("brand_prominence: expects one of")


def test_a_bool_column_with_gaps_and_a_csv_text_column_both_work(article_answers):
    rows = [dict(article_answers, scrapes_data=v) for v in (True, False, True)]
    frame = pd.DataFrame(rows)
    frame["scrapes_data"] = frame["scrapes_data"].astype(bool)
    text = frame.astype({"scrapes_data": str})
    assert assess_frame(frame, TODAY)[list(RESULT_COLUMNS)].equals(assess_frame(text, TODAY)[list(RESULT_COLUMNS)])


def test_other_columns_pass_through_in_front_and_the_index_is_kept(article_answers):
    frame = pd.DataFrame([article_answers, article_answers], index=["b", "a"])
    frame.insert(0, "company", ["Beta", "Alpha"])
    frame["id"] = ["007", "008"]
    frame["error"] = ["old", "old"]  # a result column from an earlier run: replaced
    frame["civil_score"] = [1, 2]
    result = assess_frame(frame, TODAY)
    assert list(result.columns) == ["company", "id", *RESULT_COLUMNS]
    assert list(result.index) == ["b", "a"]
    assert result["id"].tolist() == ["007", "008"] and result["company"].tolist() == ["Beta", "Alpha"]
    assert result["error"].isna().all()
    assert result["civil_score"].tolist() == [engine_scores(article_answers, TODAY)[3]] * 2


def test_a_duplicate_index_is_fine(article_answers):
    frame = pd.DataFrame([article_answers, dict(article_answers, buys_data="x")], index=[0, 0])
    frame.insert(0, "note", ["a", "b"])
    result = assess_frame(frame, TODAY)
    assert result["note"].tolist() == ["a", "b"] and result["error"].notna().tolist() == [False, True]


def test_two_columns_for_one_question_make_the_table_unusable(article_answers):
    frame = pd.DataFrame([article_answers])
    frame[" buys_data "] = True
    with pytest.raises(AnswersError, match="question 'buys_data' has more than one column"):
        assess_frame(frame, TODAY)


def test_a_missing_question_column_means_unanswered(article_answers):
    frame = pd.DataFrame([article_answers]).drop(columns=["consumer_facing"])
    assert assess_frame(frame, TODAY)["error"].iloc[0] == "required answers missing: consumer_facing"
    nothing = assess_frame(pd.DataFrame({"company": ["x"]}), TODAY)
    with pytest.raises(AnswersError) as err:
        assess({}, TODAY)
    assert nothing["error"].iloc[0] == str(err.value) and nothing["company"].iloc[0] == "x"


def test_an_empty_table_gives_an_empty_result(article_answers):
    empty = assess_frame(pd.DataFrame(columns=["company", *article_answers]), TODAY, remedies=True)
    assert len(empty) == 0 and list(empty.columns) == ["company", *result_columns(remedies=True)]
    assert len(assess_frame(pd.DataFrame(), TODAY)) == 0


def test_dates_before_coverage_refuse_the_whole_call(article_answers):
    frame = pd.DataFrame([article_answers])
    with pytest.raises(DateError, match="before the earliest law"):
        assess_frame(frame, dt.date(2009, 2, 27))
    with pytest.raises(DateError, match="must be a date"):
        assess_frame(frame, dt.datetime(2020, 1, 1, 12))


def test_only_a_dataframe_is_accepted(article_answers):
    with pytest.raises(TypeError, match="takes a pandas DataFrame"):
        assess_frame([article_answers], TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [ARTICLE, dt.date(2017, 6, 1), dt.date(2021, 11, 1), TODAY], ids=str)
def test_remedies_are_ranked_as_assess_ranks_them(article_answers, day):
    rows = [
        article_answers,
        dict(article_answers, buys_data=UNKNOWN, tiered_access=True),
        dict(article_answers, shares_with_third_parties=False, sells_data=True, separate_consent_for_sharing=True),
        dict(article_answers, records_tier1="bad"),
    ]
    result = assess_frame(pd.DataFrame(rows), day, remedies=True)
    for answers, ranked in zip(rows[:3], result["remedies"], strict=False):
        assert ranked == ";".join(r.remedy for r in assess(answers, day).remedies)
    assert result["remedies"].iloc[0]
    assert pd.isna(result["remedies"].iloc[3])
    assert "remedies" not in assess_frame(pd.DataFrame(rows), day).columns


def test_the_program_is_compiled_once_per_law_and_date(law):
    from scoring.frame import _program

    assert _program(law, TODAY) is _program(law, TODAY)
    assert _program(law, ARTICLE) is not _program(law, TODAY)


def test_import_scoring_does_not_import_pandas():
    """Nor does loading the batch evaluator: the results page's plan search uses it without tables
    (tests/test_architecture.py); pandas loads when a table is scored."""
    code = (
        "import sys, scoring; assert 'pandas' not in sys.modules and 'numpy' not in sys.modules; scoring.assess_frame;"
        " assert 'numpy' in sys.modules and 'pandas' not in sys.modules;"
        " import pandas as pd, datetime as dt; scoring.assess_frame(pd.DataFrame({'x': [1]}), dt.date(2026, 1, 5))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_frame_and_batch_do_not_import_streamlit():
    for name in ("frame.py", "batch.py"):
        assert "streamlit" not in (ROOT / "scoring" / name).read_text(encoding="utf-8")


def test_a_long_bad_cell_is_cut_short_in_the_error(article_answers):
    frame = pd.DataFrame([dict(article_answers, brand_prominence="x" * 50_000)])
    error = frame.pipe(assess_frame, TODAY)["error"].iloc[0]
    assert error.startswith("brand_prominence: has no choice 'xxx") and error.endswith("…") and len(error) < 400
