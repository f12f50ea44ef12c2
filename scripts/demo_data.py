"""Load realistic open receivables into a database that has the suite installed.

Everything goes through the ORM and the accounting engine: posted invoices, partial
payments, credit notes (applied and left open), unapplied payments, invoices to
contacts and invoicing addresses, two currencies and a second company. Ages are
spread over not yet due, 1-30, 31-60, 61-90, 91-120, 121-200 and 200+ days overdue,
counted from today, so the data stays current whenever it is loaded. Ten regular
customers add a year of paid monthly invoices with the reminders and promises that
went with them, and the collections figures (DSO, CEI, aging) are rebuilt at the end,
so the dashboard shows twelve months of trend.

Usage: python demo_data.py --database DB [--config FILE] [--seed N]
Re-running on a database that already holds the demo customers changes nothing.
"""

import argparse
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta


def sampling_ranges():
    """Days overdue to draw invoices from, per aging bucket of the case (negative: due
    in the future): the buckets' own bounds, their open ends closed, and the debts
    older than 200 days drawn apart so that the demo has very old ones."""
    # Imported here: Odoo's addons path exists once main() has read the configuration.
    from odoo.addons.eh_collections_case.tools.aging import AGING_BUCKETS

    ranges = {
        b.key: (-30 if b.low is None else b.low, 200 if b.high is None else b.high) for b in AGING_BUCKETS
    }
    ranges["not_due"] = (-30, -1)  # due today is not overdue either; keep the days strictly ahead
    ranges["over_200"] = (201, 420)
    return ranges


COMPANY_CUSTOMERS = [
    ("Azure Interior", "Brandon Freeman"),
    ("Deco Addict", "Douglas Fletcher"),
    ("Gemini Furniture", "Edwin Hansen"),
    ("Lumber Inc", "Lorraine Douglas"),
    ("Ready Mat", "Billy Fox"),
    ("The Jackson Group", "Toni Rhodes"),
    ("Wood Corner", "Willie Burke"),
    ("Acme Logistics", "Rita Alvarez"),
    ("Blue Harbor Foods", "Kenji Watanabe"),
    ("Cedar & Stone Builders", "Martha Klein"),
    ("Delta Office Supply", "Omar Haddad"),
    ("Evergreen Clinics", "Sofia Rossi"),
    ("Falcon Print Works", "Liam O'Connor"),
    ("Granite Peak Outfitters", "Ana Costa"),
    ("Horizon Hotels", "Priya Nair"),
    ("Ironbridge Engineering", "Lukas Becker"),
    ("Juniper Software", "Chloe Martin"),
    ("Keystone Dental", "Marcus Reed"),
    ("Lakeside Bakery", "Elena Petrova"),
    ("Meridian Travel", "Hugo Laurent"),
    ("Northwind Traders", "Grace Kim"),
    ("Orchid Florists", "Mei Chen"),
    ("Pinnacle Fitness", "Daniel Okafor"),
    ("Quarry Road Motors", "Sven Nilsson"),
    ("Riverbend Schools", "Fatima Zahra"),
    ("Summit Legal", "Paul Dubois"),
    ("Tidewater Marine", "Isabel Fernandes"),
    ("Urban Sprout Cafe", "Noah Williams"),
]
INDIVIDUALS = [
    "Alice Thornton",
    "Ben Carter",
    "Carla Mendes",
    "David Novak",
    "Emma Lindqvist",
    "Farid Karimi",
    "Hannah Schulz",
    "Ivan Horvat",
]
SECOND_COMPANY_CUSTOMERS = [
    ("Alpenblick Hotel GmbH", "Johanna Weber"),
    ("Boulangerie du Parc", "Camille Bernard"),
    ("Canal Logistiek BV", "Daan de Vries"),
    ("Dolomiti Sport Srl", "Giulia Ferrari"),
    ("Elbe Maschinenbau AG", "Florian Braun"),
    ("Fjord Seafood AS", "Ingrid Hansen"),
]
# The languages the Belgian company's customers read: their statements and reminders
# come in them, with their date formats (the suite's French terms are loaded).
SECOND_COMPANY_LANGS = {"Boulangerie du Parc": "fr_BE", "Canal Logistiek BV": "nl_BE"}
STREETS = ["Main", "Oak", "Lake", "Hill", "Mill", "Station"]
CITIES = ["Springfield", "Riverton", "Fairview", "Kingston"]
DEMO_REF = "DEMO-"
# Regular customers whose paid history makes the dashboard's trend: the months of it,
# and the days late each kind of payer pays (from, to) before the suite.
HISTORY_CUSTOMERS = [
    ("Aurora Packaging", "Nina Holt"),
    ("Beacon Labs", "Oscar Lind"),
    ("Copperfield Textiles", "Ruth Akers"),
    ("Driftwood Studios", "Sam Ortiz"),
    ("Emberline Energy", "Tara Quinn"),
    ("Foxglove Pharmacy", "Umar Siddiqui"),
    ("Glasshouse Media", "Vera Novak"),
    ("Harborview Storage", "Walt Fisher"),
    ("Indigo Apparel", "Xena Park"),
    ("Jetstream Couriers", "Yusuf Demir"),
]
HISTORY_MONTHS = 13
HISTORY_HABITS = [(-3, 4), (5, 25), (20, 60), (0, 12), (35, 80), (-2, 8)]


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    invoices: int
    payments: int
    credit_notes: int
    cases: int


