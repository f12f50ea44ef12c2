"""The payment-risk score: a probability, fitted on a strict past, explained, and never
rewarding lateness."""

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eh_account_ai_agent.tools import InvoiceRecord, RiskModel, fit_risk_model, payment_risk
from eh_account_ai_agent.tools.risk import (
    DEFAULT_BASE_RATE,
    FEATURES,
    MIN_SAMPLES,
    fallback_model,
    risk_features,
)

TODAY = date(2026, 6, 30)


def paid(amount, days_late, due_days_ago=200, term=30):
    due = TODAY - timedelta(days=due_days_ago)
    return InvoiceRecord(
        amount, due, due + timedelta(days=days_late), invoice_date=due - timedelta(days=term)
    )


def portfolio(customers=120, seed=3):
    """Half punctual payers, half late ones, a monthly invoice each for two years."""
    rng = random.Random(seed)
    histories = {}
    for index in range(customers):
        late_payer = index % 2
        records = []
        for month in range(24):
            issued = TODAY - timedelta(days=730 - 30 * month)
            due = issued + timedelta(days=30)
            is_late = rng.random() < (0.8 if late_payer else 0.1)
            settled = due + timedelta(days=rng.randint(5, 40)) if is_late else due - timedelta(days=2)
            records.append(InvoiceRecord(1000.0, due, settled if settled <= TODAY else None, 0.0, issued))
        histories[f"customer-{index}"] = records
    return histories


MODEL = fit_risk_model(portfolio(), TODAY)


def test_no_history_gets_the_base_rate_labelled():
    score = payment_risk([], TODAY)
    assert (score.score, score.has_history) == (round(100 * DEFAULT_BASE_RATE), False)
    assert [f.text for f in score.reasons()] == ["no history yet: the company's base rate of 25%: +0%"]
    # An invoice not due yet says nothing either: the company's own base rate.
    not_due = InvoiceRecord(500, TODAY + timedelta(days=10), None, 500, TODAY)
    own = payment_risk([not_due], TODAY, model=replace(MODEL, base_rate=0.4))
    assert (own.score, own.has_history) == (40, False)


def test_features_by_hand():
    # Two settled (1000 paid 30 days late, 1000 on time), one 600 open and 40 days past due.
    history = [paid(1000, 30), paid(1000, 0), InvoiceRecord(600, TODAY - timedelta(days=40), None, 600)]
    features = risk_features(history, TODAY)
    assert (features.known, features.late) == (3, 2), "the open past-due invoice is late already"
    assert features.values["late_share"] == pytest.approx(math.log(2.5 / 1.5))
    # 30 + 0 + 40 days on 1000, 1000 and 600: (30000 + 24000) / 2600
    assert features.avg_days_late == pytest.approx(54000 / 2600)
    assert features.days_since_late == 0, "still late today"
    assert features.overdue_share == 1.0
    assert features.values["trend"] == pytest.approx(math.log(2.5 / 1.5))
    assert features.typical_amount == 1000
    assert features.exposure_ratio == pytest.approx(0.6)
    assert features.values["latest_size"] == pytest.approx(math.log(601 / 1001))


def test_point_in_time_ignores_what_came_after():
    due = TODAY - timedelta(days=100)
    late_later = InvoiceRecord(1000, due, due + timedelta(days=50), 0.0, due - timedelta(days=30))
    issued_after = InvoiceRecord(9000, TODAY, None, 9000, TODAY)
    as_of = due + timedelta(days=10)
    features = risk_features([late_later, issued_after], as_of)
    assert (features.known, features.late, features.avg_days_late) == (1, 1, 10), "10 days late so far"
    assert features.typical_amount == 1000, "the invoice issued later is unknown"
    assert risk_features([late_later], due - timedelta(days=1)) is None, "not due yet: nothing known"


def test_reasons_in_plain_words():
    history = [paid(1000, 30, due_days_ago=d) for d in (60, 90, 120, 150, 180, 210)]
    history += [paid(1000, 0, due_days_ago=d) for d in (240, 270)]
    score = payment_risk(history, TODAY, broken_promises=1)
    texts = {f.code: f.text for f in score.factors}
    assert texts["late_share"].startswith("paid 6 of 8 invoices late: +")
    assert texts["broken_promises"].startswith("1 broken promises: +")
    assert texts["trend"].startswith("late on 3 of the last 3 invoices due: +")
    assert score.top()[0].points > 0 and all(f.points > 0 for f in score.top())
    assert 50 < score.score < 100
    assert score.score == round(100 * score.probability)
    # Every factor is what the chance would lose without it.
    assert all(abs(f.points) < 100 for f in score.factors)


