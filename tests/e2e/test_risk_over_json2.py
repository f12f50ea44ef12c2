"""The payment risk an outside client reads over JSON-2: per company, with its reasons,
recomputed on request, and never written by a client."""

import pytest
from e2e_api import ApiError

RISK_FIELDS = [
    "eh_risk_score",
    "eh_risk_summary",
    "eh_risk_factors",
    "eh_risk_has_history",
    "eh_risk_updated_at",
]


def customer(client, name):
    [partner] = client.call("res.partner", "search_read", domain=[("name", "=", name)], fields=RISK_FIELDS)
    return partner


def test_a_collector_reads_the_chance_and_its_reasons(collector_api):
    # Wood Corner paid each of its demo invoices late: a high chance, said in words.
    partner = customer(collector_api, "Wood Corner")
    assert partner["eh_risk_has_history"]
    assert partner["eh_risk_score"] >= 50
    assert partner["eh_risk_summary"] == f"Chance of paying late: {partner['eh_risk_score']}%"
    assert "invoices late: +" in partner["eh_risk_factors"]
    # Recompute over the API: the same ledger, the same model, the same answer.
    assert collector_api.call("res.partner", "action_eh_compute_risk_score", ids=[partner["id"]]) is True
    again = customer(collector_api, "Wood Corner")
    assert (again["eh_risk_score"], again["eh_risk_factors"]) == (
        partner["eh_risk_score"],
        partner["eh_risk_factors"],
    )
    assert again["eh_risk_updated_at"] >= partner["eh_risk_updated_at"]


@pytest.mark.parametrize("context", [{}, {"eh_risk_scoring": True}])
def test_nobody_writes_a_score_by_hand(admin_api, collector_api, context):
    partner = customer(collector_api, "Wood Corner")
    for client in (collector_api, admin_api):
        with pytest.raises(ApiError) as refused:
            client.call(
                "res.partner", "write", ids=[partner["id"]], vals={"eh_risk_score": 1}, context=context
            )
        assert refused.value.name == "odoo.exceptions.UserError"
        assert "use Recompute on the customer's Invoicing tab" in refused.value.message
        with pytest.raises(ApiError) as refused:
            client.call(
                "res.partner",
                "create",
                vals_list=[{"name": "Forged Ltd", "eh_risk_score": 0}],
                context=context,
            )
        assert "computed from the customer's invoices and payments" in refused.value.message
    assert customer(collector_api, "Wood Corner")["eh_risk_score"] == partner["eh_risk_score"]


def test_the_company_model_is_read_in_settings_words(admin_api):
    [company] = admin_api.call(
        "res.company", "search_read", domain=[("name", "=", "My Company")], fields=["eh_risk_model_summary"]
    )
    # The demo's young ledger: the documented weights with the company's own base rate.
    assert company["eh_risk_model_summary"].startswith("Documented fallback weights: ")
    assert "200 needed to fit this company's own; base rate " in company["eh_risk_model_summary"]
