"""The aging buckets: every age in exactly one bucket, the boundaries where a
collector reads them, and the field names the case is built from."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eh_collections_case.tools.aging import AGING_BUCKETS, age, bucket_of, is_overdue

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("days", "key"),
    [
        (-400, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "91_120"),
        (120, "91_120"),
        (121, "over_120"),
        (5000, "over_120"),
    ],
)
def test_bucket_boundaries(days, key):
    assert bucket_of(days).key == key


@given(st.integers(-10_000, 10_000))
def test_every_age_falls_in_exactly_one_bucket(days):
    assert [bucket.key for bucket in AGING_BUCKETS if bucket.holds(days)] == [bucket_of(days).key]


def test_buckets_are_the_case_fields_in_order():
    assert [bucket.field for bucket in AGING_BUCKETS] == [
        "amount_not_due",
        "amount_1_30",
        "amount_31_60",
        "amount_61_90",
        "amount_91_120",
        "amount_over_120",
    ]
    assert [bucket.label for bucket in AGING_BUCKETS] == [
        "Not due",
        "1-30",
        "31-60",
        "61-90",
        "91-120",
        "120+",
    ]


def test_overdue_from_the_day_after_the_due_date():
    assert age(TODAY, TODAY) == 0
    assert age(TODAY - timedelta(days=3), TODAY) == 3
    assert age(TODAY + timedelta(days=2), TODAY) == -2
    assert not is_overdue(TODAY, TODAY)
    assert is_overdue(TODAY - timedelta(days=1), TODAY)
    assert not is_overdue(TODAY + timedelta(days=1), TODAY)
