"""The workspace's repository: one import for every storage operation, implemented by concern in
`store.clients`, `store.assessments` (answers, optimistic locking, history), `store.notes`,
`store.workshops`, `store.actions` (tracked actions, locked and with history), `store.history`
(sittings and snapshots), `store.reporting` (a stored assessment ready for a report) and
`store.branding`, on the records and checks of `store.records`.

Every function takes the Engine first and runs in one transaction of its own (`store.db.writing` or
`store.db.reading`). They return frozen records, never ORM objects. Errors are StoreError (bad
input), NotFound (gone, or no longer the client's), or ConflictError (someone else saved first).

A write to an existing assessment names it by its id and client (a `SavedAssessment`, or its `ref`)
and the version it was read at (`expected_version`); see store/assessments.py.
"""

from __future__ import annotations

from report.branding import Branding
from store.actions import (
    ActionConflict,
    action_history,
    answers_done_would_set,
    apply_action_answers,
    create_action,
    get_action,
    list_actions,
    update_action,
)
from store.assessments import (
    answer_differences,
    archive_assessment,
    create_assessment,
    delete_assessment,
    duplicate_assessment,
    get_assessment,
    history,
    list_assessments,
    restore_answer,
    set_answer,
    set_answers,
    set_status,
    unarchive_assessment,
    update_assessment,
)
from store.branding import BRANDING_LOGO, BRANDING_NAME, LOGO_MAX_BYTES, get_branding, set_branding
from store.clients import create_client, delete_client, get_client, list_clients, rename_client
from store.errors import ConflictError, NotFound, StoreError
from store.history import (
    Sitting,
    delete_snapshot,
    get_snapshot,
    group_sittings,
    list_snapshots,
    sittings,
    snapshot_answers,
    take_snapshot,
)
from store.models import NAME_MAX
from store.notes import delete_note, get_notes, set_note
from store.records import (
    EDITABLE,
    EVIDENCE_MAX,
    NOTE_MAX,
    Action,
    ActionChange,
    AnswerChange,
    AssessmentRef,
    Client,
    Deleted,
    Note,
    Respondent,
    SavedAssessment,
    Snapshot,
    Status,
    Target,
    checkpoint,
    differences,
)
from store.reporting import ARTICLE, ReportInputs, action_inputs, report_inputs
from store.workshops import (
    add_respondent,
    disagreements,
    list_respondents,
    remove_respondent,
    rename_respondent,
    set_respondent_answer,
    workshop_answers,
)

__all__ = [
    "ARTICLE",
    "BRANDING_LOGO",
    "BRANDING_NAME",
    "EDITABLE",
    "EVIDENCE_MAX",
    "LOGO_MAX_BYTES",
    "NAME_MAX",
    "NOTE_MAX",
    "Action",
    "ActionChange",
    "ActionConflict",
    "AnswerChange",
    "AssessmentRef",
    "Branding",
    "Client",
    "ConflictError",
    "Deleted",
    "NotFound",
    "Note",
    "ReportInputs",
    "Respondent",
    "SavedAssessment",
    "Sitting",
    "Snapshot",
    "Status",
    "StoreError",
    "Target",
    "action_history",
    "action_inputs",
    "add_respondent",
    "answer_differences",
    "answers_done_would_set",
    "apply_action_answers",
    "archive_assessment",
    "checkpoint",
    "create_action",
    "create_assessment",
    "create_client",
    "delete_assessment",
    "delete_client",
    "delete_note",
    "delete_snapshot",
    "differences",
    "disagreements",
    "duplicate_assessment",
    "get_action",
    "get_assessment",
    "get_branding",
    "get_client",
    "get_notes",
    "get_snapshot",
    "group_sittings",
    "history",
    "list_actions",
    "list_assessments",
    "list_clients",
    "list_respondents",
    "list_snapshots",
    "remove_respondent",
    "rename_client",
    "rename_respondent",
    "report_inputs",
    "restore_answer",
    "set_answer",
    "set_answers",
    "set_branding",
    "set_note",
    "set_respondent_answer",
    "set_status",
    "sittings",
    "snapshot_answers",
    "take_snapshot",
    "unarchive_assessment",
    "update_action",
    "update_assessment",
    "workshop_answers",
]
