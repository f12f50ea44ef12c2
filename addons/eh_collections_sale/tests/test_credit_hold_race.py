import uuid
from contextlib import contextmanager
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "-standard", "collections_concurrency")
class TestCreditHoldRace(TransactionCase):
    """A confirmation racing a payment, in two real transactions committed to the
    database (a customer and a strategy of their own, in the main company): the
    confirmation ends refused or confirmed, never half-done."""

    @contextmanager
    def real_env(self):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def committed_customer_on_hold(self, send=True):
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
            if send:
                followup = env["eh.collections.followup"]._queue(case, strategy.level_ids)
                env["eh.collections.followup.send"]._send_followups(followup)
            product = env["product.product"].create({"name": f"Race chair {tag}", "list_price": 50.0})
            order = env["sale.order"].create(
                {"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]}
            )
            assert bool(order.eh_credit_hold) == send, "on hold before the race, or not yet"
            return order.id, invoice.id

    def test_a_hold_arriving_while_an_order_confirms_is_never_confirmed_over(self):
        """The other order: the blocking level is sent and committed while a salesperson's
        confirmation runs on a snapshot from before it. PostgreSQL refuses the
        confirmation's share lock on the case; Odoo's retry reads the hold and refuses."""
        order_id, _invoice_id = self.committed_customer_on_hold(send=False)
        with self.real_env() as sales:
            sales["sale.order"].browse(order_id).read(["state"])  # this transaction's snapshot starts here
            with self.real_env() as cron:
                order = cron["sale.order"].browse(order_id)
                case = cron["eh.collections.case"].search(
                    [("partner_id", "=", order.partner_id.id), ("state", "=", "open")]
                )
                followup = cron["eh.collections.followup"]._queue(case, case.strategy_id.level_ids)
                cron["eh.collections.followup.send"]._send_followups(followup)
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                sales["sale.order"].browse(order_id).action_confirm()
            sales.cr.rollback()
            with self.assertRaisesRegex(UserError, "on credit hold"):  # the retry
                sales["sale.order"].browse(order_id).action_confirm()
            sales.cr.rollback()
        with self.real_env() as env:
            self.assertEqual(env["sale.order"].browse(order_id).state, "draft")

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
            # Its snapshot still shows the hold, but the payment wrote the case since:
            # PostgreSQL refuses the confirmation rather than let it read a stale hold.
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                sales["sale.order"].browse(order_id).action_confirm()
            sales.cr.rollback()
            sales["sale.order"].browse(order_id).action_confirm()  # Odoo's retry sees the payment
        with self.real_env() as env:
            order = env["sale.order"].browse(order_id)
            self.assertEqual(order.state, "sale")
            case = env["eh.collections.case"].search([("partner_id", "=", order.partner_id.id)])
            self.assertEqual(case.state, "resolved")
