from datetime import date, timedelta

from odoo import Command
from odoo.tests import Form, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MockEmail

TODAY = date(2026, 3, 15)


class CollectionsCommon(AccountTestInvoicingCommon):
    """Real posted invoices, payments and credit notes in a company of the test's own.

    Tests run on a frozen TODAY (`freeze_time` on each class), so ages are exact.
    """

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("eh_collections_case.group_collections_manager")

    @classmethod
    def default_env_context(cls):
        return {}  # keep mail and tracking on: the chatter is part of the behaviour

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.Case = cls.env["eh.collections.case"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Gemini Furniture", "is_company": True, "email": "ap@gemini.example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Edwin Hansen", "parent_id": cls.customer.id, "email": "edwin@gemini.example.com"}
        )
        cls.invoice_address = cls.env["res.partner"].create(
            {"name": "Gemini Accounts", "parent_id": cls.customer.id, "type": "invoice"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Lumber Inc", "is_company": True})
        cls.collector = new_test_user(
            cls.env,
            login="casey",
            name="Casey Collector",
            groups="eh_collections_case.group_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="morgan",
            name="Morgan Manager",
            groups="eh_collections_case.group_collections_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def euro_at_0_8(cls):
        """EUR, one USD buying 0.8 EUR since 2020."""
        return cls.setup_other_currency("EUR", rates=[("2020-01-01", 0.8)])

    @classmethod
    def charge_statutory_interest(cls, **values):
        """The EU late payment rules: ECB 2.15 % + 8 points a year."""
        rules = {"eh_interest_enabled": True, "eh_interest_reference_rate": 2.15, "eh_interest_margin": 8.0}
        cls.company.write({**rules, **values})

    @classmethod
    def post_invoice(
        cls, amount, days_overdue, partner=None, currency=None, move_type="out_invoice", company=None
    ):
        """A posted customer invoice (or credit note) due `days_overdue` days before TODAY."""
        due = TODAY - timedelta(days=days_overdue)
        return cls._create_invoice(
            move_type=move_type,
            partner_id=(partner or cls.customer).id,
            invoice_date=min(due - timedelta(days=30), TODAY),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            currency_id=(currency or (company or cls.company).currency_id).id,
            company_id=(company or cls.company).id,
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=amount, tax_ids=[])],
            post=True,
        )

    @classmethod
    def overdue_case(cls, amount, days_overdue):
        """The customer's open case after one posted invoice and a refresh."""
        cls.post_invoice(amount, days_overdue)
        Case = cls.env["eh.collections.case"]
        Case._refresh_from_ledger(cls.company)
        return Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])

    @classmethod
    def pay(cls, invoice, amount, days_ago=1):
        return cls._register_payment(invoice, amount=amount, payment_date=TODAY - timedelta(days=days_ago))

    @classmethod
    def unapplied_payment(cls, amount, partner=None, company=None, memo="", currency=None, days_ago=2):
        """A customer payment posted to the company's bank journal and left unapplied."""
        company = company or cls.company
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": (partner or cls.customer).id,
                "amount": amount,
                "memo": memo,
                "date": TODAY - timedelta(days=days_ago),
                "currency_id": (currency or company.currency_id).id,
                "journal_id": cls.env["account.journal"]
                .search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
                .id,
                "company_id": company.id,
            }
        )
        payment.action_post()
        return payment

    def log_with_wizard(self, case, user=None, **values):
        """What a collector does with *Log action* (or *Log promise*) on `case`, through
        the form; returns the new history rows."""
        before = case.action_ids
        wizard = Form(
            self.env["eh.collections.log.action"]
            .with_user(user or self.collector)
            .with_context(default_case_id=case.id)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard.save().action_confirm()
        return case.action_ids - before

    def refresh(self, companies=None, partners=None):
        return self.Case._refresh_from_ledger(companies or self.company, partners=partners)

    def open_case(self, partner=None, company=None):
        return self.Case.search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
                ("state", "=", "open"),
            ]
        )


class DunningCommon(CollectionsCommon, MockEmail):
    """The shipped ladders, customers with invoicing addresses, and the crons run with
    the mail gateway mocked, so the real outgoing mail can be read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard = cls.env["eh.collections.strategy"].search(
            [("company_id", "=", cls.company.id), ("is_default", "=", True)]
        )
        cls.vip = cls.env["eh.collections.strategy"].search(
            [("company_id", "=", cls.company.id), ("name", "=", "VIP soft touch")]
        )
        cls.invoice_address.email = "accounts@gemini.example.com"
        cls.other_customer.email = "billing@lumber.example.com"

    def run_cron(self, xmlid="eh_collections_case.ir_cron_send_followups"):
        cron = self.env.ref(xmlid)
        with self.enter_registry_test_mode(), self.mock_mail_gateway():
            self.assertIs(cron.method_direct_trigger(), True)
            self.env["mail.mail"].sudo().process_email_queue()
        self.env.invalidate_all()

    def reminders(self):
        """Reminder emails to this test's customers (not activity notifications, nor
        mail about cases other tests committed to the database)."""
        ours = {"gemini.example.com", "lumber.example.com"}
        return [m for m in self._mails if any(domain in to for to in m["email_to"] for domain in ours)]

    def level(self, strategy, position):
        return strategy.level_ids.sorted("sequence")[position - 1]
