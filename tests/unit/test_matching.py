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


def table(suggestions):
    return [
        (s.keys, s.confidence, s.reason, s.difference, s.difference_reason, s.difference_note)
        for s in suggestions
    ]


NOTHING_ELSE = "nothing else decides: the oldest open invoices first"


@pytest.mark.parametrize(
    ("amount", "memo", "expected"),
    [
        (
            350_000,
            "invoices 42 and 43",
            [
                (
                    (1, 2),
                    0.96,
                    "memo quotes the number of INV/2026/00042 and INV/2026/00043; amounts match to the cent",
                    0,
                    "",
                    "",
                )
            ],
        ),
        (
            40_000,
            "ref 1118",
            [
                (
                    (3,),
                    0.91,
                    "memo nearly names (one digit off) INV/2026/00118; amounts match to the cent",
                    0,
                    "",
                    "",
                ),
                ((1,), 0.3, NOTHING_ELSE, 60_000, UNEXPLAINED, "short by 600.00, unexplained"),
            ],
        ),
        (
            110_000,
            "INV/2026/00042",
            [
                (
                    (1,),
                    0.8,
                    "memo names INV/2026/00042; paid more than they owe",
                    -10_000,
                    OVERPAID,
                    "paid 100.00 more than the invoices: it stays as a credit",
                ),
                ((1, 2), 0.3, NOTHING_ELSE, 240_000, UNEXPLAINED, "short by 2,400.00, unexplained"),
            ],
        ),
        (
            60_000,
            "INV/2026/00042",
            [
                (
                    (1,),
                    0.6,
                    "memo names INV/2026/00042; a partial payment of them",
                    40_000,
                    UNEXPLAINED,
                    "short by 400.00, unexplained",
                )
            ],
        ),
        (
            245_000,
            "",
            [
                (
                    (2,),
                    0.8,
                    "INV/2026/00043 with their early-payment discounts, sum to the amount paid to the cent",
                    5_000,
                    DISCOUNT,
                    "early-payment discount of 50.00",
                ),
                ((1, 2), 0.3, NOTHING_ELSE, 105_000, UNEXPLAINED, "short by 1,050.00, unexplained"),
            ],
        ),
        (
            177_777,
            "",
            [
                (
                    (1, 4),
                    0.7,
                    "INV/2026/00042 and INV/2026/00120 sum to the amount paid to the cent",
                    0,
                    "",
                    "",
                ),
                ((1, 2), 0.3, NOTHING_ELSE, 172_223, UNEXPLAINED, "short by 1,722.23, unexplained"),
            ],
        ),
        (
            367_777,
            "",
            [
                (
                    (2, 3, 4),
                    0.72,
                    "INV/2026/00043, INV/2026/00118 and INV/2026/00120 sum to the amount paid to the cent",
                    0,
                    "",
                    "",
                ),
                ((1, 2, 3), 0.3, NOTHING_ELSE, 22_223, UNEXPLAINED, "short by 222.23, unexplained"),
            ],
        ),
        (
            140_000,
            "INV/2026/00042 INV/2026/00118",
            [
                (
                    (1, 3),
                    0.99,
                    "memo names INV/2026/00042 and INV/2026/00118; amounts match to the cent",
                    0,
                    "",
                    "",
                ),
                ((1, 2), 0.3, NOTHING_ELSE, 210_000, UNEXPLAINED, "short by 2,100.00, unexplained"),
            ],
        ),
    ],
)
def test_suggestions_word_for_word(amount, memo, expected):
    assert table(match_payment(amount, memo, OPEN)) == expected


def test_the_memo_and_an_unnamed_invoice_together():
    # 1,000 named and 777.77 not: the named one first, then the pair the amount points at,
    # with the better of its two pieces of evidence (a sum to the cent over "with ...").
    assert table(match_payment(177_777, "INV/2026/00042", OPEN))[:2] == [
        (
            (1,),
            0.8,
            "memo names INV/2026/00042; paid more than they owe",
            -77_777,
            OVERPAID,
            "paid 777.77 more than the invoices: it stays as a credit",
        ),
        ((1, 4), 0.7, "INV/2026/00042 and INV/2026/00120 sum to the amount paid to the cent", 0, "", ""),
    ]


