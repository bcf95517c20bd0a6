"""Evidence files, the consultant's own actions and sign-off (issue 22, item 5), on SQLite and PostgreSQL:
files of an allowed type by content are kept with their name, size and SHA-256; a hostile file (wrong
type by content, oversized, a name with path parts or control characters) is refused cleanly and nothing
is stored; only roles that may read the assessment see its files; a signed-off version is read-only and
a new version starts from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest

from store import repo
from store.access import NotAllowed, as_role
from store.attachments import MAX_MB_ENV, max_bytes
from store.errors import NotFound, StoreError

DAY = dt.date(2026, 11, 29)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _office(main: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/main.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("main.xml", "<x/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


DOCX = _office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = _office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
DOCM = _office("application/vnd.ms-word.document.macroEnabled.main+xml")


@pytest.fixture()
def assessment(engine):
    client = repo.create_client(engine, "Acme")
    return repo.create_assessment(engine, client.id, "Review", DAY, "en", None, {"consumer_facing": True})


def test_files_of_every_allowed_type_are_kept_with_name_size_and_sha256(engine, assessment):
    action = repo.create_action(engine, assessment, _a_remedy(), author="ana")
    given = [
        ("policy.pdf", PDF, "pdf"),
        ("screen.png", PNG, "png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        ("minutes.txt", "会议记录\nline two\n".encode(), "text"),
        ("register.csv", b"\xef\xbb\xbfname,purpose\nwechat,login\n", "csv"),
        ("contract.docx", DOCX, "docx"),
        ("inventory.xlsx", XLSX, "xlsx"),
    ]
    for i, (name, data, _kind) in enumerate(given):
        where = {"question_id": "consumer_facing"} if i % 2 else {"action_id": action.id}
        repo.add_attachment(engine, assessment, name, data, author="ana", **where)
    listed = repo.list_attachments(engine, assessment.id)
    assert [(f.name, f.kind, f.size, f.sha256) for f in listed] == [
        (name, kind, len(data), hashlib.sha256(data).hexdigest()) for name, data, kind in given
    ]
    first, data = repo.attachment_data(engine, assessment.id, listed[0].id)
    assert data == PDF and first.mime == "application/pdf" and first.action_id == action.id


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "evidence_type_refused"),  # a Windows program named .pdf
        ("notes.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "evidence_type_refused"),  # a Linux program named .txt
        ("page.txt", b"<!DOCTYPE html><script>alert(1)</script>", "evidence_type_refused"),
        ("page.md", b"\xef\xbb\xbf  <html><body>hi</body></html>", "evidence_type_refused"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "evidence_type_refused"),
        ("macro.docx", DOCM, "evidence_type_refused"),
        ("archive.docx", _office("application/zip"), "evidence_type_refused"),
        ("photo.pdf", PNG, "evidence_type_mismatch"),  # a real PNG that says it is a PDF
        ("policy.exe", PDF, "evidence_type_mismatch"),
        ("../../etc/passwd.txt", b"root:x:0:0\n", "evidence_name_path"),
        ("C:\\Users\\ana\\policy.pdf", PDF, "evidence_name_path"),
        ("folder/policy.pdf", PDF, "evidence_name_path"),
        ("..", PDF, "evidence_name_path"),
        ("policy\x00.pdf", PDF, "evidence_name_control"),
        ("policy\n.pdf", PDF, "evidence_name_control"),
        ("\x1b[31mred.pdf", PDF, "evidence_name_control"),
        ("invoice\u202efdp.exe", PDF, "evidence_name_control"),  # right-to-left override: reads "invoiceexe.pdf"
        ("empty.pdf", b"", "evidence_empty"),
    ],
)
def test_a_hostile_file_is_refused_cleanly_and_nothing_is_stored(engine, assessment, name, data, key):
    with pytest.raises(StoreError) as refused:
        repo.add_attachment(engine, assessment, name, data, author="ana", question_id="consumer_facing")
    assert refused.value.key == key
    assert "Traceback" not in refused.value.text("zh") and refused.value.text("zh") != refused.value.text("en")
    assert repo.list_attachments(engine, assessment.id) == []


def test_an_oversized_file_is_refused_at_the_configured_limit(engine, assessment, monkeypatch):
    assert max_bytes({}) == 20 * 1024 * 1024  # the default
    monkeypatch.setenv(MAX_MB_ENV, "0.001")  # 1048 bytes
    repo.add_attachment(engine, assessment, "small.pdf", PDF, author="ana", question_id="consumer_facing")
    with pytest.raises(StoreError) as refused:
        repo.add_attachment(engine, assessment, "big.pdf", PDF + b"0" * 2000, author="ana", question_id="consumer_facing")
    assert refused.value.key == "evidence_too_big"
    assert [f.name for f in repo.list_attachments(engine, assessment.id)] == ["small.pdf"]
    monkeypatch.setenv(MAX_MB_ENV, "lots")  # not a number: the default, not "no limit"
    assert max_bytes() == 20 * 1024 * 1024


def test_a_long_name_is_shortened_keeping_its_ending(engine, assessment):
    saved = repo.add_attachment(engine, assessment, "x" * 300 + ".pdf", PDF, author="ana", question_id="consumer_facing")
    assert len(saved.name) == repo.NAME_MAX and saved.name.endswith(".pdf")


def test_a_file_goes_on_one_answer_or_one_action_of_the_same_assessment(engine, assessment):
    other = repo.create_assessment(engine, assessment.client_id, "Other", DAY, "en")
    foreign = repo.create_action(engine, other, _a_remedy(), author="ana")
    with pytest.raises(StoreError, match="one answer or one action"):
        repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana")
    with pytest.raises(NotFound):
        repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana", action_id=foreign.id)
    with pytest.raises(StoreError):
        repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana", question_id="no_such_question")
    kept = repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana", question_id="consumer_facing")
    with pytest.raises(NotFound):
        repo.attachment_data(engine, other.id, kept.id)  # asked through another assessment


def test_only_roles_that_may_read_the_assessment_see_its_files(engine, assessment):
    kept = repo.add_attachment(
        as_role(engine, "consultant"), assessment, "a.pdf", PDF, author="bo", question_id="consumer_facing"
    )
    viewer = as_role(engine, "viewer")
    assert [f.id for f in repo.list_attachments(viewer, assessment.id)] == [kept.id]
    assert repo.attachment_data(viewer, assessment.id, kept.id)[1] == PDF
    with pytest.raises(NotAllowed):
        repo.add_attachment(viewer, assessment, "b.pdf", PDF, author="vi", question_id="consumer_facing")
    with pytest.raises(NotAllowed):
        repo.delete_attachment(viewer, assessment, kept.id)
    respondent = as_role(engine, "respondent")
    with pytest.raises(NotAllowed):
        repo.list_attachments(respondent, assessment.id)
    with pytest.raises(NotAllowed):
        repo.attachment_data(respondent, assessment.id, kept.id)
    repo.delete_attachment(as_role(engine, "consultant"), assessment, kept.id)
    assert repo.list_attachments(engine, assessment.id) == []


def test_deleting_the_assessment_deletes_its_files(engine, assessment):
    repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana", question_id="consumer_facing")
    deleted = repo.delete_assessment(engine, assessment, expected_version=1)
    assert deleted["assessments"] == 1
    with pytest.raises(NotFound):
        repo.list_attachments(engine, assessment.id)


# -- own actions ------------------------------------------------------------------------------------------------


def _a_remedy() -> str:
    from scoring.loader import default_law

    return next(iter(default_law().remedies))


def test_an_own_action_is_tracked_like_a_measure_and_reaches_the_report(engine, assessment):
    own = repo.create_own_action(engine, assessment, "Train the call centre", author="ana", owner="Li", due=DAY)
    assert own.own and own.remedy_id is None and own.title == "Train the call centre" and own.version == 1
    second = repo.create_own_action(engine, assessment, "Review vendor contracts", author="ana")
    changed = repo.update_action(
        engine,
        own.id,
        {"status": "done", "evidence": "Attendance sheet", "title": "Train both call centres"},
        expected_version=1,
        author="bo",
    )
    assert (changed.status, changed.title, changed.version) == ("done", "Train both call centres", 2)
    fields = {c.field for c in repo.action_history(engine, own.id)}
    assert {"title", "owner", "due", "status", "evidence"} <= fields
    repo.add_attachment(engine, assessment, "sheet.pdf", PDF, author="ana", action_id=second.id)
    measure = repo.create_action(engine, assessment, _a_remedy(), author="ana")
    with pytest.raises(StoreError):
        repo.update_action(engine, measure.id, {"title": "renamed"}, expected_version=1, author="ana")
    with pytest.raises(StoreError) as empty:
        repo.create_own_action(engine, assessment, "  ", author="ana")
    assert empty.value.key == "store_own_action_title"
    inputs = repo.action_inputs(repo.list_actions(engine, assessment.id))
    assert [(a.remedy, a.title) for a in inputs][:2] == [("", "Train both call centres"), ("", "Review vendor contracts")]
    assert repo.apply_action_answers(engine, own.id, expected_version=1, author="ana") == 1  # no answer changes


# -- sign-off ---------------------------------------------------------------------------------------------------


def test_only_an_owner_signs_off_and_a_signed_off_version_is_read_only(engine, assessment):
    action = repo.create_action(engine, assessment, _a_remedy(), author="ana")
    kept = repo.add_attachment(engine, assessment, "a.pdf", PDF, author="ana", question_id="consumer_facing")
    for role in ("consultant", "viewer", "respondent"):
        with pytest.raises(NotAllowed):
            repo.sign_off(as_role(engine, role), assessment, expected_version=1, reviewer="Bo")
    signed = repo.sign_off(as_role(engine, "owner"), assessment, expected_version=1, reviewer="Wang Fang")
    assert (signed.status, signed.signed_by, signed.version) == ("final", "Wang Fang", 2) and signed.signed_off
    assert signed.signed_at is not None
    assert {(c.question_id, c.new_value) for c in repo.history(engine, assessment.id)} == {
        ("status", "final"),
        ("signed_by", "Wang Fang"),
    }
    refusals = [
        lambda: repo.set_status(engine, signed, "draft", expected_version=2, author="x"),
        lambda: repo.update_assessment(engine, signed, expected_version=2, author="x", title="new"),
        lambda: repo.set_note(engine, signed, "consumer_facing", "late", expected_version=2, author="x"),
        lambda: repo.create_action(engine, signed, list(_remedies())[1], author="x"),
        lambda: repo.create_own_action(engine, signed, "More", author="x"),
        lambda: repo.update_action(engine, action.id, {"owner": "x"}, expected_version=1, author="x"),
        lambda: repo.add_attachment(engine, signed, "b.pdf", PDF, author="x", question_id="consumer_facing"),
        lambda: repo.delete_attachment(engine, signed, kept.id),
        lambda: repo.sign_off(engine, signed, expected_version=2, reviewer="Again"),
        lambda: repo.restore_answer(
            engine, signed, repo.history(engine, assessment.id, "status")[0].id, expected_version=2, author="x"
        ),
    ]
    for refused in refusals:
        with pytest.raises(StoreError, match="signed off"):
            refused()
    assert repo.get_assessment(engine, assessment.id).version == 2
    archived = repo.archive_assessment(engine, signed, expected_version=2, author="x")  # archiving is still allowed
    back = repo.unarchive_assessment(engine, archived, expected_version=archived.version, author="x")
    assert (back.status, back.signed_by) == ("final", "Wang Fang")


def _remedies():
    from scoring.loader import default_law

    return default_law().remedies


def test_a_new_version_starts_from_a_signed_off_one(engine, assessment):
    own = repo.create_own_action(engine, assessment, "Train staff", author="ana", owner="Li", status="in_progress")
    repo.add_attachment(engine, assessment, "sheet.pdf", PDF, author="ana", action_id=own.id)
    repo.add_attachment(engine, assessment, "policy.png", PNG, author="ana", question_id="consumer_facing")
    version = repo.set_note(engine, assessment, "consumer_facing", "checked", expected_version=1, author="ana")
    signed = repo.sign_off(engine, assessment, expected_version=version, reviewer="Wang Fang")
    draft = repo.start_new_version(engine, signed, "Review 2027", author="ana")
    assert (draft.status, draft.version, draft.signed_by, draft.answers) == ("draft", 1, None, signed.answers)
    assert repo.get_notes(engine, draft.id)["consumer_facing"].text == "checked"
    [copied] = repo.list_actions(engine, draft.id)
    assert (copied.title, copied.owner, copied.status, copied.version) == ("Train staff", "Li", "in_progress", 1)
    files = repo.list_attachments(engine, draft.id)
    assert [(f.name, f.sha256) for f in files] == [(f.name, f.sha256) for f in repo.list_attachments(engine, signed.id)]
    assert files[0].action_id == copied.id
    repo.set_answer(engine, draft, "consumer_facing", False, expected_version=1, author="ana")  # the draft is editable
    assert repo.get_assessment(engine, signed.id).answers == {"consumer_facing": True}


def test_a_report_of_a_signed_off_version_names_the_reviewer_and_lists_the_evidence(engine, assessment, article_answers):
    a = repo.create_assessment(engine, assessment.client_id, "Full", DAY, "en", None, article_answers)
    repo.add_attachment(engine, a, "policy.pdf", PDF, author="ana", question_id="consumer_facing")
    signed = repo.sign_off(engine, a, expected_version=1, reviewer="Wang Fang")
    extras = repo.report_inputs(engine, a.id).extras
    assert extras.signed_by == "Wang Fang" and extras.signed_on == signed.signed_at.date()
    [evidence] = extras.evidence
    assert (evidence.name, evidence.sha256, evidence.question) == (
        "policy.pdf",
        hashlib.sha256(PDF).hexdigest(),
        "consumer_facing",
    )
    assert extras.action_history == ()  # the history appendix is chosen, not automatic
    draft = repo.start_new_version(engine, signed, "Next", author="ana")
    repo.create_own_action(engine, draft, "Train staff", author="ana", owner="Li")
    chosen = repo.report_inputs(engine, draft.id, history=True).extras
    assert {(c.action, c.field, c.new) for c in chosen.action_history} >= {
        ("Train staff", "owner", "Li"),
        ("Train staff", "title", "Train staff"),
    }


# -- revision 0006 keeps the data ------------------------------------------------------------------------------


def test_0006_keeps_every_action_and_assessment_and_goes_back(empty_url):
    import sqlalchemy as sa
    from alembic import command

    from store.db import alembic_config, make_engine, migration_connection, upgrade

    engine = make_engine(empty_url)
    remedy = _a_remedy()
    try:
        upgrade(engine, "0005")
        now = dt.datetime(2026, 1, 1, 12, 0)
        with engine.begin() as conn:
            q = lambda sql, **p: conn.execute(sa.text(sql), p)  # noqa: E731
            q("INSERT INTO clients (name, created_at, updated_at) VALUES ('Acme', :n, :n)", n=now)
            client = q("SELECT id FROM clients").scalar()
            q(
                "INSERT INTO assessments (client_id, title, law_as_of, lang, bank_version, status, version, answers,"
                " company, created_at, updated_at) VALUES (:c, 'R', '2026-11-29', 'en', 'x', 'final', 4, '{}', '', :n, :n)",
                c=client,
                n=now,
            )
            aid = q("SELECT id FROM assessments").scalar()
            q(
                "INSERT INTO actions (assessment_id, remedy_id, owner, due, status, reason, evidence, version, created_at,"
                " updated_at) VALUES (:a, :r, 'Li', NULL, 'in_progress', '', 'minutes', 2, :n, :n)",
                a=aid,
                r=remedy,
                n=now,
            )
        upgrade(engine)
        kept = repo.get_assessment(engine, aid)
        assert (kept.status, kept.version, kept.signed_by, kept.signed_at) == ("final", 4, None, None)
        [action] = repo.list_actions(engine, aid)
        assert (action.remedy_id, action.title, action.owner, action.evidence, action.version) == (remedy, "", "Li", "minutes", 2)
        own = repo.create_own_action(engine, kept, "Own", author="x")
        repo.add_attachment(engine, kept, "a.pdf", PDF, author="x", action_id=own.id)
        repo.sign_off(engine, kept, expected_version=4, reviewer="Wang Fang")

        # And back: the files, the sign-off and the own action go; the measure's action stays.
        config = alembic_config()
        with migration_connection(engine) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0005")
        with engine.connect() as conn:
            actions = conn.execute(sa.text("SELECT remedy_id, owner FROM actions")).all()
            changes = conn.execute(sa.text("SELECT count(*) FROM action_changes")).scalar()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("assessments")}
            tables = set(sa.inspect(conn).get_table_names())
        assert [tuple(r) for r in actions] == [(remedy, "Li")] and changes == 0
        assert "attachments" not in tables and not {"signed_by", "signed_at"} & columns
        upgrade(engine)
        assert repo.get_assessment(engine, aid).signed_by is None
    finally:
        engine.dispose()
