"""Fuzzing every reader of user input: each case ends in success or a typed, one-line error, and
saved data is untouched. Thousands of cases per reader (hypothesis; counts in docs/security.md)."""

from __future__ import annotations

import io
import json
import shutil
import string
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.errors import DataError, PiriskError
from questions.loader import BANK_DIR, load_bank
from questions.locales import LOCALES
from scoring.__main__ import main as scoring_main
from scoring.answers_file import AnswersFileError, parse_answers
from scoring.loader import SCORING_DIR, load_law

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    database=None,
)


def fuzz(cases: int) -> settings:
    """Settings for a fuzz test of `cases` examples (fixed seed, so CI is repeatable)."""
    return settings(FUZZ, max_examples=cases)


ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
question_ids = st.sampled_from(sorted(ARTICLE["answers"]))


def _one_line_error(err: Exception) -> None:
    text = str(err)
    assert text and "\n" not in text and "Traceback" not in text


# --- the answers-file reader ----------------------------------------------------------------


@fuzz(1500)
@given(st.binary(max_size=400))
def test_answers_reader_on_random_bytes(data):
    try:
        parse_answers(data)
    except AnswersFileError as err:
        _one_line_error(err)


@fuzz(1000)
@given(
    st.dictionaries(
        st.sampled_from(["format", "bank_version", "company", "lang", "law_as_of", "answers", "notes", "x"]),
        json_values,
        max_size=7,
    )
)
def test_answers_reader_on_random_objects(obj):
    try:
        parse_answers(json.dumps(obj))
    except AnswersFileError as err:
        _one_line_error(err)


@fuzz(1000)
@given(
    st.dictionaries(question_ids, json_values | st.sampled_from(["unknown", True, False, "none", []]), max_size=10),
    st.sampled_from(LOCALES),
)
def test_answers_reader_on_random_answers(answers, lang):
    body = {"bank_version": "2026.11.1", "lang": lang, "answers": {**ARTICLE["answers"], **answers}}
    try:
        parse_answers(json.dumps(body))
    except AnswersFileError as err:
        _one_line_error(err)


@pytest.mark.parametrize(
    "data",
    [
        b"\xc3\x28" * 10,  # invalid UTF-8
        b"[" * 50_000,  # deep nesting
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b"{" + b'"k":1,' * 200_000 + b'"k":1}',  # over 1 MB
        json.dumps({"bank_version": "1", "lang": "en", "answers": {}, "law_as_of": "0001-01-01"}).encode(),
        json.dumps({"bank_version": "1", "lang": "en", "answers": {}, "law_as_of": "9999-12-31"}).encode(),
        json.dumps({"bank_version": "1", "lang": "en", "answers": {}, "law_as_of": "10000-01-01"}).encode(),
    ],
)
def test_answers_reader_edge_cases(data):
    try:
        parse_answers(data)
    except AnswersFileError as err:
        _one_line_error(err)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2009-02-27", "2009-02-28"])
def test_extreme_dates_through_the_cli(tmp_path, capsys, day):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ARTICLE), encoding="utf-8")
    rc = scoring_main(["score", str(path), "--as-of", day, "--format", "json"])
    err = capsys.readouterr().err
    assert rc in (0, 2)
    assert (rc == 2) == (day < "2009-02-28"), err
    assert "Traceback" not in err


# --- the CLI arguments ----------------------------------------------------------------------

cli_words = st.sampled_from(
    [
        "score",
        "sources",
        "check",
        "batch",
        "--as-of",
        "--lang",
        "--format",
        "-o",
        "en",
        "zh",
        "json",
        "text",
        "xml",
        "2012-09-04",
        "0001-01-01",
        "9999-12-31",
        "2012-02-30",
        "examples/article-2012-internet-company.json",
        "missing.json",
        "-",
        "--",
        "",
    ]
) | st.text(alphabet=string.printable, max_size=12)


@fuzz(1200)
@given(argv=st.lists(cli_words, max_size=6))
def test_cli_arguments(argv, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = [a for a in argv if a not in ("batch",)]  # batch writes files; it has its own tests
    rc = scoring_main(argv)
    out = capsys.readouterr()
    assert rc in (0, 2)
    if rc == 2:
        lines = out.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), out.err
    assert "Traceback" not in out.err


