"""How well the reply reader reads customers' answers to reminders.

Reads the labelled corpus in bench/replies/ (five languages, every kind, HTML-only
mails, forwarded chains, several invoices per reply), dressed as mail arrives: the
reminder quoted below the answer (Gmail and Outlook style, with its own invoice,
dates and amounts as traps) and a signature full of numbers. Reports per-kind
precision, recall and F1, and exact-match accuracy for dates, amounts and invoices,
for the rules alone and for the rules with a scripted LLM whose answers go through
the same checks as a real one's (some invent an invoice or an amount, some are not
JSON: those fall back to the rules). Writes bench/results/replies.json.

Pure Python over `eh_account_ai_agent/tools/replies.py`: no database.
Usage: python bench/replies.py
"""

import json
import sys
import time
from datetime import date
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eh_account_ai_agent"))

from common import peak_rss_mb, say, write_results
from tools import providers, replies

CORPUS = Path(__file__).resolve().parent / "replies"
RECEIVED = date(2026, 12, 2)  # unless an entry says otherwise: a Wednesday
# The customer's open invoices; INV/2026/00099 is the one the quoted reminder names.
KNOWN_INVOICES = (
    "INV/2026/00042",
    "INV/2026/00057",
    "INV/2026/00063",
    "INV/2026/00071",
    "INV/2026/00088",
    "INV/2026/00099",
    "INV/2026/00102",
)
DATE_FIELDS = ("promise_date", "payment_date", "return_date")
AMOUNT_FIELDS = ("promise_amount", "payment_amount")

