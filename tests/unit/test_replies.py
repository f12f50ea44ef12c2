"""The reply reader: the customer's own words, dates and amounts in five languages, the
invoices it names, and an LLM's reading refused when it invents one."""

import json
from datetime import date

import pytest

from eh_account_ai_agent.tools.providers import ProviderError, ProviderReply
from eh_account_ai_agent.tools.replies import (
    find_amounts,
    find_dates,
    find_invoices,
    html_to_text,
    is_auto_reply,
    parse_number,
    parse_reply_answer,
    read_reply,
    read_reply_with_llm,
    split_reply,
)

WEDNESDAY = date(2026, 12, 2)
KNOWN = ("INV/2026/00042", "INV/2026/00057", "INV/2026/00099")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("on the 15th", "en", date(2026, 12, 15)),
        ("on the 1st", "en", date(2027, 1, 1)),  # the 1st has passed this month
        ("le 15 décembre", "fr", date(2026, 12, 15)),
        ("am 15.12.", "de", date(2026, 12, 15)),
        ("am 15.12.2026", "de", date(2026, 12, 15)),
        ("el 15 de diciembre", "es", date(2026, 12, 15)),
        ("op 15 december", "nl", date(2026, 12, 15)),
        ("by 12/15", "en", date(2026, 12, 15)),
        ("le 15/12", "fr", date(2026, 12, 15)),
        ("op 18-12-2026", "nl", date(2026, 12, 18)),
        ("on 2026-12-18", "en", date(2026, 12, 18)),
        ("January 8", "en", date(2027, 1, 8)),  # no year: the next one
        ("next Friday", "en", date(2026, 12, 4)),
        ("vendredi prochain", "fr", date(2026, 12, 4)),
        ("nächsten Freitag", "de", date(2026, 12, 4)),
        ("el próximo viernes", "es", date(2026, 12, 4)),
        ("volgende vrijdag", "nl", date(2026, 12, 4)),
        ("end of month", "en", date(2026, 12, 31)),
        ("fin du mois prochain", "fr", date(2027, 1, 31)),
        ("Ende des Monats", "de", date(2026, 12, 31)),
        ("tomorrow", "en", date(2026, 12, 3)),
        ("in 10 days", "en", date(2026, 12, 12)),
        ("next week", "en", date(2026, 12, 11)),  # Friday of next week
    ],
)
def test_dates_read_relative_to_the_message(text, language, expected):
    assert [day for _at, day in find_dates(text, WEDNESDAY, language)] == [expected]


def test_past_dates_for_a_payment_and_no_dates_in_amounts():
    assert [day for _at, day in find_dates("paid on Monday", WEDNESDAY, past=True)] == [date(2026, 11, 30)]
    assert find_dates("paid on the 27th", WEDNESDAY, past=True)[0][1] == date(2026, 11, 27)
    assert find_dates("1.234,56 € et 15.12 et 10.11 EUR", WEDNESDAY, "fr") == []
    assert find_dates("le solde de 1 000,00 €", WEDNESDAY, "fr") == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56 €", 1234.56),
        ("$1,234.56", 1234.56),
        ("1 234,56 EUR", 1234.56),
        ("€ 800", 800.0),
        ("USD 2,980.00", 2980.0),
        ("12,5 euros", 12.5),
    ],
)
def test_amounts_in_local_formats(text, amount):
    assert [value for _at, value in find_amounts(text)] == [amount]
    assert find_amounts("Tel. +33 1 42 68 53 00, VAT GB 123 4567 89, invoice 42") == []


def test_numbers_with_their_separators():
    assert (parse_number("1.234"), parse_number("1,5"), parse_number("1'234.50")) == (1234.0, 1.5, 1234.5)


def test_invoices_whole_or_by_their_number_and_never_invented():
    assert find_invoices("INV/2026/00042 and inv-2026-00057", KNOWN) == ("INV/2026/00042", "INV/2026/00057")
    assert find_invoices("facture n° 57 et la facture 42", KNOWN) == ("INV/2026/00057", "INV/2026/00042")
    assert find_invoices("invoice 12345 and INV/2026/00777", KNOWN) == ()


def test_the_quoted_reminder_and_the_signature_are_cut_off():
    text = "\n".join(
        [
            "We will pay on the 15th.",
            "",
            "Best regards,",
            "Tel +44 20 7946 0958",
            "",
            "On Mon, 30 Nov 2026 at 09:12, Northwind <ar@example.com> wrote:",
            "> INV/2026/00099 due 10/15/2026 $1,870.00",
        ]
    )
    assert split_reply(text).own == "We will pay on the 15th."
    reading = read_reply(text, WEDNESDAY, known_invoices=KNOWN)
    assert (reading.kind, reading.promise_date, reading.invoices) == ("promise", date(2026, 12, 15), ())
    outlook = "Paid yesterday.\n\nFrom: Northwind\nSent: Monday\nTo: AP\nSubject: overdue\n\nINV/2026/00099"
    assert read_reply(outlook, WEDNESDAY, known_invoices=KNOWN).invoices == ()


