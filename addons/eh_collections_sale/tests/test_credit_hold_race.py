import uuid
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "-standard", "collections_concurrency")
class TestCreditHoldRace(TransactionCase):
    """A confirmation racing a payment, in two real transactions committed to the
    database (a customer and a strategy of their own, in the main company): the
    confirmation ends refused or confirmed, never half-done."""

    @contextmanager
    def real_env(self):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def committed_customer_on_hold(self):
        with self.real_env() as env:
            company = env.ref("base.main_company")
            tag = uuid.uuid4().hex[:8]
            strategy = env["eh.collections.strategy"].create(
                {
                    "name": f"Race hold {tag}",
                    "company_id": company.id,
                    "level_ids": [
                        Command.create(
                            {
                                "name": "Stop selling",
                                "days_overdue": 30,
                                "channel_email": False,
                                "channel_call": True,
                                "block_new_sales": True,
                            }
                        )
                    ],
                }
            )
            partner = env["res.partner"].create(
                {"name": f"Race Hold {tag}", "is_company": True, "eh_collections_strategy_id": strategy.id}
            )
            today = fields.Date.context_today(partner)
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=70),
                    "invoice_date_due": today - timedelta(days=40),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": 900, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            Case = env["eh.collections.case"]
            Case._refresh_from_ledger(company, partners=partner)
            case = Case.search([("partner_id", "=", partner.id), ("state", "=", "open")])
            followup = env["eh.collections.followup"]._queue(case, strategy.level_ids)
            env["eh.collections.followup.send"]._send_followups(followup)
            product = env["product.product"].create({"name": f"Race chair {tag}", "list_price": 50.0})
            order = env["sale.order"].create(
                {"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]}
            )
            assert order.eh_credit_hold, "the customer is on hold before the race"
            return order.id, invoice.id

    def test_a_confirmation_racing_a_payment_is_refused_or_confirmed_never_half_done(self):
        order_id, invoice_id = self.committed_customer_on_hold()
        with self.real_env() as sales:
            sales["sale.order"].browse(order_id).read(["state"])  # this transaction's snapshot starts here
            with self.real_env() as accounting:
                invoice = accounting["account.move"].browse(invoice_id)
                accounting["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({})._create_payments()
                accounting["eh.collections.case"]._refresh_from_ledger(
                    invoice.company_id, partners=invoice.partner_id.commercial_partner_id
                )
            with self.assertRaisesRegex(UserError, "on credit hold"):
                sales["sale.order"].browse(order_id).action_confirm()  # it still sees the hold
            sales.cr.rollback()
            self.assertEqual(sales["sale.order"].browse(order_id).state, "draft", "refused: nothing written")
            sales["sale.order"].browse(order_id).action_confirm()  # a new snapshot sees the payment
        with self.real_env() as env:
            order = env["sale.order"].browse(order_id)
            self.assertEqual(order.state, "sale")
            case = env["eh.collections.case"].search([("partner_id", "=", order.partner_id.id)])
            self.assertEqual(case.state, "resolved")