GMAIL_QUOTE = {
    "en": "On Mon, 30 Nov 2026 at 09:12, Northwind Receivables <ar@northwind.example.com> wrote:",
    "fr": "Le lun. 30 nov. 2026 à 09:12, Northwind Receivables <ar@northwind.example.com> a écrit :",
    "de": "Am Mo., 30. Nov. 2026 um 09:12 Uhr schrieb Northwind Receivables <ar@northwind.example.com>:",
    "es": "El lun, 30 nov 2026 a las 9:12, Northwind Receivables (<ar@northwind.example.com>) escribió:",
    "nl": "Op ma 30 nov 2026 om 09:12 schreef Northwind Receivables <ar@northwind.example.com>:",
}
OUTLOOK_QUOTE = {
    "en": [
        "From: Northwind Receivables <ar@northwind.example.com>",
        "Sent: Monday, November 30, 2026 9:12 AM",
        "To: Accounts <ap@client.example.com>",
        "Subject: Your overdue invoices",
    ],
    "fr": [
        "De : Northwind Receivables <ar@northwind.example.com>",
        "Envoyé : lundi 30 novembre 2026 09:12",
        "À : Comptabilité <compta@client.example.fr>",
        "Objet : Vos factures échues",
    ],
    "de": [
        "Von: Northwind Receivables <ar@northwind.example.com>",
        "Gesendet: Montag, 30. November 2026 09:12",
        "An: Buchhaltung <buha@kunde.example.de>",
        "Betreff: Ihre überfälligen Rechnungen",
    ],
    "es": [
        "De: Northwind Receivables <ar@northwind.example.com>",
        "Enviado: lunes, 30 de noviembre de 2026 9:12",
        "Para: Contabilidad <conta@cliente.example.es>",
        "Asunto: Sus facturas vencidas",
    ],
    "nl": [
        "Van: Northwind Receivables <ar@northwind.example.com>",
        "Verzonden: maandag 30 november 2026 09:12",
        "Aan: Boekhouding <boekhouding@klant.example.nl>",
        "Onderwerp: Uw vervallen facturen",
    ],
}
REMINDER = {
    "en": [
        "Dear customer,",
        "The invoices below are overdue. Please settle them within 8 days or we will "
        "not be able to deliver your next order.",
        "INV/2026/00099   due 10/15/2026   $1,870.00   Pay now",
        "Total to settle: $1,870.00",
        "If you have already paid, thank you.",
        "Kind regards, Northwind",
    ],
    "fr": [
        "Madame, Monsieur,",
        "Les factures ci-dessous sont échues. Merci de les régler sous 8 jours.",
        "INV/2026/00099   échéance 15/10/2026   1 870,00 €   Payer",
        "Total à régler : 1 870,00 €",
        "Si vous avez déjà payé, merci.",
        "Cordialement, Northwind",
    ],
    "de": [
        "Sehr geehrte Damen und Herren,",
        "die folgenden Rechnungen sind überfällig. Bitte zahlen Sie " "innerhalb von 8 Tagen.",
        "INV/2026/00099   fällig 15.10.2026   1.870,00 €   Jetzt bezahlen",
        "Zu zahlen: 1.870,00 €",
        "Falls Sie bereits bezahlt haben, danken wir Ihnen.",
        "Mit freundlichen Grüßen",
    ],
    "es": [
        "Estimado cliente:",
        "Las facturas siguientes están vencidas. Le rogamos que las pague en un plazo de " "8 días.",
        "INV/2026/00099   vencimiento 15/10/2026   1.870,00 €   Pagar",
        "Total a pagar: 1.870,00 €",
        "Si ya ha pagado, gracias.",
        "Atentamente, Northwind",
    ],
    "nl": [
        "Geachte klant,",
        "De onderstaande facturen zijn vervallen. Gelieve ze binnen 8 dagen te betalen.",
        "INV/2026/00099   vervaldatum 15-10-2026   € 1.870,00   Betalen",
        "Te betalen: € 1.870,00",
        "Indien u al betaald heeft, dank u.",
        "Met vriendelijke groet, Northwind",
    ],
}
SIGNATURE = {
    "en": [
        "Best regards,",
        "John Miller",
        "Accounts Payable | Client Ltd",
        "Tel +44 20 7946 0958 | Mobile +44 7700 900123",
        "VAT GB 123 4567 89 | Company no. 04567123",
        "12 Harbour Road, London EC1A 1BB",
    ],
    "fr": [
        "Cordialement,",
        "Marie Dubois",
        "Comptabilité fournisseurs",
        "Tél. +33 1 42 68 53 00",
        "TVA FR 40 303 265 045 | SIRET 552 100 554 00018",
        "12 rue de la Paix, 75002 Paris",
    ],
    "de": [
        "Mit freundlichen Grüßen",
        "Thomas Müller",
        "Kreditorenbuchhaltung",
        "Tel. +49 30 901820-0 | Fax -99",
        "USt-IdNr. DE 123 456 789 | HRB 98765",
        "Hauptstraße 12, 10115 Berlin",
    ],
    "es": [
        "Saludos cordiales,",
        "Ana López",
        "Cuentas a pagar",
        "Tel. +34 91 123 45 67",
        "CIF B-12345678",
        "Calle Mayor 12, 28013 Madrid",
    ],
    "nl": [
        "Met vriendelijke groet,",
        "Jan Peeters",
        "Crediteurenadministratie",
        "Tel. +32 2 555 01 23",
        "BTW BE 0123.456.789",
        "Kerkstraat 12, 2000 Antwerpen",
    ],
}


def load_corpus(folder=CORPUS):
    entries = []
    for path in sorted(folder.glob("*.json")):
        for entry in json.loads(path.read_text()):
            entries.append({**entry, "lang": path.stem.split("_")[0]})
    return entries


