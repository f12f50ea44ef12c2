from odoo.tests import freeze_time, tagged

from .common import TODAY, DunningCommon

# Per language: the courteous reminder's subject and a sentence of its body, the
# statement's title and a column, the first level's name, the coming-due subject.
EXPECTED = {
    "fr_FR": (
        "Rappel amical : factures échues",
        "Total à régler :",
        "Relevé de compte",
        "Jours de retard",
        "Rappel courtois",
        "Factures bientôt échues",
    ),
    "de_DE": (
        "Freundliche Erinnerung: überfällige Rechnungen",
        "Zu zahlender Gesamtbetrag:",
        "Kontoauszug",
        "Tage überfällig",
        "Höfliche Erinnerung",
        "Bald fällige Rechnungen",
    ),
    "es_ES": (
        "Recordatorio amistoso: facturas vencidas",
        "Total a abonar:",
        "Extracto de cuenta",
        "Días de retraso",
        "Recordatorio cortés",
        "Facturas próximas a vencer",
    ),
    "nl_NL": (
        "Vriendelijke herinnering: vervallen facturen",
        "Totaal te betalen:",
        "Rekeningoverzicht",
        "Dagen te laat",
        "Beleefde herinnering",
        "Binnenkort vervallende facturen",
    ),
    "it_IT": (
        "Promemoria cortese: fatture scadute",
        "Totale da saldare:",
        "Estratto conto",
        "Giorni di ritardo",
        "Promemoria cortese",
        "Fatture in scadenza",
    ),
    "pt_BR": (
        "Lembrete amigável: faturas vencidas",
        "Total a pagar:",
        "Extrato de conta",
        "Dias de atraso",
        "Lembrete cordial",
        "Faturas a vencer",
    ),
}
# English a translated reminder or statement must not show.
ENGLISH = ("Our records show", "Total to settle", "Days overdue", "Kind regards", "Statement of Account")


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestSixLanguages(DunningCommon):
    """A customer in each of the six languages gets the reminder, the statement and
    the coming-due notice in its language, and the shipped levels are named in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in EXPECTED:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["eh_collections_case"], list(EXPECTED), overwrite=True
        )
        cls.coming_due = cls.env["eh.collections.level"].create(
            {
                "name": "Coming due",
                "strategy_id": cls.standard.id,
                "sequence": 1,
                "days_overdue": -5,
                "min_days_since_previous": 0,
                "mail_template_id": cls.env.ref("eh_collections_case.mail_template_coming_due").id,
            }
        )

    def test_each_language_gets_its_reminder_statement_and_notice(self):
        Report = self.env["ir.actions.report"]
        for lang, (subject, total, title, column, level, coming) in EXPECTED.items():
            with self.subTest(lang=lang):
                customer = self.env["res.partner"].create(
                    {
                        "name": f"Customer {lang}",
                        "is_company": True,
                        "email": f"ap@{lang}.gemini.example.com",
                        "lang": lang,
                    }
                )
                invoice = self.post_invoice(1000, 10, partner=customer)
                self.post_invoice(400, -2, partner=customer)
                self.refresh()
                self.run_cron()
                by_subject = {
                    mail["subject"]: mail for mail in self.reminders() if lang in mail["email_to"][0]
                }
                [reminder] = [mail for s, mail in by_subject.items() if s.startswith(subject)]
                self.assertIn(total, reminder["body"])
                self.assertIn(invoice.name, reminder["body"])
                self.assertTrue(any(s.startswith(coming) for s in by_subject), by_subject.keys())
                for english in ENGLISH:
                    self.assertNotIn(english, reminder["body"])
                case = self.open_case(customer)
                html = Report._render_qweb_html("eh_collections_case.action_report_statement", case.ids)[
                    0
                ].decode()
                self.assertIn(title, html)
                self.assertIn(column, html)
                self.assertNotIn("Days overdue", html)
                self.assertEqual(self.level(self.standard, 1).with_context(lang=lang).name, level)

    def test_a_reminder_waiting_for_approval_is_in_the_customers_language(self):
        """Rendered when queued, by an English-speaking cron or collector: the French
        customer still reads French, as the cron's own sends do."""
        self.company.eh_collections_send_mode = "approve"
        customer = self.env["res.partner"].create(
            {"name": "Client Lyon", "is_company": True, "email": "ap@fr.lyon.example.com", "lang": "fr_FR"}
        )
        self.post_invoice(1000, 10, partner=customer)
        self.refresh()
        self.env.user.lang = "en_US"
        self.run_cron()
        followup = self.env["eh.collections.followup"].search([("case_id", "=", self.open_case(customer).id)])
        self.assertEqual(followup.state, "to_approve")
        self.assertTrue(followup.subject.startswith("Rappel amical : factures échues"), followup.subject)
        self.assertIn("Total à régler :", str(followup.body_html))

    def test_a_language_loaded_later_names_the_shipped_levels_too(self):
        first = self.level(self.standard, 1)
        first.update_field_translations("name", {"de_DE": "Courteous reminder"})
        self.env["ir.module.module"]._load_module_terms(["eh_collections_case"], ["de_DE"])
        self.assertEqual(first.with_context(lang="de_DE").name, "Höfliche Erinnerung")
        letter = self.standard.level_ids.filtered("channel_letter")
        self.assertTrue(
            letter.with_context(lang="de_DE").statement_note.startswith("Trotz unserer Erinnerungen")
        )
        first.with_context(lang="en_US").name = "Gentle nudge"  # renamed: no longer the shipped name
        self.env["ir.module.module"]._load_module_terms(["eh_collections_case"], ["de_DE"])
        self.assertEqual(
            first.with_context(lang="de_DE").name, "Höfliche Erinnerung", "its German stays as it was"
        )
        self.assertEqual(first.with_context(lang="en_US").name, "Gentle nudge")
