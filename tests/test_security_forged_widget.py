"""A forged widget id is answered with a clean error (issue 19, finding 12). A browser can send a value for
any widget id; one that is not a Streamlit element id (say `ws_forged`, or the name of a session key) made
Streamlit's own state check raise KeyError in the sender's run, on the first widget of every page, and the
traceback went to the log. Now such values are dropped before the page runs, and the page says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
FORGED = ["ws_forged", "answers", "lang", "ws_unlocked", "$$ID-not-a-hash", "", "\u202e\x00", "x" * 10_000]


def run_with(at: AppTest, widget_id: str, value: str = "forged") -> AppTest:
    states: WidgetStates = at._tree.get_widget_states()
    forged = states.widgets.add()
    forged.id = widget_id
    forged.string_value = value
    return at._run(states)


@pytest.mark.parametrize("widget_id", FORGED)
def test_a_forged_widget_id_is_a_clean_error_not_a_traceback(widget_id, caplog):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    at = run_with(at, widget_id)
    assert not at.exception, [e.value for e in at.exception]
    assert "Traceback" not in caplog.text
    if not widget_id.startswith("$$ID-"):  # a well-formed element id of no widget is Streamlit's own to ignore
        assert any("ignored" in e.value for e in at.error), [e.value for e in at.error]
    at.run()  # the next run is clean too, and the page still works
    assert not at.exception and not at.error
    assert at.session_state["answers"] == {} and at.session_state["lang"] in ("en", "zh")
