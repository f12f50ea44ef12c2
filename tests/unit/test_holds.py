"""The one decision's answer as data: the day reminders may resume after the holds,
and which holds a manager may override."""

from datetime import date, timedelta

from eh_collections_case.tools.holds import ReminderHold, hold_sentence, resume_day

DAY = date(2026, 12, 7)


def test_no_hold_leaves_the_ladders_day():
    assert resume_day(DAY, []) == DAY


def test_each_dated_hold_pushes_the_day_past_its_last_day():
    promise = ReminderHold("promise", "promise until Dec 12", DAY + timedelta(days=5))
    reply = ReminderHold("reply", "reply of Dec 7", DAY + timedelta(days=2))
    assert resume_day(DAY, [reply, promise]) == DAY + timedelta(days=6)
    assert resume_day(DAY + timedelta(days=9), [promise]) == DAY + timedelta(days=9), "already past it"


def test_a_hold_until_lifted_stops_the_ladder():
    assert resume_day(DAY, [ReminderHold("promise", "p", DAY), ReminderHold("dispute", "in dispute")]) is None


def test_nothing_overdue_cannot_be_overridden_the_others_can():
    assert not ReminderHold("nothing_overdue", "nothing overdue").overridable
    assert ReminderHold("promise", "p", DAY).overridable


def test_the_sentence_keeps_the_cases_order():
    holds = [ReminderHold("pause", "paused until Dec 9", DAY), ReminderHold("reply", "reply of Dec 7", DAY)]
    assert hold_sentence(holds) == "paused until Dec 9; reply of Dec 7"