def osa_distance(a, b):
    """Edit distance with swaps of neighbours (optimal string alignment): the oracle."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@pytest.mark.parametrize("token", ["12", "118", "4071"])
def test_one_typo_away_is_every_string_at_distance_one(token):
    from itertools import product

    from eh_collections_case.tools.matching import _one_typo_away

    candidates = {
        "".join(digits)
        for size in range(len(token) - 1, len(token) + 2)
        for digits in product("0123456789", repeat=size)
    }
    assert _one_typo_away(token) == {c for c in candidates if osa_distance(c, token) == 1}


def test_subsets_singles_pairs_runs_and_a_bounded_search():
    from eh_collections_case.tools.matching import _subsets_summing_to

    ordered = sorted(OPEN, key=lambda inv: (inv.due_date, inv.key))
    keys = lambda found: [tuple(inv.key for inv in subset) for subset in found]  # noqa: E731
    assert keys(_subsets_summing_to(ordered, 77_777, 10)) == [(4,)]
    assert keys(_subsets_summing_to(ordered, 245_000, 10)) == [(2,)], "with its discount"
    assert keys(_subsets_summing_to(ordered, 177_777, 10)) == [(1, 4)]
    assert keys(_subsets_summing_to(ordered, 367_777, 0)) == [(2, 3, 4)], "a run needs no search"
    # A, C and D are no run: only the search finds them, within its budget.
    assert keys(_subsets_summing_to(ordered, 217_777, 100)) == [(1, 3, 4)]
    assert keys(_subsets_summing_to(ordered, 217_777, 3)) == [], "three sets examined: not reached"
    assert keys(_subsets_summing_to(ordered, 1, 100)) == []


def test_sequences_and_names_in_words():
    from eh_collections_case.tools.matching import _names, _sequence

    assert [_sequence(n) for n in ("INV/2026/00042", "RINV/2026/0100", "F-7", "", "none")] == [
        "42",
        "100",
        "7",
        "",
        "",
    ]
    assert _names([A]) == "INV/2026/00042"
    assert _names([A, B, C]) == "INV/2026/00042, INV/2026/00043 and INV/2026/00118"


def test_boundaries_of_every_difference_reason():
    from eh_collections_case.tools.matching import _explain

    assert _explain([A], 100_000, 0) == (0, "", "")
    assert _explain([A], 100_001, 0)[1] == OVERPAID, "one cent over"
    assert _explain([A], 99_000, 1_000)[:2] == (1_000, FEE), "exactly the tolerance is a fee"
    assert _explain([A], 98_999, 1_000)[1] == UNEXPLAINED, "a cent over the tolerance is not"
    assert _explain([A], 99_901, 0)[:2] == (99, ROUNDING), "under one unit is rounding"
    assert _explain([A], 99_900, 0)[1] == UNEXPLAINED, "one unit is not rounding"
    # The discount, give or take less than a unit of rounding.
    assert _explain([B], 245_099, 0)[1] == DISCOUNT
    assert _explain([B], 244_900, 0)[1] == UNEXPLAINED, "a unit off the discount is something else"
    full = OpenInvoice(9, "INV/2026/00999", 1_000, TODAY, discounted=1_000)
    assert _explain([full], 990, 0)[1] == ROUNDING, "a 'discount' of nothing is no discount"


def test_explained_and_disputed_differences_word_for_word():
    assert table(match_payment(98_500, "INV/2026/00042", OPEN, fee_tolerance=2_000))[0] == (
        (1,),
        0.93,
        "memo names INV/2026/00042; the difference is explained",
        1_500,
        FEE,
        "bank fee of 15.00, within the tolerance of 20.00",
    )
    assert table(match_payment(100_000, "INV/2026/00042 INV/2026/00118", OPEN))[0] == (
        (1,),
        0.9,
        "memo names INV/2026/00042 and INV/2026/00118; the disputed one left out",
        0,
        "",
        "",
    )
    # Quoted by number only, the sum to the cent of the oldest invoice is the better evidence.
    assert table(match_payment(100_000, "invoices 42 and 118", OPEN))[0] == (
        (1,),
        0.9,
        "INV/2026/00042 sum to the amount paid to the cent",
        0,
        "",
        "",
    )


def test_the_memo_edges():
    short = OpenInvoice(5, "F7", 700, TODAY, reference="RF18")
    assert named_in_memo("paid RF18 today", [short]) == ([short], "exact"), "a reference of four characters"
    assert named_in_memo("paid F7", [short]) == ([], ""), "under four characters is too short to trust"
    # The prefix digits of every open invoice's sequence are set aside, zeros and all.
    odd = OpenInvoice(6, "INV/02026/00077", 700, TODAY)
    assert named_in_memo("INV 2026", [odd, invoice(7, 1, seq=2026)]) == ([], "")
    assert named_in_memo("77 and 2026", [odd]) == ([odd], "number")
    # Every run of the memo is read, not only the first one that fails.
    assert named_in_memo("ref 9 then 1118", OPEN) == ([C], "typo")