def dress(entry, index):
    """The mail as it arrives: (body, html) with the quote and signature the entry asks for."""
    lang, decorate = entry["lang"], entry.get("decorate", [])
    body = list(entry["body"])
    html = entry.get("html", False)
    signature = SIGNATURE[lang] if "signature" in decorate else []
    gmail = index % 2 == 0
    if html:
        text = "".join(body)
        if signature:
            text += "<div>" + "<br>".join(escape(line) for line in signature) + "</div>"
        if "quote" in decorate:
            if gmail:
                text += (
                    f'<div class="gmail_quote"><div class="gmail_attr">{escape(GMAIL_QUOTE[lang])}</div>'
                    "<blockquote>"
                    + "".join(f"<p>{escape(line)}</p>" for line in REMINDER[lang])
                    + "</blockquote></div>"
                )
            else:
                text += (
                    '<hr><div id="divRplyFwdMsg">'
                    + "<br>".join(escape(line) for line in OUTLOOK_QUOTE[lang])
                    + "</div><div>"
                    + "".join(f"<p>{escape(line)}</p>" for line in REMINDER[lang])
                    + "</div>"
                )
        return text, True
    lines = body + (["", *signature] if signature else [])
    if "quote" in decorate:
        if gmail:
            lines += ["", GMAIL_QUOTE[lang]] + [f"> {line}" for line in REMINDER[lang]]
        else:
            lines += ["", "________________________________", *OUTLOOK_QUOTE[lang], "", *REMINDER[lang]]
    return "\n".join(lines), False


def expected(entry):
    label = entry["label"]
    return {
        "kind": label["kind"],
        **{key: label.get(key) for key in DATE_FIELDS + AMOUNT_FIELDS},
        "invoices": tuple(label.get("invoices", ())),
    }


class ScriptedLLM:
    """A stand-in for a model, answering from the label: right in substance, wrong in
    the ways the checks must catch (an invented invoice, an invented amount, prose)."""

    def __init__(self, entries):
        self.answers = {}
        for index, entry in enumerate(entries):
            truth = expected(entry)
            answer = {
                **{key: truth[key] for key in ("kind", *DATE_FIELDS, *AMOUNT_FIELDS)},
                "dispute_reason": "As the customer says." if truth["kind"] == "dispute" else None,
                "invoices": list(truth["invoices"]),
            }
            if index % 6 == 5:
                answer["invoices"] = [*answer["invoices"], "INV/2026/00777"]
            elif index % 9 == 4:
                answer["promise_amount"] = 4321.0
            text = json.dumps(answer)
            if index % 13 == 7:
                text = "Sure! This customer promises to pay soon."
            self.answers[entry["id"]] = text
        self.current = None

    def complete(self, system, user):
        return providers.ProviderReply(self.answers[self.current], 120, 60)


def evaluate(entries, provider=None):
    predictions, fallbacks, started = [], 0, time.perf_counter()
    for index, entry in enumerate(entries):
        body, html = dress(entry, index)
        received = date.fromisoformat(entry["received"]) if "received" in entry else RECEIVED
        if provider:
            provider.current = entry["id"]
        reading, trace = replies.read_reply_with_llm(
            body,
            received,
            provider,
            subject=entry.get("subject", "Re: Your overdue invoices"),
            headers=entry.get("headers", {}),
            html=html,
            known_invoices=KNOWN_INVOICES,
        )
        fallbacks += bool(trace and trace.outcome != "ok")
        predictions.append(reading)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return score(entries, predictions, fallbacks, elapsed_ms)


