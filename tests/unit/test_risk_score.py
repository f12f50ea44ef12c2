"""The payment-risk score: bounded, explained, and never rewarding lateness."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eh_account_ai_agent.tools import InvoiceRecord, payment_risk

TODAY = date(2026, 6, 30)


def paid(amount, days_late, due_days_ago=200):
    due = TODAY - timedelta(days=due_days_ago)
    return InvoiceRecord(amount, due, due + timedelta(days=days_late))


def test_punctual_customer_scores_zero():
    history = [paid(1000, 0), paid(500, -3), paid(800, 0, due_days_ago=30)]
    score = payment_risk(history, TODAY)
    assert score.score == 0
    assert score.top() == ()


def test_hand_computed_score():
    # 2 settled, 1 late by 30 days on 1000 of 2000: late share 0.5 -> 15; days late
    # 15 of 60 -> 6.25; open 600 all past due -> 20; nothing due in the last 180 days
    # but the open one (due 40 days ago, 40 days late on 600 of 600) -> 10*40/60 = 6.67;
    # one broken promise -> 5. Total 52.9 -> 53.
    history = [paid(1000, 30), paid(1000, 0), InvoiceRecord(600, TODAY - timedelta(days=40), None, 600)]
    score = payment_risk(history, TODAY, broken_promises=1)
    assert score.score == 53
    assert [f.code for f in score.top(3)] == ["current_overdue", "late_share", "trend"]
    assert "1 of 2 invoices paid late" in {f.detail for f in score.factors}


records = st.builds(
    InvoiceRecord,
    amount=st.floats(min_value=1, max_value=1e6),
    due_date=st.dates(min_value=TODAY - timedelta(days=720), max_value=TODAY + timedelta(days=60)),
    paid_date=st.none() | st.dates(min_value=TODAY - timedelta(days=720), max_value=TODAY),
    residual=st.floats(min_value=0, max_value=1e6),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=20), st.integers(0, 5), st.integers(0, 5))
def test_score_is_bounded(history, broken, disputes):
    score = payment_risk(history, TODAY, broken, disputes).score
    assert 0 <= score <= 100


@settings(max_examples=300, deadline=None)
@given(st.lists(records, min_size=1, max_size=15), st.data())
def test_paying_later_never_lowers_the_score(history, data):
    index = data.draw(st.integers(0, len(history) - 1))
    record = history[index]
    assume(record.paid_date is not None)  # an open invoice is already counted at today's age
    later_by = data.draw(st.integers(1, 120))
    settled = record.paid_date or TODAY
    later = replace(record, paid_date=min(TODAY, settled + timedelta(days=later_by)))
    worse = [*history[:index], later, *history[index + 1 :]]
    assert payment_risk(worse, TODAY).score >= payment_risk(history, TODAY).score


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=15), st.integers(0, 4), st.integers(0, 4))
def test_more_broken_promises_and_disputes_never_lower_it(history, broken, disputes):
    base = payment_risk(history, TODAY, broken, disputes).score
    assert payment_risk(history, TODAY, broken + 1, disputes).score >= base
    assert payment_risk(history, TODAY, broken, disputes + 1).score >= base


def test_negative_amounts_refused():
    with pytest.raises(ValueError):
        InvoiceRecord(-1, TODAY)
