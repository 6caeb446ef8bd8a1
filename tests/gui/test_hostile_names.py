"""A name with a control character is refused in Preferences (issue 16): it would garble or forge
the history lines it is shown in. The same names are refused on the command line
(tests/cli/test_hostile_cli.py) and wherever a change is recorded (events.log)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from casr_tracker.models import StatusChange

from ..hostile import BAD_NAMES


@pytest.mark.parametrize("name", [n for n in BAD_NAMES if "\x1b" in n or "\x07" in n or "\u202e" in n], ids=repr)
def test_preferences_refuse_a_name_with_a_control_character(win, name):
    assert not win.set_user(name)
    assert win.last_message == "A user name cannot contain line breaks or control characters."
    assert win.tracker.user == "tester" and win.user_label.text() == "You: tester"
    win.set_status_of([win.pledges.table_model.rows()[0].id], "not_started")
    assert win.tracker.read(lambda s: s.exec(select(StatusChange)).one().who) == "tester"