def test_a_fit_needs_history_and_learns_who_pays_late():
    small = fit_risk_model(dict(list(portfolio().items())[:4]), TODAY)
    assert small.kind == "fallback", f"fewer than {MIN_SAMPLES} outcomes"
    assert 0 < small.base_rate < 1 and small.base_rate != DEFAULT_BASE_RATE, "the company's own rate"
    assert MODEL.kind == "fitted" and MODEL.samples >= MIN_SAMPLES
    assert all(MODEL.weights[f.code] >= 0 for f in FEATURES if f.monotone)
    histories = portfolio(customers=10, seed=9)
    punctual = payment_risk(histories["customer-0"], TODAY, model=MODEL)
    late = payment_risk(histories["customer-1"], TODAY, model=MODEL)
    assert punctual.score < 25 < 60 < late.score
    assert MODEL.kind == "fitted" and late.model_kind == "fitted"


def test_a_stored_model_round_trips_and_bad_ones_fall_back():
    assert RiskModel.from_dict(MODEL.to_dict()) == MODEL
    assert RiskModel.from_dict({"kind": "fitted"}) == fallback_model()
    forged = MODEL.to_dict()
    forged["weights"]["late_share"] = -5.0
    assert RiskModel.from_dict(forged).kind == "fallback", "a model rewarding lateness is refused"
    assert RiskModel.from_dict(forged).base_rate == MODEL.base_rate


def test_edges_score_without_error():
    all_late = [paid(1000, 90 + i, due_days_ago=100 + 30 * i) for i in range(12)]
    for model in (None, MODEL):
        assert 50 < payment_risk(all_late, TODAY, 5, 5, 1e9, model=model).score <= 100
        one = payment_risk([paid(1000, 0)], TODAY, model=model)
        assert one.has_history and 0 <= one.score < 50
        zero = payment_risk([InvoiceRecord(0, TODAY - timedelta(days=10), TODAY)], TODAY, model=model)
        assert 0 <= zero.score <= 100


def test_invoice_records_refuse_negative_amounts():
    with pytest.raises(ValueError, match="^amounts cannot be negative$"):
        InvoiceRecord(10, TODAY, residual=-1)
    with pytest.raises(ValueError):
        InvoiceRecord(-1, TODAY)


records = st.builds(
    InvoiceRecord,
    amount=st.floats(min_value=1, max_value=1e6),
    due_date=st.dates(min_value=TODAY - timedelta(days=720), max_value=TODAY + timedelta(days=60)),
    paid_date=st.none() | st.dates(min_value=TODAY - timedelta(days=720), max_value=TODAY),
    residual=st.floats(min_value=0, max_value=1e6),
    invoice_date=st.none() | st.dates(min_value=TODAY - timedelta(days=800), max_value=TODAY),
)
models = st.sampled_from([None, MODEL])


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=20), st.integers(0, 5), st.integers(0, 5), models)
def test_score_is_bounded_and_deterministic(history, broken, disputes, model):
    score = payment_risk(history, TODAY, broken, disputes, model=model)
    assert 0 <= score.score <= 100
    assert payment_risk(list(history), TODAY, broken, disputes, model=model) == score


@settings(max_examples=300, deadline=None)
@given(st.lists(records, min_size=1, max_size=15), st.data(), models)
def test_paying_later_never_lowers_the_risk(history, data, model):
    index = data.draw(st.integers(0, len(history) - 1))
    record = history[index]
    assume(record.paid_date is not None)  # an open invoice is already counted at today's age
    later = replace(
        record, paid_date=min(TODAY, record.paid_date + timedelta(days=data.draw(st.integers(1, 120))))
    )
    worse = [*history[:index], later, *history[index + 1 :]]
    assert (
        payment_risk(worse, TODAY, model=model).probability
        >= payment_risk(history, TODAY, model=model).probability - 1e-12
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=15), st.integers(0, 4), st.integers(0, 4), models)
def test_more_broken_promises_and_disputes_never_lower_it(history, broken, disputes, model):
    base = payment_risk(history, TODAY, broken, disputes, model=model).probability
    assert payment_risk(history, TODAY, broken + 1, disputes, model=model).probability >= base
    assert payment_risk(history, TODAY, broken, disputes + 1, model=model).probability >= base