def score(entries, predictions, fallbacks, elapsed_ms):
    kinds = {}
    for kind in replies.KINDS:
        pairs = [
            (p.kind == kind, e["label"]["kind"] == kind) for e, p in zip(entries, predictions, strict=True)
        ]
        tp = sum(1 for said, true in pairs if said and true)
        fp = sum(1 for said, true in pairs if said and not true)
        fn = sum(1 for said, true in pairs if true and not said)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        kinds[kind] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": tp + fn,
        }

    def exact(fields):
        checked = right = 0
        misses = []
        for entry, prediction in zip(entries, predictions, strict=True):
            truth = expected(entry)
            for key in fields:
                if truth[key] is None:
                    continue
                checked += 1
                got = getattr(prediction, key)
                value = got.isoformat() if isinstance(got, date) else got
                if value == truth[key] or (isinstance(value, float) and abs(value - truth[key]) < 0.005):
                    right += 1
                else:
                    misses.append(f"{entry['id']} {key}: {value} != {truth[key]}")
        return (round(right / checked, 3) if checked else 1.0), checked, misses

    dates, dates_checked, date_misses = exact(DATE_FIELDS)
    amounts, amounts_checked, amount_misses = exact(AMOUNT_FIELDS)
    invoices_right = sum(
        1
        for entry, prediction in zip(entries, predictions, strict=True)
        if tuple(prediction.invoices) == expected(entry)["invoices"]
    )
    invoice_misses = [
        f"{e['id']} invoices: {p.invoices} != {expected(e)['invoices']}"
        for e, p in zip(entries, predictions, strict=True)
        if tuple(p.invoices) != expected(e)["invoices"]
    ]
    kind_misses = [
        f"{e['id']}: {p.kind} != {e['label']['kind']}"
        for e, p in zip(entries, predictions, strict=True)
        if p.kind != e["label"]["kind"]
    ]
    return {
        "messages": len(entries),
        "languages": sorted({entry["lang"] for entry in entries}),
        "kinds": kinds,
        "kind_macro_f1": round(sum(k["f1"] for k in kinds.values()) / len(kinds), 3),
        "kind_accuracy": round(1 - len(kind_misses) / len(entries), 3),
        "dates_exact": dates,
        "dates_checked": dates_checked,
        "amounts_exact": amounts,
        "amounts_checked": amounts_checked,
        "invoices_exact": round(invoices_right / len(entries), 3),
        "llm_fallbacks": fallbacks,
        "ms_per_message": round(elapsed_ms / len(entries), 2),
        "misses": kind_misses + date_misses + amount_misses + invoice_misses,
    }


NAMES = {
    ("development", "rules"): "rules alone, the {n} replies they were written against",
    ("development", "rules+llm"): "rules + scripted LLM, checked, the same {n}",
    ("held_out", "rules"): "rules alone, {n} replies written after, never tuned on",
    ("held_out", "rules+llm"): "rules + scripted LLM, checked, the same {n}",
}


def markdown(results):
    """The README's table, from the results: `python bench/replies.py` prints it, and a
    unit test checks the README quotes it as it is."""
    lines = [
        "| | " + " | ".join(replies.KINDS) + " | dates exact | amounts exact | invoices exact |",
        "|---|" + "---:|" * (len(replies.KINDS) + 3),
    ]
    for result in results:
        name = NAMES[result["corpus"], result["mode"]].format(n=result["messages"])
        cells = [
            f"P {k['precision']:.2f} R {k['recall']:.2f} F1 **{k['f1']:.2f}**"
            for k in result["kinds"].values()
        ]
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {result['dates_exact']:.3f} | {result['amounts_exact']:.3f}"
            + f" | {result['invoices_exact']:.3f} |"
        )
    return "\n".join(lines)


def main():
    results = []
    for corpus, folder in (("development", CORPUS), ("held_out", CORPUS / "held_out")):
        entries = load_corpus(folder)
        say(f"{corpus}: {len(entries)} labelled replies in {', '.join(sorted({e['lang'] for e in entries}))}")
        for mode, provider in (("rules", None), ("rules+llm", ScriptedLLM(entries))):
            result = {"corpus": corpus, "mode": mode, **evaluate(entries, provider)}
            say(
                f"  {mode:10} macro F1 {result['kind_macro_f1']}  dates {result['dates_exact']}  "
                f"amounts {result['amounts_exact']}  invoices {result['invoices_exact']}  "
                f"fallbacks {result['llm_fallbacks']}"
            )
            for miss in result["misses"]:
                say(f"      {miss}")
            results.append(result)
    peak = peak_rss_mb()
    write_results("replies", [{**result, "peak_rss_mb": peak} for result in results])
    print(markdown(results), flush=True)


if __name__ == "__main__":
    main()
