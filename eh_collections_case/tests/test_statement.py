import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from odoo.tests import freeze_time, tagged
from odoo.tools import config

from .common import TODAY, CollectionsCommon, DunningCommon


def pdf_text(pdf):
    """The text of a PDF: its text layer, else OCR of its pages (Debian's unpatched
    wkhtmltopdf draws the report's web fonts without a text layer)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "statement.pdf")
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, check=True).stdout
        if re.search(r"\w{3}", text.decode()):
            return text.decode()
        subprocess.run(["pdftoppm", "-r", "150", "-png", path, Path(tmp, "page")], check=True)
        return "\n".join(
            subprocess.run(["tesseract", page, "-"], capture_output=True, check=True).stdout.decode()
            for page in sorted(Path(tmp).glob("page*.png"))
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestStatement(CollectionsCommon):
    """The Statement of Account a customer reads, from the case and from the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.euro_at_0_8()
        cls.charge_statutory_interest()
        cls.company.write({"name": "Northwind Receivables", "street": "12 Harbour Road"})
        cls.customer.write({"street": "5 Oak Lane", "city": "Springfield"})
        cls.inv_old = cls.post_invoice(1000, 95)
        cls.pay(cls.inv_old, 400)
        cls.inv_recent = cls.post_invoice(250, 12)
        cls.inv_eur = cls.post_invoice(800, 40, currency=cls.eur)
        cls.not_due = cls.post_invoice(300, -5)
        cls.refund = cls.post_invoice(50, 3, move_type="out_refund")

    def setUp(self):
        super().setUp()
        self.refresh()
        self.case = self.open_case()
        self.case._log_action(
            [{"action_type": "call", "contact_made": True, "note": "Spoke to Edwin about 0042"}]
        )

    def html(self, report="eh_collections_case.action_report_statement", ids=None):
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(report, ids or self.case.ids)
        return content.decode()

    @staticmethod
    def words(html):
        """The text a reader sees: tags dropped, spaces collapsed."""
        text = re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").replace("\ufeff", "")
        return re.sub(r"\s+", " ", text)

    def test_html_statement_has_letterhead_items_totals_history_and_pay_links(self):
        html = self.html()
        header = html[html.index('class="header') : html.index('class="article')]
        self.assertIn("Northwind Receivables", header, "the letterhead carries the company")
        self.assertIn("12 Harbour Road", header)
        self.assertIn("Statement of Account", html)
        self.assertIn("Gemini Furniture", html)
        self.assertIn("5 Oak Lane", html)
        for move in self.inv_old | self.inv_recent | self.inv_eur | self.not_due | self.refund:
            self.assertIn(move.name, html)
        self.assertIn(self.inv_old.eh_pay_url.replace("&", "&amp;"), html)
        words = self.words(html)
        # Subtotals per currency: 600 + 250 + 300 - 50 in USD, 800 in EUR.
        self.assertIn("Balance in USD $ 1,100.00", words)
        self.assertIn("Balance in EUR 800.00 €", words)
        # Two currencies: the total due is one figure per currency, never 1,100 + 800 / 0.8.
        self.assertIn("Total due $ 1,100.00 800.00 €", words)
        self.assertNotIn("2,100.00", words, "no figure adds the two currencies")
        # Interest at 10.15 %, actual/365, on what was owed each day: 1,000 for 94 days and
        # 600 for 1 (400 was paid yesterday) is 26.31, 250 for 12 days 0.83, EUR 800 for 40
        # days EUR 8.90: USD 27.14 and EUR 8.90, each in its own currency, beside the total.
        self.assertIn("$ 26.31", words)
        self.assertIn("Accrued interest, not invoiced nor in the total $ 27.14", words)
        self.assertIn("Accrued interest, not invoiced nor in the total 8.90 €", words)
        self.assertNotIn("38.27", words, "no interest converted into one figure")
        # Aged per currency: the EUR invoice in euros on a line of its own.
        self.assertIn("Credits USD $ 300.00 $ 250.00 $ 0.00 $ 0.00 $ 600.00 $ 0.00 $ -50.00", words)
        self.assertIn("EUR 0.00 € 0.00 € 800.00 € 0.00 € 0.00 € 0.00 € 0.00 €", words)
        self.assertIn("Spoke to Edwin about 0042", html)
        self.assertIn("/my/invoices", html)

    def test_only_what_was_said_to_the_customer_and_the_dispute_mark(self):
        self.case._log_action([{"action_type": "follow_up", "note": "Call scheduled with the team"}])
        self.case._log_action([{"action_type": "note", "note": "Internal: ask the CFO"}])
        self.case.action_dispute("Wrong quantities on 0042")
        words = self.words(self.html())
        self.assertIn("Spoke to Edwin about 0042", words, "a call with the customer stays")
        for internal in ("Call scheduled with the team", "Internal: ask the CFO", "Dispute Wrong quantities"):
            self.assertNotIn(internal, words)
        self.assertIn("In dispute: Wrong quantities on 0042. We will not chase the amounts in dispute", words)
        self.assertIn("Amount due", words)
        self.assertNotIn("Residual", words)

    def test_aging_buckets(self):
        values = self.env["report.eh_collections_case.report_statement"]._get_report_values(self.case.ids)
        # Per currency, each in its own: the EUR invoice is aged in euros, never converted.
        statement = values["statements"][self.case.id]
        aging = {currency.name: dict(buckets) for currency, buckets in statement["aging"]}
        self.assertEqual(set(aging), {"USD", "EUR"})
        self.assertEqual(aging["USD"]["not_due"], 300)
        self.assertEqual(aging["USD"]["1_30"], 250)
        self.assertEqual(aging["EUR"]["31_60"], 800)
        self.assertNotIn("31_60", aging["USD"])
        self.assertEqual(aging["USD"]["91_120"], 600)
        self.assertEqual(aging["USD"]["credits"], -50)
        self.assertEqual([(c.name, a) for c, a in statement["subtotals"]], [("USD", 1100), ("EUR", 800)])

    def test_printed_from_the_customer_and_for_several_cases(self):
        html = self.html("eh_collections_case.action_report_partner_statement", self.contact.ids)
        self.assertIn(self.inv_old.name, html)
        self.assertIn("Gemini Furniture", html)
        self.post_invoice(700, 20, partner=self.other_customer)
        self.refresh()
        both = self.html(ids=(self.case | self.open_case(self.other_customer)).ids)
        self.assertEqual(both.count("Statement of Account</h2>"), 2)
        self.assertIn("Lumber Inc", both)

    def test_real_pdf_read_back(self):
        """wkhtmltopdf renders the statement; the PDF carries the customer, every open
        invoice and the total."""
        if not shutil.which("wkhtmltopdf"):
            if os.environ.get("CI"):  # CI installs it (scripts/system_packages.sh): never skip there
                self.fail("wkhtmltopdf is not installed on this CI machine")
            self.skipTest("wkhtmltopdf is not installed")
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        with self.allow_pdf_render():
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("eh_collections_case.action_report_statement", self.case.ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = re.sub(r"[ \t]+", " ", pdf_text(pdf))
        self.assertIn("Statement of Account", text)
        self.assertIn("Gemini Furniture", text)
        for move in self.inv_old | self.inv_recent | self.inv_eur | self.not_due | self.refund:
            self.assertIn(move.name, text)
        self.assertIn("1,100.00", text)
        self.assertIn("800.00", text)
        self.assertNotIn("2,100.00", text, "no total adds the two currencies")


@tagged("post_install", "-at_install")
class TestLetterChannel(DunningCommon):
    """A letter level attaches the Statement of Account to its email and queues it for print."""

    @freeze_time(TODAY)
    def test_demand_letter_attached_and_queued_for_print(self):
        invoice = self.post_invoice(900, 95)
        self.refresh()
        self.run_cron()
        case = self.open_case()
        demand = self.level(self.standard, 4)
        self.assertEqual(case.level_id, demand)
        mail = self.reminders()[0]
        names = [name for name, _content, _mime in mail["attachments"]]
        self.assertEqual(len(names), 1)
        self.assertTrue(names[0].startswith("Statement of Account - Gemini Furniture - 2026-03-15"))
        content = mail["attachments"][0][1]
        content = content.decode() if isinstance(content, bytes) else content
        self.assertIn(invoice.name, content)
        self.assertIn("we will pass the matter on for recovery", content, "the level's note is printed")
        print_letter = self.env.ref("eh_collections_case.mail_activity_type_print_letter")
        task = case.activity_ids.filtered(lambda a: a.activity_type_id == print_letter)
        self.assertEqual(len(task), 1)
        self.assertEqual(task.attachment_ids.name, names[0])
        letter = case.action_ids.filtered(lambda a: a.action_type == "letter")
        self.assertEqual((letter.channel, letter.level_id, letter.note), ("letter", demand, names[0]))

    @freeze_time(TODAY)
    def test_final_notice_shows_statutory_interest_when_the_company_charges_it(self):
        self.company.write({"eh_interest_enabled": True, "eh_interest_reference_rate": 2.0})
        self.post_invoice(1000, 70)
        self.refresh()
        self.run_cron()
        mail = self.reminders()[0]
        self.assertIn("Statutory interest accrued", mail["body"])
        # 1,000 x 10 % x 70 / 365 = 19.18
        self.assertIn("19.18", mail["body"])


@tagged("post_install", "-at_install")
class TestCustomerLanguage(DunningCommon):
    """Reminders and the statement reach a French customer in French (i18n/fr.po)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["eh_collections_case"], ["fr_FR"], overwrite=True)
        (cls.customer | cls.invoice_address).lang = "fr_FR"

    @freeze_time(TODAY)
    def test_reminder_and_statement_in_french(self):
        invoice = self.post_invoice(1000, 10)
        self.post_invoice(300, 10, partner=self.other_customer)  # stays in English
        self.refresh()
        self.run_cron()
        by_domain = {mail["email_to"][0].split("@")[1].rstrip(">"): mail for mail in self.reminders()}
        french, english = by_domain["gemini.example.com"], by_domain["lumber.example.com"]
        self.assertIn("Rappel amical : factures échues", french["subject"])
        self.assertIn("Total à régler", french["body"])
        self.assertIn(invoice.name, french["body"])
        self.assertIn("Friendly reminder: overdue invoices", english["subject"])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "eh_collections_case.action_report_statement", self.open_case().ids
        )
        self.assertIn("Relevé de compte", html.decode())
        self.assertIn("Jours de retard", html.decode())
        self.assertIn("Non échu", html.decode(), "the aging headers in the customer's language too")