# --- the YAML loaders -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(BANK_DIR, root / "bank")
    law_dir = root / "scoring"
    law_dir.mkdir()
    for name in ("sources", "rules", "remedies.yaml", "exposure.yaml", "method.yaml", "definitions.yaml", "transfer.yaml"):
        src = SCORING_DIR / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, law_dir / name)
    return root


SHIPPED_BANK = load_bank()
TARGETS = [
    "bank/profile.yaml",
    "bank/index.yaml",
    "scoring/rules/sharing.yaml",
    "scoring/sources/pipl.yaml",
    "scoring/remedies.yaml",
    "scoring/method.yaml",
]
junk = st.sampled_from(
    [
        "",
        ":",
        "- ",
        "{",
        "}",
        "[",
        "]",
        "\n",
        "  ",
        "&a",
        "*a",
        "!!python/object:os.system",
        "id: x",
        "2021-13-01",
        "true",
        "null",
        "'",
        '"',
        "\t",
        "\x00",
        "中文",
        "{use: x}",
        "<<: *a",
    ]
)


@fuzz(1000)
@given(
    target=st.sampled_from(TARGETS),
    position=st.integers(0, 10**6),
    inserts=st.lists(junk | st.text(max_size=6), min_size=1, max_size=4),
    delete=st.booleans(),
)
def test_yaml_loaders_on_mutated_files(data_copy, target, position, inserts, delete):
    path = data_copy / target
    original = path.read_bytes()
    text = original.decode("utf-8")
    at = position % (len(text) + 1)
    mutated = text[:at] + "".join(inserts) + text[at + (len(inserts[0]) if delete else 0) :]
    path.write_text(mutated, encoding="utf-8", errors="surrogatepass")
    try:
        bank = load_bank(data_copy / "bank") if target.startswith("bank/") else SHIPPED_BANK
        load_law(data_copy / "scoring", bank=bank)
    except DataError as err:
        _one_line_error(err)
        assert target.split("/")[-1] in str(err) or "bank" in str(err) or "scoring" in str(err)
    finally:
        path.write_bytes(original)


# --- the spreadsheet importer ---------------------------------------------------------------


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "answers"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=15)  # what a worksheet can hold
cell = (
    st.none()
    | st.booleans()
    | st.integers(-10, 10**9)
    | printable
    | st.sampled_from(["unknown", "true", "no", '["health"]', "=1+1", "from_1m_to_10m"])
)


@fuzz(400)
@given(st.lists(st.lists(cell | question_ids, min_size=1, max_size=7), max_size=8))
def test_spreadsheet_importer_on_random_workbooks(rows):
    from store.spreadsheet import import_xlsx, template_xlsx

    header = ["question_id", "section", "question", "allowed", "required", "answer"]
    data = _workbook([header, *rows]) if rows and rows[0] and rows[0][0] != "skip" else template_xlsx("en")
    try:
        answers, problems = import_xlsx(data)
        assert isinstance(answers, dict)
        for p in problems:
            assert "\n" not in str(p)
    except PiriskError as err:
        _one_line_error(err)


@fuzz(1500)
@given(st.binary(max_size=600))
def test_spreadsheet_importer_on_random_bytes(data):
    from store.spreadsheet import import_xlsx

    try:
        import_xlsx(data)
    except PiriskError as err:
        _one_line_error(err)


@fuzz(300)
@given(
    st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "docProps/app.xml", "x"]),
        st.binary(max_size=200),
        min_size=1,
    )
)
def test_spreadsheet_importer_on_random_zips(files):
    from store.spreadsheet import import_xlsx

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    try:
        import_xlsx(buf.getvalue())
    except PiriskError as err:
        _one_line_error(err)


def test_importer_leaves_saved_data_untouched(tmp_path):
    """A bad spreadsheet imported next to a saved assessment changes nothing in the database."""
    import datetime as dt

    from store import repo
    from store.db import make_engine, upgrade
    from store.spreadsheet import import_xlsx

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    client = repo.create_client(engine, "Client")
    saved = repo.create_assessment(engine, client.id, "2026", dt.date(2026, 11, 29), "en", answers=ARTICLE["answers"])
    before = repo.get_assessment(engine, saved.id)
    for data in (b"junk", _workbook([["question_id", "answer"], ["sells_data", "perhaps"]])):
        try:
            import_xlsx(data)
        except PiriskError:
            pass
    assert repo.get_assessment(engine, saved.id) == before
    engine.dispose()
