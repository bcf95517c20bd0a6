"""The workspace's repository: one import for every storage operation, implemented by concern in
`store.clients`, `store.assessments` (answers, optimistic locking, history), `store.notes`,
`store.workshops` (respondents, their versioned answers, closing a workshop), `store.invitations`
(respondents' links), `store.accounts` (named accounts) and `store.branding`, on the records and
checks of `store.records`.

Every function takes the Engine first and runs in one transaction of its own (`store.db.writing` or
`store.db.reading`). They return frozen records, never ORM objects. Errors are StoreError (bad
input), NotFound (gone, or no longer the client's), or ConflictError (someone else saved first).

A write to an existing assessment names it by its id and client (a `SavedAssessment`, or its `ref`)
and the version it was read at (`expected_version`); see store/assessments.py.
"""

from __future__ import annotations

from report.branding import Branding
from store.accounts import Account, add_account, list_accounts, set_disabled, set_password, set_role, sign_in
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
from store.invitations import (
    DEFAULT_DAYS,
    MAX_DAYS,
    Invited,
    LinkRefused,
    Progress,
    RespondentView,
    answer_by_link,
    invite,
    make_link,
    open_link,
    reopen_by_link,
    revoke_links,
    submit_by_link,
    workshop_progress,
)
from store.models import NAME_MAX
from store.notes import delete_note, get_notes, set_note
from store.records import (
    EDITABLE,
    NOTE_MAX,
    AnswerChange,
    AssessmentRef,
    Client,
    Deleted,
    Note,
    Respondent,
    SavedAssessment,
    Status,
    Target,
    checkpoint,
)
from store.workshops import (
    RespondentConflict,
    Workshop,
    add_respondent,
    close_workshop,
    disagreements,
    get_respondent,
    get_workshop,
    list_respondents,
    remove_respondent,
    rename_respondent,
    reopen_workshop,
    respondent_answers,
    set_respondent_answer,
    workshop_answers,
)

__all__ = [
    "BRANDING_LOGO",
    "BRANDING_NAME",
    "DEFAULT_DAYS",
    "EDITABLE",
    "LOGO_MAX_BYTES",
    "MAX_DAYS",
    "NAME_MAX",
    "NOTE_MAX",
    "Account",
    "AnswerChange",
    "AssessmentRef",
    "Branding",
    "Client",
    "ConflictError",
    "Deleted",
    "Invited",
    "LinkRefused",
    "NotFound",
    "Note",
    "Progress",
    "Respondent",
    "RespondentConflict",
    "RespondentView",
    "SavedAssessment",
    "Status",
    "StoreError",
    "Target",
    "Workshop",
    "add_account",
    "add_respondent",
    "answer_by_link",
    "answer_differences",
    "archive_assessment",
    "checkpoint",
    "close_workshop",
    "create_assessment",
    "create_client",
    "delete_assessment",
    "delete_client",
    "delete_note",
    "disagreements",
    "duplicate_assessment",
    "get_assessment",
    "get_branding",
    "get_client",
    "get_notes",
    "get_respondent",
    "get_workshop",
    "history",
    "invite",
    "list_accounts",
    "list_assessments",
    "list_clients",
    "list_respondents",
    "make_link",
    "open_link",
    "remove_respondent",
    "rename_client",
    "rename_respondent",
    "reopen_by_link",
    "reopen_workshop",
    "respondent_answers",
    "restore_answer",
    "revoke_links",
    "set_answer",
    "set_answers",
    "set_branding",
    "set_disabled",
    "set_note",
    "set_password",
    "set_respondent_answer",
    "set_role",
    "set_status",
    "sign_in",
    "submit_by_link",
    "unarchive_assessment",
    "update_assessment",
    "workshop_answers",
    "workshop_progress",
]
