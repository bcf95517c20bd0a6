"""Versioned forms (an action, an assessment's details, a note, an agreed answer): nothing overwritten unseen.

A form is filled from what is stored and remembers the version it was filled from; its save is based on
that version, so a change someone else made meanwhile is refused, never written over (store/). The values
the user had typed are then kept. Reload brings the stored values into the form and sets beside it what
changed since the form was filled (each field: before, now, who and when, from the store's history) and
the user's own unsaved values, each with a "Use mine" button that re-applies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui.local_time import when
from ui.present import md
from ui.workspace.session import t

FILLED = "ws_form_filled"  # {form id: {"version": int, "values": {field: value}}}: what each form was filled with
ASIDE = "ws_form_aside"  # {form id: Aside}: after a refusal and a reload, what changed and the user's values


@dataclass(frozen=True)
class Stored:
    """What is stored for a form now: its values, its version, and for each field changed after a given
    version the latest change's author and time."""

    values: dict[str, Any]
    version: int
    changed_by: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    """A versioned form: its id (unique in the session), its fields' widget keys (none when its widgets are
    drawn from the store on every run), how to read what is stored (with who changed what after a version),
    how to re-apply one of the user's values (default: put it in the field's widget), and how its fields
    and values read on screen."""

    id: str
    keys: Mapping[str, str]
    read: Callable[[int], Stored]
    label: Callable[[str], str]
    words: Callable[[str, Any], str]
    apply: Callable[[str, Any], None] | None = None


@dataclass
class Aside:
    """After a reload: what others changed (field: before, now, author, time) and the user's own values."""

    changed: dict[str, tuple[Any, Any, str, dt.datetime | None]]
    mine: dict[str, Any]


def fill(form: Form, values: Mapping[str, Any], version: int) -> None:
    """Before drawing the form: put the stored values in its widgets when it is new on screen, or when the
    stored version moved on while the form holds no edit of the user's."""
    ss = st.session_state
    filled = ss.setdefault(FILLED, {})
    before = filled.get(form.id)
    new_here = before is None or any(key not in ss for key in form.keys.values())
    moved = before is not None and before["version"] != version and current(form) == before["values"]
    if new_here or moved:
        for name, key in form.keys.items():
            ss[key] = values[name]
        filled[form.id] = {"version": version, "values": dict(values)}


def filled(form: Form, values: Mapping[str, Any], version: int) -> None:
    """Note what a form drawn from the store on every run (no widget keys) shows now."""
    st.session_state.setdefault(FILLED, {})[form.id] = {"version": version, "values": dict(values)}


def based_on(form: Form, default: int) -> int:
    """The version the form's values came from: the one its save must be based on."""
    return int(st.session_state.get(FILLED, {}).get(form.id, {}).get("version", default))


def current(form: Form) -> dict[str, Any]:
    """The values in the form's widgets now."""
    ss = st.session_state
    return {name: ss.get(key) for name, key in form.keys.items()}


def saved(form: Form, stored: Mapping[str, Any], version: int) -> None:
    """After this session saved the form: it now holds what is stored, and nothing is kept aside."""
    st.session_state.setdefault(FILLED, {})[form.id] = {"version": version, "values": dict(stored)}
    st.session_state.get(ASIDE, {}).pop(form.id, None)


def refused(
    form: Form, mine: Mapping[str, Any], *, base: Mapping[str, Any] | None = None, version: int | None = None
) -> dict[str, Any]:
    """What a refused save keeps for Reload (the messages' conflict record holds it): the form, the user's
    values, and what the form showed (`base`) at which `version` (by default, what `fill` put in it)."""
    before = st.session_state.get(FILLED, {}).get(form.id) or {"version": 0, "values": {}}
    return {
        "form": form,
        "mine": dict(mine),
        "base": dict(before["values"] if base is None else base),
        "version": before["version"] if version is None else version,
    }


def reload(kept: Mapping[str, Any]) -> None:
    """Reload after a refusal (`kept` from `refused`): the stored values into the form, and beside it what
    changed since it was filled, with who changed it, and the user's own values that differ."""
    form: Form = kept["form"]
    base, mine = kept["base"], kept["mine"]
    stored = form.read(kept["version"])
    ss = st.session_state
    for name, key in form.keys.items():
        ss[key] = stored.values.get(name)
    ss.setdefault(FILLED, {})[form.id] = {"version": stored.version, "values": dict(stored.values)}
    changed = {
        name: (base.get(name), now, *stored.changed_by.get(name, ("", None)))
        for name, now in stored.values.items()
        if name in stored.changed_by or (name in base and base[name] != now)
    }
    # Only what the user changed is theirs to re-apply: a field they left alone is not an edit.
    own = {name: value for name, value in mine.items() if value != base.get(name) and value != stored.values.get(name)}
    if changed or own:
        ss.setdefault(ASIDE, {})[form.id] = Aside(changed, own)


def _use_mine(form: Form, name: str) -> None:
    aside: Aside | None = st.session_state.get(ASIDE, {}).get(form.id)
    if aside is None or name not in aside.mine:
        return
    value = aside.mine.pop(name)
    if form.apply is not None:
        form.apply(name, value)
    else:
        st.session_state[form.keys[name]] = value


def _dismiss(form_id: str) -> None:
    st.session_state.get(ASIDE, {}).pop(form_id, None)


def show_aside(form: Form) -> None:
    """Beside the form after a reload: what changed and who changed it, and the user's values to re-apply."""
    aside: Aside | None = st.session_state.get(ASIDE, {}).get(form.id)
    if aside is None:
        return
    with st.container(border=True, key=f"ws_aside__{form.id}"):
        if aside.changed:
            st.warning(md(t("ws_aside_changed")), icon=":material/sync_problem:")
            for name, (was, now, author, moment) in aside.changed.items():
                line = t(
                    "ws_aside_change",
                    field=form.label(name),
                    was=form.words(name, was),
                    now=form.words(name, now),
                    who=author or t("ws_unnamed"),
                    when=when(moment) if moment else "",
                )
                st.markdown(md(line))
        if aside.mine:
            st.caption(md(t("ws_aside_mine")))
            for name, value in aside.mine.items():
                text, button = st.columns([4, 1], vertical_alignment="center")
                text.markdown(md(t("ws_aside_mine_line", field=form.label(name), value=form.words(name, value))))
                button.button(
                    t("ws_use_mine"),
                    key=f"ws_use_mine__{form.id}__{name}",
                    on_click=_use_mine,
                    args=(form, name),
                    icon=":material/undo:",
                )
        st.button(t("ws_aside_done"), key=f"ws_aside_done__{form.id}", on_click=_dismiss, args=(form.id,), type="tertiary")


def latest_changes(changes: list[tuple[str, int, str, dt.datetime]], after: int) -> dict[str, tuple[str, dt.datetime]]:
    """From (field, version, author, time) rows newest first: each field's latest change after version `after`."""
    out: dict[str, tuple[str, dt.datetime]] = {}
    for name, version, author, moment in changes:
        if version > after:
            out.setdefault(name, (author, moment))
    return out