def _slug(name):
    return "".join(ch for ch in name.lower() if ch.isalnum())[:20]


class DemoLoader:
    """Builds the demo ledger through the ORM, reproducibly from a seed."""

    def __init__(self, env, seed=19, smtp_port=2525, peers_url="http://127.0.0.1:8025"):
        self.env = env
        self.smtp_port, self.peers_url = smtp_port, peers_url
        self.rng = random.Random(seed)
        self.today = date.today()
        self.ranges = sampling_ranges()
        self.invoices = self.payments = self.credit_notes = self.customers = 0

    # -- set-up -------------------------------------------------------------
    def _currency(self, code, rate_per_usd=None, company=None):
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        currency.active = True
        if rate_per_usd and company:
            self.env["res.currency.rate"].create(
                {
                    "currency_id": currency.id,
                    "company_id": company.id,
                    "name": self.today - timedelta(days=450),
                    "rate": rate_per_usd,
                }
            )
        return currency

    def _second_company(self, eur):
        values = {
            "name": "EH Collections Europe",
            "currency_id": eur.id,
            "email": "credit@eh-europe.example.com",
            "phone": "+32 2 555 01 00",
            "street": "Rue de la Loi 42",
            "zip": "1040",
            "city": "Brussels",
        }
        # partner_autocomplete would ask Odoo's IAP service about the new company.
        if "iap_enrich_auto_done" in self.env["res.company"]._fields:
            values["iap_enrich_auto_done"] = True
        company = self.env["res.company"].create(values)
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        # The generic chart sets its own currency: back to euros before any entry exists.
        company.write({"currency_id": eur.id, "country_id": self.env.ref("base.be").id})
        # EU late payment rules: the ECB rate plus 8 points, and 40 EUR per invoice.
        company.write(
            {
                "eh_interest_enabled": True,
                "eh_interest_reference_rate": 2.15,
                "eh_interest_margin": 8.0,
                "eh_interest_compensation": 40.0,
            }
        )
        self._bank_account(company, "BE71 0961 2345 6769")
        admin = self.env.ref("base.user_admin")
        admin.company_ids = [(4, company.id)]
        return company

    def _bank_account(self, company, number):
        """The account the Statement of Account tells customers to pay into."""
        self.env["res.partner.bank"].create({"acc_number": number, "partner_id": company.partner_id.id})

    def _collector(self, companies):
        group = self.env.ref("eh_collections_case.group_collections_user")
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Casey Collector",
                    "login": "collector",
                    "password": "collector",
                    "email": "casey.collector@example.com",
                    "company_id": companies[0].id,
                    "company_ids": [(6, 0, companies.ids)],
                    "group_ids": [(4, group.id)],
                }
            )
        )

    # -- customers ----------------------------------------------------------
    def _customer(self, company, name, contact_name, index, with_email=True):
        domain = f"{_slug(name)}.example.com"
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": bool(contact_name),
                "ref": f"{DEMO_REF}{index:03d}",
                "email": (f"accounts@{domain}" if contact_name else f"{_slug(name)}@example.com")
                if with_email
                else False,
                "phone": f"+1 555 {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}",
                "street": f"{self.rng.randint(1, 999)} {self.rng.choice(STREETS)} Street",
                "city": self.rng.choice(CITIES),
                "company_id": company.id if company else False,
            }
        )
        contacts = self.env["res.partner"]
        if contact_name:
            contacts |= self.env["res.partner"].create(
                {
                    "name": contact_name,
                    "parent_id": partner.id,
                    "type": "contact",
                    "function": "Accounts Payable",
                    "email": f"{_slug(contact_name)}@{domain}" if with_email else False,
                }
            )
            if index % 3 == 0:
                contacts |= self.env["res.partner"].create(
                    {
                        "name": "Invoicing Department",
                        "parent_id": partner.id,
                        "type": "invoice",
                        "email": f"invoices@{domain}" if with_email else False,
                    }
                )
        self.customers += 1
        return partner, contacts

    # -- documents ----------------------------------------------------------
    def _invoice(self, company, partner, days_overdue, amount, currency=None, move_type="out_invoice"):
        due = self.today - timedelta(days=days_overdue)
        invoice_date = min(due - timedelta(days=30), self.today)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": self.rng.choice(
                                    [
                                        "Consulting services",
                                        "Office furniture",
                                        "Annual maintenance contract",
                                        "Installation and setup",
                                        "Replacement parts",
                                    ]
                                ),
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        )
        move.action_post()
        if move_type == "out_invoice":
            self.invoices += 1
        else:
            self.credit_notes += 1
        return move

    def _pay(self, invoices, amount, days_ago):
        register = (
            self.env["account.payment.register"]
            .with_company(invoices.company_id)
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"amount": amount, "payment_date": self.today - timedelta(days=days_ago)})
        )
        register._create_payments()
        self.payments += 1

    def _unapplied_payment(
        self, company, partner, amount, days_ago, memo="Payment without remittance advice"
    ):
        """A customer payment posted and left unapplied; its open receivable line."""
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": round(amount, 2),
                    "date": self.today - timedelta(days=days_ago),
                    "journal_id": journal.id,
                    "memo": memo,
                }
            )
        )
        payment.action_post()
        self.payments += 1
        return payment.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    @staticmethod
    def _reconcile(*moves):
        lines = moves[0].line_ids.browse()
        for move in moves:
            lines |= move.line_ids
        lines.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()

    def _amount(self, low=300, high=12000):
        return round(self.rng.uniform(low, high), 2)

    def _days(self, bucket):
        low, high = self.ranges[bucket]
        return self.rng.randint(low, high)

    def _ledger(self, company, partner, contacts, profile, eur=None):
        """Post the documents of one customer following its profile."""
        billed = [contacts[-1]] if contacts else [partner]
        buckets = list(self.ranges)
        if profile == "spread":
            chosen = self.rng.sample(buckets, self.rng.randint(2, 4))
        elif profile == "early":
            chosen = ["not_due", "1_30"]
        elif profile == "late":
            chosen = ["91_120", "over_120", "over_200"]
        else:
            chosen = [self.rng.choice(buckets)]
        moves = []
        for i, bucket in enumerate(chosen):
            bill_to = billed[0] if i % 2 == 0 else partner
            currency = eur if (eur and i == 0) else None
            moves.append(self._invoice(company, bill_to, self._days(bucket), self._amount(), currency))
        return moves

    def load(self):
        """Create the whole demo set; return what was made."""
        main = self.env.ref("base.main_company")
        main.write({"email": main.email or "credit@my-company.example.com"})
        self._outgoing_mail()
        self._bank_account(main, "US42 1234 5678 9012")
        eur = self._currency("EUR", rate_per_usd=0.92, company=main)
        europe = self._second_company(eur)
        collector = self._collector(main | europe)
        profiles = ["spread", "spread", "late", "early", "single"]
        index = 0
        for name, contact in COMPANY_CUSTOMERS:
            index += 1
            partner, contacts = self._customer(main, name, contact, index, with_email=index % 9 != 0)
            moves = self._ledger(
                main, partner, contacts, profiles[index % len(profiles)], eur if index % 4 == 0 else None
            )
            self._story(main, partner, moves, index)
        for name in INDIVIDUALS:
            index += 1
            partner, _contacts = self._customer(main, name, None, index)
            moves = self._ledger(main, partner, None, profiles[index % len(profiles)])
            self._story(main, partner, moves, index)
        self._languages()
        for name, contact in SECOND_COMPANY_CUSTOMERS:
            index += 1
            partner, contacts = self._customer(europe, name, contact, index)
            if name in SECOND_COMPANY_LANGS:
                (partner | contacts).lang = SECOND_COMPANY_LANGS[name]
            moves = self._ledger(europe, partner, contacts, profiles[index % len(profiles)])
            self._story(europe, partner, moves, index)
        if "channel_sms" in self.env["eh.collections.level"]._fields:
            self._sms(main)  # before anything is sent, so that every reminder path sends it
        if "channel_whatsapp" in self.env["eh.collections.level"]._fields:
            self._whatsapp(main)  # the same, after the SMS has given customers their numbers
        self._history(main, collector, index)
        index += len(HISTORY_CUSTOMERS)
        self._instalments(main)
        duplicate = self._duplicate(main, index + 1)
        cases = self._work_cases(main | europe, collector)
        self._approvals(europe)
        self._invoice_hold(main)
        self._merge(duplicate)
        self._payment_plans(main)
        self._cash_application(main)
        self._copilot(main, collector)
        if "eh.collections.reply" in self.env:
            self._replies(main | europe, collector)
        if "eh.sale.credit.hold.override" in self.env:
            self._credit_hold(main)
        self._predue(main)
        # Today's figures for every case, whatever day a story's clock stood on when it
        # moved the ledger (the live refresh runs at the hooks' time): the nightly pass.
        self.env["eh.collections.case"]._refresh_from_ledger(main | europe)
        # The figures were taken at install, before this ledger: take them again.
        self.env["eh.collections.snapshot"]._backfill_all_companies()
        self._risk_scores(main | europe)
        if "channel_whatsapp" in self.env["eh.collections.level"]._fields:
            self._reachable_at_the_firm_level(main)
        return DemoSummary(self.customers, self.invoices, self.payments, self.credit_notes, len(cases))

    def _invoice_hold(self, company):
        """An invoice held from reminders for three weeks, the customer's purchase order
        being late: the reminders list the others, the case still counts it."""
        case = self.env["eh.collections.case"].search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("overdue_invoice_count", ">=", 2)],
            order="days_overdue_max",
            limit=1,
        )
        invoice = case.overdue_move_ids.sorted("invoice_date_due")[-1:]
        invoice.action_eh_hold_reminders(
            self.today + timedelta(days=21), "Waiting for the customer's purchase order"
        )

    def _languages(self):
        for lang in set(SECOND_COMPANY_LANGS.values()):
            self.env["res.lang"]._activate_lang(lang)
        Module = self.env["ir.module.module"]
        suite = Module.search([("name", "=like", "eh\\_%"), ("state", "=", "installed")])
        Module._load_module_terms(suite.mapped("name"), list(SECOND_COMPANY_LANGS.values()))

    def _approvals(self, company):
        """A manager's To approve queue: the Belgian company's final notice needs a
        person's approval, so what the daily run finds due at it waits there."""
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.level_ids.filtered(lambda level: level.tone == "final").needs_approval = True
        Followup = self.env["eh.collections.followup"]
        queued = Followup
        for case, level in self.env["eh.collections.case"]._due_followups([("company_id", "=", company.id)]):
            reason = case._approval_reason(level)
            if reason:
                queued |= Followup._queue(case, level, reason=reason)
        self._held_approvals(queued.filtered(lambda f: f.state == "to_approve").sorted("id"))

    def _held_approvals(self, queued):
        """The one decision in the queue: the customer of one queued final notice
        promised since (the notice waits, held, with the reason), and a manager sent
        another held one anyway, with a reason the history keeps."""
        manager = self.env.ref("base.user_admin")
        for followup, note in zip(
            queued[:2],
            (
                "Promised on the phone: the full balance within the week",
                "Promised by email, but asked for the notice",
            ),
            strict=False,
        ):
            case = followup.case_id
            case._log_action(
                [
                    {
                        "action_type": "promise",
                        "contact_made": True,
                        "promise_amount": case.total_overdue_amount,
                        "promise_date": case._today() + timedelta(days=5),
                        "note": note,
                    }
                ]
            )
        if len(queued) > 1:
            queued[1].with_user(manager).action_send_anyway("Their auditor needs the final notice on file")

    def _risk_scores(self, companies):
        """What the nightly risk cron does: fit each company's model on its history
        (these ledgers are too young for a fit: the documented weights, with each
        company's own base rate), then score its customers."""
        Partner = self.env["res.partner"]
        for company in companies:
            customers = Partner.with_company(company)
            history = customers._eh_risk_history(every_customer=True)
            company._eh_fit_risk_model(history)
            customers.browse(customers._eh_risk_customer_ids())._eh_compute_risk_scores(history)

    def days_ago(self, days):
        """A moment `days` days ago, for history rows written as if in the past."""
        return datetime.now() - timedelta(days=days)

    def _work_cases(self, companies, collector):
        """Build the cases from the ledger and give some of them a history, as if
        collectors had been at work for a few weeks."""
        Case = self.env["eh.collections.case"]
        Case._refresh_from_ledger(companies)
        cases = Case.search([("state", "=", "open")], order="days_overdue_max desc")
        for position, case in enumerate(cases):
            if position % 2 == 0:
                case.user_id = collector
            if position % 3 == 0:
                case._log_action(
                    [
                        {
                            "action_type": "email",
                            "date": self.days_ago(12),
                            "note": "Reminder sent with the statement.",
                        }
                    ]
                )
            if position % 4 == 1:  # calls and promises are the collector's work
                case.with_user(collector)._log_action(
                    [
                        {
                            "action_type": "call",
                            "date": self.days_ago(5),
                            "contact_made": True,
                            "note": "Spoke to accounts payable.",
                        }
                    ]
                )
            if position % 9 == 2:
                case.with_user(collector)._log_action(
                    [
                        {
                            "action_type": "promise",
                            "date": self.days_ago(5),
                            "contact_made": True,
                            "promise_amount": round(case.total_overdue_amount / 2, 2),
                            "promise_date": self.today + timedelta(days=7),
                            "note": "Half now, the rest at month end.",
                        }
                    ]
                )
            if position == 5:
                case.action_dispute("Goods damaged on delivery")
            if position == 7:
                case.action_pause("Customer in restructuring talks")
            if position in (0, 1):
                case.priority = "2"
            if position == 3:  # a late fee charged through the wizard, as a collector would,
                # after a part payment halfway: charged on what was owed each day
                oldest = case.overdue_move_ids.sorted("invoice_date_due")[:1]
                self._pay(oldest, round(oldest.amount_residual * 0.4, 2), case.days_overdue_max // 2)
                self.env["eh.collections.late.fee"].with_context(default_case_id=case.id).create(
                    {"charge": "prorated", "monthly_rate": 1.0}
                ).action_post()
        return cases

    def _history(self, company, collector, index):
        """Regular customers with a year of monthly invoices, paid but for the latest,
        played in date order as time went by (freezegun moves the clock): reminders
        logged at 7 and 30 days late on the customer's case as it stood then, promises
        taken by the collector from the slowest payers, and payments that come later and
        later until the suite is switched on six months ago, then sooner. The dashboard's
        trend, effectiveness and league read these."""
        from freezegun import freeze_time

        drawn = self.rng.getstate()  # the stories told after this one keep their draws
        rng = random.Random(self.rng.random())
        partners = [
            self._customer(company, name, contact, index + offset, with_email=True)[0]
            for offset, (name, contact) in enumerate(HISTORY_CUSTOMERS, start=1)
        ]
        Case = self.env["eh.collections.case"]
        levels = self.env["eh.collections.level"].search(
            [("company_id", "=", company.id), ("strategy_id.is_default", "=", True)], order="days_overdue"
        )
        events = []  # (day, order, kind, values): invoices, then reminders, then payments on a day
        for position, partner in enumerate(partners):
            habit = HISTORY_HABITS[position % len(HISTORY_HABITS)]
            for months_ago in range(HISTORY_MONTHS, 0, -1):
                invoice_date = self.today - timedelta(days=30 * months_ago + rng.randint(0, 20))
                due = invoice_date + timedelta(days=30)
                slack = 1.0 if months_ago > 6 else 0.25  # the suite at work for six months
                late = max(-3, round(rng.randint(*habit) * slack))
                paid_on = due + timedelta(days=late)
                amount = round(rng.uniform(12000, 96000), 2)
                events.append((invoice_date, 0, "invoice", (partner, invoice_date, due, amount)))
                for level, days in zip(levels[:2], (7, 30), strict=False):
                    if due + timedelta(days=days) < paid_on:
                        events.append((due + timedelta(days=days), 1, "reminder", (partner, level)))
                if late > 20 and position % 2 == 0:
                    promised = due + timedelta(days=18 + rng.randint(5, 12))
                    events.append((due + timedelta(days=18), 1, "promise", (partner, promised, invoice_date)))
                if paid_on < self.today:  # else still open: the history reaches today
                    events.append((paid_on, 2, "payment", (partner, invoice_date)))
        events.sort(key=lambda e: (e[0], e[1]))
        # The invoices first, in one batch: one not yet issued on a day is not due on it
        # either, so it changes no reminder. Payments then follow reminders in date order.
        invoices = self._history_invoices(
            company, [values for _d, _o, kind, values in events if kind == "invoice"]
        )
        to_pay = []
        # One frozen clock moved from event to event: starting freezegun scans every
        # loaded module, moving it does not.
        with freeze_time(events[0][0]) as clock:
            for day, _order, kind, values in events:
                if kind == "invoice":
                    continue
                if kind == "payment":
                    to_pay.append((invoices[values], day))
                    continue
                self._history_payments(company, to_pay)
                to_pay = []
                clock.move_to(day)
                partner = values[0]
                Case._refresh_from_ledger(company, partners=partner)
                case = Case.search([("partner_id", "=", partner.id), ("state", "=", "open")])
                if not case:
                    continue
                if kind == "reminder":
                    case._log_action([{"action_type": "email", "level_id": values[1].id, "channel": "email"}])
                else:
                    case.user_id = collector
                    case.with_user(collector)._log_action(
                        [
                            {
                                "action_type": "promise",
                                "contact_made": True,
                                "promise_amount": invoices[partner, values[2]].amount_residual,
                                "promise_date": values[1],
                                "note": "Promised on the phone.",
                            }
                        ]
                    )
        self._history_payments(company, to_pay)
        self.rng.setstate(drawn)

    def _history_invoices(self, company, invoices):
        """Post the history's invoices in one batch; map (partner, invoice date) to each."""
        moves = (
            self.env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": invoice_date,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "Monthly supplies",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [],
                                },
                            )
                        ],
                    }
                    for partner, invoice_date, due, amount in invoices
                ]
            )
        )
        moves.action_post()
        self.invoices += len(moves)
        return {(move.partner_id, move.invoice_date): move for move in moves}

    def _history_payments(self, company, to_pay):
        """Bank transfers paying these invoices in full on their days, in one batch."""
        if not to_pay:
            return
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        payments = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": move.partner_id.id,
                        "amount": move.amount_residual,
                        "date": day,
                        "journal_id": journal.id,
                        "memo": move.name,
                    }
                    for move, day in to_pay
                ]
            )
        )
        payments.action_post()
        for payment, (move, _day) in zip(payments, to_pay, strict=True):
            self._reconcile(payment.move_id, move)
        self.payments += len(payments)

    def _cash_application(self, company):
        """Three payments received and not applied yet, each with the matcher's
        suggestions on its case: one invoice paid exactly with its number in the memo,
        two paid in one transfer, one paid early less its 2% discount."""
        Case = self.env["eh.collections.case"]
        busy = {"Wood Corner", "Gemini Furniture", "Lumber Inc", "Azure Interior", "Deco Addict", "Ready Mat"}
        cases = Case.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("disputed", "=", False),
                ("paused", "=", False),
                ("payment_plan_id", "=", False),
            ],
            order="partner_id",
        ).filtered(
            lambda c: c.partner_id.name not in busy
            and len(c.overdue_move_ids.filtered(lambda m: m.currency_id == company.currency_id)) >= 2
        )
        exact, several, early = cases[-3:]
        oldest = exact.overdue_move_ids.sorted("invoice_date_due")[0]
        lines = self._unapplied_payment(company, exact.partner_id, oldest.amount_residual, 1, oldest.name)
        pair = several.overdue_move_ids.filtered(lambda m: m.currency_id == company.currency_id)
        pair = pair.sorted("invoice_date_due")[:2]
        memo = f"Remittance: {pair[0].name} / {pair[1].name}"
        lines |= self._unapplied_payment(
            company, several.partner_id, sum(pair.mapped("amount_residual")), 1, memo
        )
        terms = self.env.ref("account.account_payment_term_30days_early_discount", raise_if_not_found=False)
        invoice = self._invoice(company, early.partner_id, -27, 4800.0)
        invoice.button_draft()
        invoice.invoice_payment_term_id = terms  # issued 3 days ago: the 2% holds for 4 more days
        invoice.action_post()
        lines |= self._unapplied_payment(
            company, early.partner_id, invoice.amount_residual * 0.98, 1, invoice.name
        )
        Case._refresh_from_ledger(company, partners=exact.partner_id | several.partner_id | early.partner_id)
        self.env["eh.collections.payment.match"]._suggest(lines)

    def _payment_plans(self, company):
        """Two plans agreed weeks ago, as time went by (freezegun moves the clock, so
        every date, log row and check is the one of its day): one honoured so far, one
        whose first instalment never came, broken and escalated by the tracking run."""
        from freezegun import freeze_time

        Case, Plan = self.env["eh.collections.case"], self.env["eh.collections.payment.plan"]
        calm = Case.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("paused", "=", False),
                ("disputed", "=", False),
                ("promise_date", "=", False),
                ("total_overdue_amount", ">", 1000),
            ],
            order="days_overdue_max desc",
        )
        honoured, broken = calm[1:2], calm[3:4]
        agreed = self.today - timedelta(days=40)
        with freeze_time(agreed):
            Case._refresh_from_ledger(company, partners=(honoured | broken).partner_id)
            for case, note in (
                (honoured, "Three monthly transfers agreed on the phone."),
                (broken, "Two instalments agreed after the demand letter."),
            ):
                plan = Plan.create(
                    {
                        "case_id": case.id,
                        "instalment_count": 3 if case == honoured else 2,
                        "first_date": agreed + timedelta(days=10),
                        "note": note,
                    }
                )
                plan.action_activate()
        first = honoured.payment_plan_id.line_ids.sorted("date")[:1]
        with freeze_time(first.date - timedelta(days=1)):
            self._pay(honoured.overdue_move_ids.sorted("invoice_date_due")[:1], first.amount, 0)
        Plan._cron_track_payment_plans()
        Case._refresh_from_ledger(company)

    def _sms(self, company):
        """The SMS bridge: the Standard B2B firm reminder goes by email and SMS. One
        customer in three has a reachable number (+1 415 555 01xx, the range kept for
        fiction); the others' +1 555 numbers are not, and their log says the email went.
        The demo has no SMS provider: Odoo's SMS queue marks what it could not send."""
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.level_ids.filtered(lambda level: level.tone == "firm").write(
            {
                "channel_sms": True,
                "sms_template_id": self.env.ref("eh_collections_sms.sms_template_reminder").id,
            }
        )
        customers = self.env["res.partner"].search(
            [("ref", "=like", f"{DEMO_REF}%"), ("company_id", "=", company.id)], order="ref"
        )
        for number, customer in enumerate(customers[::3]):
            customer.phone = f"+1 415 555 01{number % 100:02d}"

    def _outgoing_mail(self):
        """Odoo's outgoing mail goes to the demo's mail catcher (scripts/demo_peers.py), which
        keeps every message and lists them on a page, instead of failing in the queue."""
        self.env["ir.mail_server"].create(
            {
                "name": "Demo mail catcher (127.0.0.1)",
                "smtp_host": "127.0.0.1",
                "smtp_port": self.smtp_port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )

    def _whatsapp(self, company):
        """The WhatsApp bridge against the demo's Cloud API stand-in (scripts/demo_peers.py),
        which reports each message delivered, then read, to the server's signed webhook.
        The firm reminder sends email, SMS and WhatsApp; the customers with a reachable
        number opted in to WhatsApp."""
        company.sudo().write(
            {
                "eh_whatsapp_api_url": f"{self.peers_url}/v21.0",
                "eh_whatsapp_phone_number_id": "100000000000001",
                "eh_whatsapp_access_token": "demo-access-token",
                "eh_whatsapp_app_secret": "demo-app-secret",  # the stand-in signs with it
                "eh_whatsapp_verify_token": "demo-verify-token",
            }
        )
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.level_ids.filtered(lambda level: level.tone == "firm").write(
            {"channel_whatsapp": True, "whatsapp_template": "payment_reminder"}
        )
        self.env["res.partner"].search(
            [("ref", "=like", f"{DEMO_REF}%"), ("phone", "=like", "+1 415 555 01%")]
        ).eh_whatsapp_opt_in = True

    def _reachable_at_the_firm_level(self, company):
        """The customers the server's first follow-up run sends the firm reminder to get a
        reachable number and opt in to WhatsApp: the run sends them the email, the SMS and
        the WhatsApp message, three log rows (the stand-in then reports it delivered and
        read)."""
        Case = self.env["eh.collections.case"]
        cases = Case.search([("company_id", "=", company.id), ("state", "=", "open")])
        firm = cases.filtered(lambda case: case._due_level().tone == "firm")
        for number, case in enumerate(firm, 90):
            (case.partner_id | case.eh_reminder_partner_id).phone = f"+1 415 555 01{number % 100:02d}"
            case.partner_id.eh_whatsapp_opt_in = True

    def _predue(self, company):
        """A level before the due date on Standard B2B: a courteous coming-due email five
        days before an invoice falls due. A customer without a case has an invoice due in
        three days; the server's follow-up cron sends the notices once it starts."""
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.predue_level_ids = [
            (
                0,
                0,
                {
                    "name": "Coming due",
                    "sequence": 1,
                    "days_overdue": -5,
                    "min_days_since_previous": 0,
                    "mail_template_id": self.env.ref("eh_collections_case.mail_template_coming_due").id,
                },
            )
        ]
        with_case = self.env["eh.collections.case"].search([("company_id", "=", company.id)]).partner_id
        customer = self.env["res.partner"].search(
            [
                ("ref", "=like", f"{DEMO_REF}%"),
                ("company_id", "in", (company.id, False)),
                ("is_company", "=", True),
                ("id", "not in", with_case.ids),
                ("email", "!=", False),
            ],
            order="ref",
            limit=1,
        )
        if customer:
            self._invoice(company, customer, -3, 1850.0)

    def _credit_hold(self, company):
        """The sale bridge at work: the Standard B2B final notice blocks new sales and
        the demand letter proposes tighter credit; a quotation waits for a customer well
        past them, which shows the banner once the demo server's follow-up cron has sent
        its level (within a minute)."""
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.level_ids.filtered(lambda level: level.name == "Final notice").block_new_sales = True
        # The demand letter proposes tighter credit to a manager when the server's cron sends it.
        standard.level_ids.filtered(lambda level: level.name == "Demand letter").propose_credit_terms = True
        held = self.env["eh.collections.case"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("paused", "=", False),
                ("disputed", "=", False),
                ("payment_plan_id", "=", False),
                ("has_active_promise", "=", False),
                ("days_overdue_max", ">", 120),
                ("partner_id.email", "!=", False),
            ],
            order="days_overdue_max",
            limit=1,
        )
        product = self.env["product.product"].create({"name": "Office chair", "list_price": 240.0})
        for partner in held.partner_id:
            self.env["sale.order"].with_company(company).create(
                {
                    "partner_id": partner.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 5})],
                }
            )

    def _copilot(self, company, collector):
        """What the collector's copilot shows on the first morning: a promise due
        today on top of My day, and AI drafts waiting in To approve. The demo has no
        AI provider, so these drafts are written here, as a provider would have
        answered them; everything else about them goes through the real path."""
        from odoo.addons.eh_account_ai_agent.tools import ReminderDraft

        Case = self.env["eh.collections.case"]
        mine = Case.search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("user_id", "=", collector.id)],
            order="days_overdue_max desc",
        )
        calm = mine.filtered(lambda c: not c.paused and not c.disputed and not c.has_active_promise)
        calm[-1:]._log_action(
            [
                {
                    "action_type": "promise",
                    "promise_amount": round(calm[-1:].total_overdue_amount, 2),
                    "promise_date": calm[-1:]._today(),
                    "note": "Promised the full amount by transfer today.",
                }
            ]
        )
        standard = self.env["eh.collections.strategy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        standard.level_ids.filtered(lambda level: level.tone == "firm").eh_ai_draft = True
        drafts = [
            ReminderDraft(
                "Your account with us: invoices past due",
                "We have not yet received payment for the invoices below, and we would like to settle "
                "this with you before taking further steps.",
                "If something stands in the way of payment, reply to this message and we will find a "
                "solution together.",
            ),
            ReminderDraft(
                "A reminder about your open invoices",
                "This is a friendly reminder that the invoices below are now past their due date.",
                "If you have already paid, thank you, and please ignore this message.",
            ),
        ]
        Followup = self.env["eh.collections.followup"]
        for case, draft in zip(calm[:-1].filtered("next_level_id")[:2], drafts, strict=False):
            reason = self.env._("AI draft: a person reads it before it goes out.")
            Followup._queue_ai_draft(case, case.next_level_id, draft, reason)
        Case.search([("state", "=", "open")])._eh_copilot_sync()

    def _replies(self, companies, collector):
        """Customers' answers to reminders, fed as raw mail through Odoo's mail gateway
        to each company's collections alias: a promise, a dispute naming an invoice, an
        out-of-office, a French promise in the Belgian company, and a mail from nobody
        the suite knows, left to sort. They wait in Replies to review."""
        from email.message import EmailMessage
        from email.utils import format_datetime, make_msgid

        for company in companies:
            if not company.alias_domain_id:
                company.alias_domain_id = self.env["mail.alias.domain"].create(
                    {"name": f"{_slug(company.name)}.example.com"}
                )

        def send(case, body, *, sender=None, subject="Re: Your overdue invoices", html=False, headers=None):
            company = case.company_id if case else companies[0]
            message = EmailMessage()
            contact = case and (case.partner_id.child_ids.filtered("email")[:1] or case.partner_id)
            message["From"] = sender or f"{contact.name} <{contact.email}>"
            message["To"] = f"collections@{company.alias_domain_id.name}"
            message["Subject"] = subject
            message["Date"] = format_datetime(datetime.now().astimezone())
            message["Message-Id"] = make_msgid(domain="customer.example.com")
            for name, value in (headers or {}).items():
                message[name] = value
            message.set_content(body, subtype="html" if html else "plain")
            self.env["mail.thread"].message_process(None, message.as_bytes())

        Case = self.env["eh.collections.case"]
        main = companies[0]
        mine = Case.search(
            [
                ("company_id", "=", main.id),
                ("state", "=", "open"),
                ("user_id", "=", collector.id),
                ("paused", "=", False),
                ("disputed", "=", False),
                ("has_active_promise", "=", False),
                ("partner_id.email", "!=", False),
            ],
            order="days_overdue_max",
        )
        promised, disputed, away = mine[:3]
        send(
            promised,
            "Hello,\n\nSorry for the delay: we will pay the full balance next Friday.\n\nBest regards",
        )
        invoice = disputed.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")[:1]
        send(
            disputed,
            f"<p>Hi,</p><p>{invoice.name} was for damaged goods: half of the chairs arrived broken. "
            "We expect a credit note before we pay it.</p><p>Regards</p>",
            html=True,
        )
        send(
            away,
            "Thank you for your email. I am out of the office until next Monday with limited access "
            "to email.",
            subject="Automatic reply: Your overdue invoices",
            headers={"Auto-Submitted": "auto-replied"},
        )
        french = Case.search([("partner_id.lang", "=", "fr_BE"), ("state", "=", "open")], limit=1)
        if french:
            send(french, "Bonjour,\n\nNous réglerons le solde fin du mois.\n\nCordialement")
        send(
            None,
            "Hello, who should we talk to about our account? Thanks.",
            sender="pat@unknown-buyer.example.org",
        )

    def _instalments(self, company):
        """An invoice in two instalments, the first one late: the case chases that one."""
        terms = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 60 days",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        partner = self.env["res.partner"].search([("name", "=", "Azure Interior")], limit=1)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": self.today - timedelta(days=45),
                    "invoice_payment_term_id": terms.id,
                    "invoice_line_ids": [
                        (0, 0, {"name": "Showroom fit-out", "price_unit": 6400.0, "tax_ids": [(5, 0, 0)]})
                    ],
                }
            )
        )
        move.action_post()
        self.invoices += 1

    def _duplicate(self, company, index):
        """The same customer entered twice, with an invoice on each: merged below."""
        partner, _contacts = self._customer(company, "Wood Corner (old account)", None, index)
        self._invoice(company, partner, 75, 1850.0)
        return partner

    def _merge(self, duplicate):
        """Merge contacts on the duplicate: one case keeps both customers' invoices and
        both histories."""
        original = self.env["res.partner"].search([("name", "=", "Wood Corner")], limit=1)
        Case = self.env["eh.collections.case"]
        case = Case.search([("partner_id", "=", duplicate.id), ("state", "=", "open")])
        case._log_action([{"action_type": "call", "note": "Called the old account's number: no answer."}])
        self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (original | duplicate).ids)], "dst_partner_id": original.id}
        ).action_merge()

    def _story(self, company, partner, moves, index):
        """Payments and credit notes that make each ledger look lived-in."""
        oldest = max(moves, key=lambda m: (self.today - m.invoice_date_due).days)
        if index % 5 == 1:  # paid part of the oldest invoice
            self._pay(oldest, round(oldest.amount_residual * self.rng.uniform(0.2, 0.7), 2), 10)
        if index % 7 == 2:  # a credit note applied to an invoice
            refund = self._invoice(
                company, partner, 0, round(oldest.amount_residual * 0.25, 2), oldest.currency_id, "out_refund"
            )
            self._reconcile(oldest, refund)
        if index % 11 == 3:  # a credit note still open: netted, not chased
            self._invoice(company, partner, 0, self._amount(100, 600), None, "out_refund")
        if index % 13 == 4:  # money received without remittance: unapplied
            self._unapplied_payment(company, partner, self._amount(200, 900), 5)
        if index == 6:  # a customer in credit overall: must never be chased
            total = sum(m.amount_residual_signed for m in moves)
            self._unapplied_payment(company, partner, round(total + 250, 2), 3)
        if index % 8 == 5 and len(moves) > 1:  # an older invoice settled in full
            self._pay(moves[-1], moves[-1].amount_residual, 20)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--smtp-port", type=int, default=2525, help="the demo mail catcher's SMTP port")
    parser.add_argument(
        "--peers-url", default="http://127.0.0.1:8025", help="the demo's WhatsApp stand-in (and mail page)"
    )
    args = parser.parse_args(argv)

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config] if args.config else [], setup_logging=True)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if env["res.partner"].search_count([("ref", "=like", f"{DEMO_REF}%")]):
            print("Demo receivables already loaded: nothing to do.")
            return 0
        summary = DemoLoader(env, seed=args.seed, smtp_port=args.smtp_port, peers_url=args.peers_url).load()
    print(
        f"Demo receivables loaded: {summary.customers} customers, {summary.invoices} invoices, "
        f"{summary.credit_notes} credit notes, {summary.payments} payments, {summary.cases} open cases."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