def test_html_without_its_quote_style_or_script():
    html = (
        "<html><head><style>p{margin:0}</style></head><body><p>Wir zahlen am 15.12.</p>"
        "<blockquote><p>INV/2026/00099 1.870,00 €</p></blockquote></body></html>"
    )
    assert html_to_text(html) == "Wir zahlen am 15.12."
    reading = read_reply(html, WEDNESDAY, html=True, known_invoices=KNOWN)
    assert (reading.kind, reading.language, reading.promise_date) == ("promise", "de", date(2026, 12, 15))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Invoice INV/2026/00042 was for damaged goods.", "dispute"),
        ("We never received the goods.", "dispute"),
        ("We will not pay this invoice.", "dispute"),
        ("Paid yesterday, see remittance attached.", "payment_sent"),
        ("Nous avons payé hier.", "payment_sent"),
        ("Wir haben gestern überwiesen.", "payment_sent"),
        ("Hemos pagado hoy.", "payment_sent"),
        ("We hebben gisteren betaald.", "payment_sent"),
        ("Thanks, noted.", "other"),
        ("We paid 500 € last week and will pay the rest on the 20th.", "promise"),
    ],
)
def test_kinds(text, kind):
    assert read_reply(text, WEDNESDAY).kind == kind


def test_out_of_office_by_header_or_subject_with_the_return_date():
    assert is_auto_reply({"Auto-Submitted": "auto-replied"})
    assert not is_auto_reply({"Auto-Submitted": "no"}, "Re: your invoices")
    assert is_auto_reply({}, "Réponse automatique : Factures")
    reading = read_reply(
        "I am out of the office until 18 December.", WEDNESDAY, headers={"X-Autoreply": "yes"}
    )
    assert (reading.kind, reading.return_date) == ("out_of_office", date(2026, 12, 19))
    back = read_reply("Je suis en congés, de retour le 4 janvier.", WEDNESDAY, subject="Absence")
    assert back.return_date == date(2027, 1, 4)


def answer(**values):
    base = {
        "kind": "promise",
        "promise_date": "2026-12-15",
        "payment_date": None,
        "return_date": None,
        "promise_amount": 1234.56,
        "payment_amount": None,
        "dispute_reason": None,
        "invoices": ["INV/2026/00042"],
    }
    return json.dumps({**base, **values})


TEXT = "We will pay INV/2026/00042, 1.234,56 €, on the 15th."


def test_an_llm_reading_passes_its_checks():
    reading, reason = parse_reply_answer(answer(), TEXT, WEDNESDAY, KNOWN)
    assert reason == ""
    assert (reading.kind, reading.promise_amount, reading.invoices, reading.source) == (
        "promise",
        1234.56,
        ("INV/2026/00042",),
        "llm",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (answer(invoices=["INV/2026/00057"]), "invented invoice INV/2026/00057"),
        (answer(promise_amount=999.0), "invented amount 999.0"),
        (answer(promise_amount=-5), "schema: promise_amount is not a positive number"),
        (answer(kind="refund"), "schema: unknown kind 'refund'"),
        (answer(promise_date="15/12/2026"), "schema: promise_date is not a date"),
        ("Sure, a promise.", "non_json"),
        (json.dumps({"kind": "promise"}), "schema: keys"),
    ],
)
def test_an_llm_reading_is_refused_when_it_invents(text, reason):
    reading, why = parse_reply_answer(text, TEXT, WEDNESDAY, KNOWN)
    assert reading is None
    assert why.startswith(reason)


class Scripted:
    def __init__(self, text=None, error=None):
        self.text, self.error, self.calls = text, error, 0

    def complete(self, system, user):
        self.calls += 1
        if self.error:
            raise ProviderError(self.error)
        return ProviderReply(self.text, 10, 5)


def test_the_rules_stand_when_the_llm_fails_and_auto_replies_skip_it():
    rules = read_reply(TEXT, WEDNESDAY, known_invoices=KNOWN)
    reading, trace = read_reply_with_llm(
        TEXT, WEDNESDAY, Scripted(answer(invoices=["X"])), known_invoices=KNOWN
    )
    assert (reading, trace.outcome, trace.fallback_reason) == (rules, "fallback", "invented invoice X")
    reading, trace = read_reply_with_llm(TEXT, WEDNESDAY, Scripted(error="timeout"), known_invoices=KNOWN)
    assert (reading, trace.outcome) == (rules, "error")
    llm = Scripted(answer(kind="dispute", promise_date=None, promise_amount=None, dispute_reason="Damaged"))
    reading, trace = read_reply_with_llm(TEXT, WEDNESDAY, llm, known_invoices=KNOWN)
    assert (reading.kind, reading.source, trace.outcome) == ("dispute", "llm", "ok")
    silent = Scripted(answer())
    reading, trace = read_reply_with_llm(
        "Back on Monday.", WEDNESDAY, silent, headers={"Auto-Submitted": "auto-replied"}
    )
    assert (reading.kind, trace, silent.calls) == ("out_of_office", None, 0)
