"""The cash-application matcher: which open invoices a payment pays, and why."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eh_collections_case.tools.matching import (
    DISCOUNT,
    DISPUTE,
    FEE,
    OVERPAID,
    ROUNDING,
    UNEXPLAINED,
    OpenInvoice,
    match_payment,
    named_in_memo,
    normalize,
)

TODAY = date(2026, 6, 30)


def invoice(key, residual, seq=None, days_ago=30, **values):
    number = f"INV/2026/{seq or key:05d}"
    return OpenInvoice(key, number, residual, TODAY - timedelta(days=days_ago), number, **values)


A = invoice(1, 100_000, seq=42, days_ago=90)  # 1,000.00
B = invoice(2, 250_000, seq=43, days_ago=60, discounted=245_000)  # 2,500.00, 2% off if paid early
C = invoice(3, 40_000, seq=118, days_ago=30, disputed=True)
D = invoice(4, 77_777, seq=120, days_ago=10)
OPEN = [D, C, B, A]  # in no particular order


def best(amount, memo, invoices=OPEN, **options):
    return match_payment(amount, memo, invoices, **options)[0]


def test_normalize_keeps_letters_and_digits():
    assert normalize(" inv / 2026-00042 ") == "INV202600042"
    assert normalize(None) == ""


def test_the_memo_names_invoices_exactly_by_number_or_with_one_typo():
    assert named_in_memo("Payment INV/2026/00042", OPEN) == ([A], "exact")
    assert named_in_memo("inv 2026 00042 + inv202600043", OPEN) == ([A, B], "exact")
    assert named_in_memo("invoices 42 and 118", OPEN) == ([A, C], "number")
    assert named_in_memo("INV/2026/00042 and 43", OPEN) == ([A, B], "number")
    assert named_in_memo("INV/2026/0112", OPEN) == ([C], "typo"), "a digit changed"
    assert named_in_memo("ref 1118", OPEN) == ([C], "typo"), "a digit doubled"
    assert named_in_memo("ref 181", OPEN) == ([C], "typo"), "two digits swapped"
    assert named_in_memo("ref 128", OPEN) == ([], ""), "one edit from 118 and from 120: a guess, not a match"
    assert named_in_memo("Transfer 2026", OPEN) == ([], ""), "a sequence's year is not an invoice number"
    numbered_like_a_year = invoice(9, 500, seq=2083)
    assert named_in_memo("paid 02083", [numbered_like_a_year]) == ([numbered_like_a_year], "number")
    assert named_in_memo("", OPEN) == ([], "")


def test_memo_and_amount_agree():
    suggestion = best(350_000, "INV/2026/00042 INV/2026/00043")
    assert suggestion.keys == (1, 2)
    assert suggestion.confidence == 0.99
    assert suggestion.reason == "memo names INV/2026/00042 and INV/2026/00043; amounts match to the cent"
    assert (suggestion.difference, suggestion.difference_reason) == (0, "")


def test_no_memo_the_amount_decides_then_the_oldest():
    single = best(77_777, "")
    assert (single.keys, single.reason) == ((4,), "INV/2026/00120 sum to the amount paid to the cent")
    assert best(350_000, "thanks").keys == (1, 2), "the two oldest, to the cent"
    assert best(177_777, "").keys == (1, 4), "any pair that sums to it"
    fallback = best(120_000, "")
    assert (fallback.keys, fallback.confidence) == ((1, 2), 0.3)
    assert fallback.reason == "nothing else decides: the oldest open invoices first"


def test_short_payments_are_explained_in_order():
    discount = best(245_000, "INV/2026/00043")
    assert (discount.keys, discount.difference, discount.difference_reason) == ((2,), 5_000, DISCOUNT)
    assert discount.difference_note == "early-payment discount of 50.00"
    # Taken without a memo too: the discounted amount sums to the payment.
    assert best(245_000, "").keys == (2,)
    fee = best(98_500, "INV/2026/00042", fee_tolerance=2_000)
    assert (fee.difference, fee.difference_reason) == (1_500, FEE)
    assert fee.difference_note == "bank fee of 15.00, within the tolerance of 20.00"
    disputed = best(100_000, "INV/2026/00042 INV/2026/00118")
    assert (disputed.keys, disputed.difference, disputed.difference_reason) == ((1,), 0, "")
    assert disputed.reason == "memo names INV/2026/00042 and INV/2026/00118; the disputed one left out"
    rounding = best(99_960, "INV/2026/00042")
    assert (rounding.difference, rounding.difference_reason) == (40, ROUNDING)
    short = best(60_000, "INV/2026/00042")
    assert (short.difference, short.difference_reason, short.confidence) == (40_000, UNEXPLAINED, 0.6)
    over = best(110_000, "INV/2026/00042")
    assert (over.keys, over.difference, over.difference_reason) == ((1,), -10_000, OVERPAID)


def test_a_disputed_invoice_in_a_set_explains_the_shortfall():
    # Named with the others and short by exactly its amount: the others are paid.
    from eh_collections_case.tools.matching import _explain

    assert _explain([A, C], 100_000, 0)[1] == DISPUTE


def test_at_most_three_ranked_and_nothing_for_nothing():
    suggestions = match_payment(177_777, "", OPEN)
    assert 1 <= len(suggestions) <= 3
    assert [s.confidence for s in suggestions] == sorted((s.confidence for s in suggestions), reverse=True)
    assert match_payment(0, "INV/2026/00042", OPEN) == []
    assert match_payment(100, "", []) == []


def test_a_thousand_open_invoices_stay_bounded():
    many = [invoice(i, 10_000 + 37 * i, seq=i, days_ago=1000 - i) for i in range(1, 1001)]
    target = many[500].residual + many[700].residual + many[900].residual
    suggestions = match_payment(target, "", many, max_subsets=3000)
    assert suggestions, "oldest first at least"
    assert len(suggestions) <= 3


amounts = st.integers(min_value=1, max_value=10_000_00)
ledgers = st.lists(amounts, min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(ledgers, st.data())
def test_paying_one_quoted_invoice_exactly_is_always_the_first_suggestion(residuals, data):
    invoices = [invoice(i + 1, r, seq=100 + i, days_ago=50 - i) for i, r in enumerate(residuals)]
    paid = data.draw(st.sampled_from(invoices))
    first = best(paid.residual, f"Payment {paid.number}", invoices)
    assert first.keys == (paid.key,) and first.difference == 0


@settings(max_examples=150, deadline=None)
@given(ledgers, amounts, st.text(max_size=40))
def test_any_payment_gets_sane_suggestions(residuals, amount, memo):
    invoices = [invoice(i + 1, r, seq=100 + i, days_ago=50 - i) for i, r in enumerate(residuals)]
    suggestions = match_payment(amount, memo, invoices)
    assert suggestions == match_payment(
        amount, memo, list(reversed(invoices))
    ), "order of input is irrelevant"
    for suggestion in suggestions:
        assert 0 < suggestion.confidence <= 1
        assert set(suggestion.keys) <= {inv.key for inv in invoices}
        total = sum(inv.residual for inv in invoices if inv.key in suggestion.keys)
        assert suggestion.difference == total - amount


def test_open_invoices_validate_nothing_they_do_not_need():
    with pytest.raises(TypeError):
        OpenInvoice(1, "INV/1", 100)  # a due date is required
