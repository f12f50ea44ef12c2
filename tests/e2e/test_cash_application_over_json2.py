"""Cash application as an outside client sees it over JSON-2: the demo's unapplied
payments and their suggestions, a collector's decisions, and nothing written by hand."""

import pytest
from e2e_api import ApiError

FIELDS = [
    "case_id",
    "move_line_id",
    "memo",
    "invoice_ids",
    "confidence",
    "reason",
    "difference",
    "difference_reason",
]


def suggestions(client, **domain):
    conditions = [("state", "=", "suggested"), *((key, "=", value) for key, value in domain.items())]
    return client.call(
        "eh.collections.payment.match", "search_read", domain=conditions, fields=FIELDS, order="rank"
    )


def test_the_demo_has_an_exact_a_multi_invoice_and_a_discounted_payment(collector_api):
    best = [s for s in suggestions(collector_api) if s["confidence"] >= 0.9]
    exact = [s for s in best if len(s["invoice_ids"]) == 1 and not s["difference_reason"]]
    several = [s for s in best if len(s["invoice_ids"]) == 2 and not s["difference_reason"]]
    discounted = [s for s in best if s["difference_reason"] == "discount"]
    assert exact and several and discounted
    assert (
        several[0]["reason"].startswith("memo names ") and "amounts match to the cent" in several[0]["reason"]
    )
    assert discounted[0]["difference"] > 0


def test_a_collector_applies_a_suggestion_and_the_case_moves(collector_api):
    [match] = [
        s for s in suggestions(collector_api) if len(s["invoice_ids"]) == 2 and s["confidence"] >= 0.9
    ][:1]
    case_id = match["case_id"][0]
    [before] = collector_api.call(
        "eh.collections.case",
        "read",
        ids=[case_id],
        fields=["overdue_invoice_amount", "unapplied_credit_amount"],
    )
    assert collector_api.call("eh.collections.payment.match", "action_apply", ids=[match["id"]]) is True
    [after] = collector_api.call(
        "eh.collections.case",
        "read",
        ids=[case_id],
        fields=["overdue_invoice_amount", "unapplied_credit_amount"],
    )
    assert after["overdue_invoice_amount"] < before["overdue_invoice_amount"], "its invoices are paid"
    assert after["unapplied_credit_amount"] < before["unapplied_credit_amount"], "the payment is applied"
    [row] = collector_api.call(
        "eh.collections.action",
        "search_read",
        domain=[("case_id", "=", case_id), ("action_type", "=", "payment_applied")],
        fields=["note"],
    )
    assert "applied to" in row["note"]
    with pytest.raises(ApiError) as refused:
        collector_api.call("eh.collections.payment.match", "action_apply", ids=[match["id"]])
    assert "This suggestion was already applied" in refused.value.message


def test_suggestions_are_not_written_by_a_client(admin_api, collector_api):
    [match] = suggestions(collector_api)[:1]
    for client in (collector_api, admin_api):
        with pytest.raises(ApiError) as refused:
            client.call("eh.collections.payment.match", "write", ids=[match["id"]], vals={"confidence": 1})
        assert refused.value.name == "odoo.exceptions.UserError"
        assert "made by the matcher when a payment is posted" in refused.value.message
