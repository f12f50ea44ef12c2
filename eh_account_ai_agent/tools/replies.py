"""Reading a customer's answer to a reminder, by rules, in five languages.

A reply is a promise to pay, a dispute, a payment the customer says was sent, an
out-of-office, or something else. The rules read only what the customer wrote: the
quoted reminder below, the signature and the "Sent from my phone" lines are cut off
first, and a forwarded chain is read only when the customer's own words say nothing.
Dates are read relative to the message's date ("le 15 décembre", "15.12.", "next
Friday", "end of month"), amounts in local formats ("1.234,56 €", "$1,234.56"), and
invoice numbers among those the caller knows (the company's own sequence names).

English, French, German, Spanish and Dutch. No Odoo import: `read_reply` is a plain
function over plain data, measured against the labelled corpus in `bench/replies/`.
"""

import calendar
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from html.parser import HTMLParser

from .ladder import CallClock, CallTrace
from .providers import ProviderError
from .suggest import load_json_object

KINDS = ("promise", "dispute", "payment_sent", "out_of_office", "other")
LANGUAGES = ("en", "fr", "de", "es", "nl")


@dataclass(frozen=True)
class ReplyReading:
    """What a reply says, as the rules (or a checked LLM answer) read it."""

    kind: str
    language: str = "en"
    promise_date: date | None = None
    promise_amount: float | None = None
    payment_date: date | None = None
    payment_amount: float | None = None
    return_date: date | None = None
    dispute_reason: str | None = None
    invoices: tuple[str, ...] = ()
    evidence: str = ""  # the sentence that decided the kind
    source: str = "rules"


@dataclass
class _Text:
    own: str  # what the customer wrote
    forwarded: str = ""  # a forwarded chain below it
    sentences: list[str] = field(default_factory=list)


# -- the customer's own words -------------------------------------------------------

_QUOTE_HEADERS = re.compile(
    r"^\s*(?:"
    r"on\b.{0,250}?\bwrote\s*:"
    r"|le\b.{0,250}?\ba écrit\s*:"
    r"|am\b.{0,250}?\bschrieb\b.{0,120}?:"
    r"|el\b.{0,250}?\bescribió\s*:"
    r"|op\b.{0,250}?\b(?:schreef|heeft\b.{0,120}?\bgeschreven)\b.{0,120}?:"
    r"|-{2,}\s*(?:original message|message d'origine|ursprüngliche nachricht|mensaje original"
    r"|oorspronkelijk bericht)\s*-{2,}"
    r")",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_FORWARD_HEADERS = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado"
    r"|doorgestuurd bericht|begin forwarded message)\s*-{2,}"
    r"|^\s*begin forwarded message\s*:",
    re.IGNORECASE | re.MULTILINE,
)
# An Outlook reply header: "From: ..." then "Sent:"/"Date:" or "To:" on the next lines.
_OUTLOOK_HEADER = re.compile(
    r"^\s*(?:from|de|von|van)\s*:.*\n(?:.*\n){0,2}?\s*(?:sent|date|envoyé|gesendet|enviado|verzonden"
    r"|datum|fecha|to|à|an|para|aan)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_CLOSINGS = (
    "best regards|kind regards|warm regards|regards|best|thanks|thank you|many thanks|thanks again|cheers"
    "|sincerely|yours sincerely|cordialement|bien cordialement|salutations|bien à vous|meilleures salutations"
    "|sincères salutations|merci|merci d'avance|mit freundlichen grüßen|mit freundlichen grüssen"
    "|freundliche grüße|freundliche grüsse|viele grüße|beste grüße|mfg|gruß|grüße|danke|vielen dank"
    "|saludos|saludos cordiales|un saludo|atentamente|cordialmente|gracias|muchas gracias"
    "|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten|groeten|mvg"
    "|hartelijke groet|bedankt|alvast bedankt"
)
_SIGNATURE = re.compile(
    rf"^\s*(?:--\s*|__+\s*|(?:{_CLOSINGS})\s*[,!.]?\s*"
    r"|(?:sent from my|envoyé de mon|von meinem|enviado desde mi|verzonden (?:vanaf|met) mijn)\b.*)$",
    re.IGNORECASE | re.MULTILINE,
)


class _HtmlText(HTMLParser):
    """The text of an HTML mail: block elements break lines, quoted blocks are
    dropped (Gmail's and Outlook's quotes sit in <blockquote>), styles and scripts too."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "ul", "ol", "hr"}
    SKIPPED = {"style", "script", "head", "title", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def split_reply(text: str) -> _Text:
    """The customer's own words, and a forwarded chain below them if any."""
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    forwarded = ""
    forward = _FORWARD_HEADERS.search(text)
    if forward:
        text, forwarded = text[: forward.start()], text[forward.end() :]
    for pattern in (_QUOTE_HEADERS, _OUTLOOK_HEADER):
        match = pattern.search(text)
        if match:
            text = text[: match.start()]
    lines = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    text = "\n".join(lines)
    signature = _SIGNATURE.search(text)
    if signature and text[: signature.start()].strip():
        text = text[: signature.start()]
    own = text.strip()
    if forwarded:
        forwarded = "\n".join(line for line in forwarded.split("\n") if not line.lstrip().startswith(">"))
        forwarded = re.sub(
            r"^\s*(?:from|de|von|van|date|datum|fecha|sent|envoyé|gesendet|enviado|subject|objet"
            r"|betreff|asunto|onderwerp|to|à|an|para|aan|cc)\s*:.*$",
            "",
            forwarded,
            flags=re.IGNORECASE | re.MULTILINE,
        )
        signature = _SIGNATURE.search(forwarded)
        if signature and forwarded[: signature.start()].strip():
            forwarded = forwarded[: signature.start()]
    return _Text(own=own, forwarded=forwarded.strip())


def sentences(text: str) -> list[str]:
    """Sentences and lines, each on its own (a date like "15.12." keeps its dots)."""
    parts = re.split(r"\n+|(?<=[a-zà-ÿ)\]])[.!?;]+\s+(?=[A-ZÀ-Ý¿¡])|(?<=[!?])\s+", text)
    return [part.strip(" -•*\t") for part in parts if part and part.strip(" -•*\t")]


# -- language -----------------------------------------------------------------------

_STOPWORDS = {
    "en": "the we our will be on and you for is this of it invoice paid pay have your to i are",
    "fr": "le la les nous notre sera de et vous pour est ce facture payé paiement avons je au du des",
    "de": "der die das wir unsere wird am und sie für ist diese rechnung bezahlt zahlung haben ich den dem",
    "es": "el la los nosotros nuestra será de y usted para es esta factura pagado pago hemos le del las",
    "nl": "de het wij we onze zal op en u voor is deze factuur betaald betaling hebben ik van een",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿß]+", text.lower())
    scores = {lang: sum(word in stops for word in words) for lang, stops in _STOPSETS.items()}
    best = max(LANGUAGES, key=lambda lang: scores[lang])
    return best if scores[best] else "en"


# -- dates --------------------------------------------------------------------------

_MONTHS = {
    1: "january jan janvier janv janvier januar jänner enero ene januari",
    2: "february feb février fevrier févr fevr februar febrero februari",
    3: "march mar mars märz maerz marzo maart mrt",
    4: "april apr avril avr abril",
    5: "may mai mayo mei",
    6: "june jun juin juni junio",
    7: "july jul juillet juil juli julio",
    8: "august aug août aout agosto augustus",
    9: "september sep sept septembre septiembre setiembre",
    10: "october oct octobre oktober okt octubre",
    11: "november nov novembre noviembre",
    12: "december dec décembre decembre déc dezember dez diciembre dic",
}
MONTH_WORDS = {word: month for month, words in _MONTHS.items() for word in words.split()}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTH_WORDS), key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {
    0: "monday mon lundi montag lunes maandag",
    1: "tuesday tue mardi dienstag martes dinsdag",
    2: "wednesday wed mercredi mittwoch miércoles miercoles woensdag",
    3: "thursday thu jeudi donnerstag jueves donderdag",
    4: "friday fri vendredi freitag viernes vrijdag",
    5: "saturday sat samedi samstag sábado sabado zaterdag",
    6: "sunday sun dimanche sonntag domingo zondag",
}
WEEKDAY_WORDS = {word: day for day, words in _WEEKDAYS.items() for word in words.split()}
_WEEKDAY = "(?:" + "|".join(sorted(map(re.escape, WEEKDAY_WORDS), key=len, reverse=True)) + ")"
_ORDINAL = r"(?:st|nd|rd|th|er|ère|e|\.|º|°)?"

_DATE_PATTERNS = [
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("numeric", re.compile(r"(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d,]|[.-]\d)")),
    (
        "day_month",
        re.compile(
            rf"(?<![\d.,])(\d{{1,2}}){_ORDINAL}\s*(?:of\s+|de\s+)?({_MONTH})(?:\s*(?:de\s+)?(\d{{4}}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "month_day",
        re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE),
    ),
    (
        "end_of_month",
        re.compile(
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?month|month[- ]end"
            r"|fin\s+(?:du\s+|de\s+)(?:ce\s+)?(?:mois)(\s+prochain)?|ende\s+(?:des\s+|dieses\s+)?(nächsten\s+)?monats|monatsende"
            r"|(?:a\s+)?(?:final(?:es)?|fin)\s+de(?:l)?\s+(?:este\s+)?(próximo\s+)?mes"
            r"|eind(?:e)?\s+van\s+(?:de|deze)"
            r"\s+(volgende\s+)?maand|eind\s+(?:deze\s+)?maand)",
            re.IGNORECASE,
        ),
    ),
    (
        "end_of_week",
        re.compile(
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+week|fin\s+de\s+(?:la\s+)?semaine|ende\s+(?:der|dieser)"
            r"\s+woche|final(?:es)?\s+de\s+(?:esta\s+|la\s+)?semana|eind\s+van\s+(?:de|deze)\s+week)",
            re.IGNORECASE,
        ),
    ),
    (
        "next_week",
        re.compile(
            r"\b(?:next\s+week|la\s+semaine\s+prochaine|semaine\s+prochaine|nächste[n]?\s+woche"
            r"|la\s+(?:próxima|proxima)\s+semana|la\s+semana\s+que\s+viene|volgende\s+week)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "next_weekday",
        re.compile(
            rf"\b(?:next|this\s+coming|coming|le\s+|ce\s+)?\s*(?:(?:nächsten|kommenden|diesen|am)\s+)?"
            rf"(?:(?:el\s+)?(?:próximo|proximo)\s+)?(?:(?:volgende|aanstaande|komende|deze)\s+)?({_WEEKDAY})"
            rf"(?:\s+(prochain|que\s+viene))?\b(?!,?\s*\d{{1,2}}\.?\s+[^\W\d])",
            re.IGNORECASE,
        ),
    ),
    (
        "relative_day",
        re.compile(
            r"\b(day\s+after\s+tomorrow|après-demain|übermorgen|pasado\s+mañana|overmorgen|today|this\s+morning"
            r"|aujourd'hui|ce\s+matin|heute|hoy|esta\s+mañana|vandaag|vanmorgen|vanochtend|tomorrow|demain|morgen"
            r"|mañana|yesterday|hier|gestern|ayer|gisteren)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "in_days",
        re.compile(
            r"\b(?:in|within|dans|sous|innerhalb\s+von|binnen|over|en|dentro\s+de)\s+(\d{1,2})\s+"
            r"(?:days|jours|tagen|tage|días|dias|dagen)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "day_only",
        re.compile(
            r"\b(?:on\s+the|by\s+the|the|le|am|el\s+día|el\s+dia|el|op\s+de)\s+(\d{1,2})(?:st|nd|rd|th|er|e|\.)?"
            r"(?![\d/:]|[.,]\d|\s\d)",
            re.IGNORECASE,
        ),
    ),
]
_RELATIVE_DAYS = {
    **dict.fromkeys(
        (
            "today",
            "this morning",
            "aujourd'hui",
            "ce matin",
            "heute",
            "hoy",
            "esta mañana",
            "vandaag",
            "vanmorgen",
            "vanochtend",
        ),
        0,
    ),
    **dict.fromkeys(("tomorrow", "demain", "morgen", "mañana"), 1),
    **dict.fromkeys(("day after tomorrow", "après-demain", "übermorgen", "pasado mañana", "overmorgen"), 2),
    **dict.fromkeys(("yesterday", "hier", "gestern", "ayer", "gisteren"), -1),
}


def _safe_date(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(two_or_four: str | None, month: int, day: int, received: date, past: bool) -> int:
    if two_or_four:
        year = int(two_or_four)
        return year + 2000 if year < 100 else year
    # No year: the next such day for a promise, the last one for a payment.
    candidate = _safe_date(received.year, month, day)
    if candidate is None:
        return received.year
    if past and candidate > received:
        return received.year - 1
    if not past and (received - candidate).days > 60:
        return received.year + 1
    return received.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def find_dates(text: str, received: date, language: str = "en", past: bool = False) -> list[tuple[int, date]]:
    """(position, date) of every date `text` names, relative to `received`: the next
    one for a promise, the last one for a payment (`past`)."""
    found = {}
    taken = []

    def add(match, day):
        span = match.span()
        if day is None or any(start < span[1] and span[0] < end for start, end in taken):
            return
        taken.append(span)
        found[span[0]] = day

    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            add(match, _read_date(kind, match, received, language, past))
    return sorted(found.items())


def _read_date(kind, match, received, language, past):
    groups = match.groups()
    if kind == "iso":
        return _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
    if kind == "numeric":
        first, separator, second, year = int(groups[0]), groups[1], int(groups[2]), groups[3]
        # A dotted date without a year ends with a dot ("15.12."): "15.12" alone is
        # more often an amount.
        if separator == "." and not year and match.string[match.end() : match.end() + 1] != ".":
            return None
        if separator == "-" and not year:  # "12-15" is a range, a reference, anything
            return None
        day, month = first, second
        # "12/15" is American; "15/12" and dotted dates are day first; English
        # reads month first when both could be months.
        if separator == "/" and (second > 12 or (language == "en" and first <= 12)):
            day, month = second, first
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _safe_date(_year(year, month, day, received, past), month, day)
    if kind == "day_month":
        day, month = int(groups[0]), MONTH_WORDS.get(groups[1].lower().rstrip("."))
        return month and _safe_date(_year(groups[2], month, day, received, past), month, day)
    if kind == "month_day":
        month, day = MONTH_WORDS.get(groups[0].lower().rstrip(".")), int(groups[1])
        return month and _safe_date(_year(groups[2], month, day, received, past), month, day)
    if kind == "end_of_month":
        following = any(groups)
        year, month = received.year, received.month + (1 if following else 0)
        if month > 12:
            year, month = year + 1, 1
        return _month_end(year, month)
    if kind == "end_of_week":
        return received + timedelta(days=(4 - received.weekday()) % 7)
    if kind == "next_week":
        return received + timedelta(days=7 - received.weekday() + 4)  # Friday of next week
    if kind == "next_weekday":
        word = groups[0].lower()
        if len(word) <= 3 and not re.match(
            rf"(?i)\b(?:next|on|by|this|coming)\s+{word}\b", match.group(0).strip()
        ):
            return None  # "Mon" or "sun" alone is too often something else
        weekday = WEEKDAY_WORDS[word]
        if past:
            return received - timedelta(days=(received.weekday() - weekday) % 7 or 7)
        return received + timedelta(days=(weekday - received.weekday()) % 7 or 7)
    if kind == "relative_day":
        return received + timedelta(days=_RELATIVE_DAYS[re.sub(r"\s+", " ", groups[0].lower())])
    if kind == "in_days":
        return received + timedelta(days=int(groups[0]))
    if kind == "day_only":
        day = int(groups[0])
        if not 1 <= day <= 31:
            return None
        year, month = received.year, received.month
        if past and day > received.day:
            month -= 1
        elif not past and day < received.day:
            month += 1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
        return _safe_date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return None


# -- amounts ------------------------------------------------------------------------

_CURRENCY = r"(?:€|\$|£|eur(?:os?)?\b|usd\b|gbp\b|chf\b|dollars?\b|euro\b)"
_NUMBER = r"\d{1,3}(?:[.,  ']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?:(?P<cur1>{_CURRENCY})\s?(?P<num1>{_NUMBER})(?![\d])|(?<![\d.,])(?P<num2>{_NUMBER})\s?(?P<cur2>{_CURRENCY}))",
    re.IGNORECASE,
)


def parse_number(text: str) -> float:
    """A number written with local separators: "1.234,56", "1,234.56", "1 234,56", "1234.5"."""
    digits = re.sub(r"[  ']", "", text)
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 in (1, 2):
        whole, decimals = digits[:last], digits[last + 1 :]
    else:
        whole, decimals = digits, ""
    whole = re.sub(r"[.,]", "", whole)
    return float(f"{whole}.{decimals or 0}")


def find_amounts(text: str) -> list[tuple[int, float]]:
    """(position, amount) of every amount with a currency sign or code in `text`."""
    return [
        (match.start(), parse_number(match.group("num1") or match.group("num2")))
        for match in _AMOUNT.finditer(text)
    ]


# -- invoices -----------------------------------------------------------------------

_INVOICE_WORDS = (
    r"(?:invoices?|inv|facture|factures|fact|rechnung|rechnungen|rechnungsnummer|re\.?|factura|facturas"
    r"|factuur|facturen|factuurnummer)"
)
_SHORT_REFERENCE = re.compile(
    rf"\b{_INVOICE_WORDS}\s*(?:n[°ºo]\.?|nr\.?|no\.?|num(?:ber|éro|ero)?\.?|#|:)?\s*(\d{{2,8}})\b"
    rf"((?:\s*(?:,|and|et|und|y|en|&)\s*(?:#\s*)?\d{{2,8}}\b)*)",
    re.IGNORECASE,
)


def _name_pattern(name: str):
    chunks = re.findall(r"[A-Za-z]+|\d+", name)
    body = r"[\s/\-_.]?".join(re.escape(chunk) for chunk in chunks)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?!\d)", re.IGNORECASE)


def find_invoices(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """The known invoice numbers `text` names: whole ("INV/2026/00042", "inv 2026-42" is
    not one), or by their last number after an invoice word ("invoice 42", "facture
    n° 00042") when that number ends one known invoice only."""
    known = list(dict.fromkeys(known))
    named = {name: match.start() for name in known for match in [_name_pattern(name).search(text)] if match}
    by_number = {}
    for name in known:
        tail = re.search(r"(\d+)\D*$", name)
        if tail:
            by_number.setdefault(int(tail.group(1)), []).append(name)
    for match in _SHORT_REFERENCE.finditer(text):
        numbers = [match.group(1), *re.findall(r"\d{2,8}", match.group(2) or "")]
        for number in numbers:
            names = by_number.get(int(number), [])
            if len(names) == 1 and names[0] not in named:
                named[names[0]] = match.start()
    return tuple(sorted(named, key=named.get))


# -- what the reply says ------------------------------------------------------------

_PAID = [
    r"\b(?:we|i)(?:'ve|\s+have)?\s+(?:already\s+|just\s+|now\s+)?(?:paid|settled|transferred|wired|remitted"
    r"|sent\s+(?:the\s+|a\s+|you\s+the\s+)?(?:payment|transfer|money|funds))\b",
    r"\b(?:payment|transfer|wire|remittance)\s+(?:was|has\s+been|went)\s+(?:made|sent|executed|initiated|processed"
    r"|released|out)\b",
    r"\b(?:was|were|has\s+been|have\s+been)\s+(?:already\s+)?(?:paid|settled|transferred)\b",
    r"\bpaid\s+(?:it\s+|them\s+|this\s+|in\s+full\s+)?(?:yesterday|today|this\s+morning|last|on\b)",
    r"\bremittance\s+advice\b|\bproof\s+of\s+payment\b|\bpayment\s+confirmation\b",
    r"\b(?:nous\s+avons|j'ai|on\s+a|avons)\s+(?:déjà\s+|bien\s+)?(?:payé|réglé|viré|effectué\s+(?:le|un)\s+"
    r"(?:paiement|virement|règlement)|procédé\s+au\s+(?:paiement|virement|règlement))",
    r"\b(?:a|ont)\s+(?:déjà\s+|bien\s+)?été\s+(?:payée?s?|réglée?s?|virée?s?|effectuée?s?)",
    r"\bvirement\s+(?:a\s+été\s+)?effectué|\bavis\s+de\s+(?:paiement|virement)|\bpreuve\s+de\s+paiement",
    r"\b(?:wir\s+haben|ich\s+habe|haben\s+wir|habe\s+ich)\b.{0,100}?\b(?:bezahlt|überwiesen|beglichen|gezahlt"
    r"|angewiesen)\b",
    r"\b(?:wurden?|ist|sind)\b.{0,100}?\b(?:bezahlt|überwiesen|beglichen)\s+worden\b",
    r"\b(?:wurden?)\b.{0,100}?\b(?:bezahlt|überwiesen|beglichen|angewiesen)\b",
    r"\b(?:zahlung|überweisung)\s+(?:ist|wurde)\s+(?:bereits\s+|heute\s+|gestern\s+)?(?:erfolgt|ausgeführt"
    r"|veranlasst|raus)",
    r"\bzahlungsavis\b|\bzahlungsnachweis\b|\büberweisungsbeleg\b",
    r"\b(?:hemos|he|ya\s+hemos|ya\s+he)\s+(?:ya\s+)?(?:pagado|abonado|transferido|realizado\s+(?:el\s+pago|la\s+"
    r"transferencia)|efectuado\s+(?:el\s+pago|la\s+transferencia))",
    r"\b(?:fue|ha\s+sido|han\s+sido|fueron)\s+(?:ya\s+)?(?:pagad|abonad|transferid|liquidad)",
    r"\b(?:pagamos|transferimos|abonamos)\s+(?:ayer|hoy|esta\s+mañana|el\s+(?:lunes|martes|miércoles|jueves"
    r"|viernes|día))",
    r"\bcomprobante\s+de\s+(?:pago|transferencia)|\baviso\s+de\s+pago|\bjustificante\s+de\s+pago",
    r"\b(?:wij\s+hebben|we\s+hebben|ik\s+heb|hebben\s+wij|hebben\s+we|heb\s+ik)\b.{0,100}?\b(?:betaald|overgemaakt"
    r"|voldaan|overgeschreven)\b",
    r"\b(?:is|zijn|werd|werden)\b.{0,60}?\b(?:betaald|overgemaakt|voldaan)\b",
    r"\bbetalingsbewijs\b|\bbetaaladvies\b|\bbewijs\s+van\s+betaling\b",
]
_PROMISE = [
    r"\b(?:we|i)(?:'ll|\s+will|\s+shall|\s+are\s+going\s+to|\s+am\s+going\s+to|\s+plan\s+to|\s+intend\s+to"
    r"|\s+can|\s+expect\s+to|\s+hope\s+to|\s+aim\s+to)\s+(?:\w+\s+){0,3}?(?:pay|settle|transfer|clear|wire"
    r"|remit|make\s+(?:the\s+|a\s+|full\s+)?payment|release\s+(?:the\s+)?payment|process\s+(?:the\s+)?payment)\b",
    r"\b(?:payment|transfer|it|they|this|the\s+invoices?|the\s+balance|the\s+amount|the\s+rest|the\s+remainder)"
    r"\s+(?:will|is\s+going\s+to|shall)\s+(?:be\s+)?(?:made|paid|settled|sent|go\s+out|processed|released"
    r"|transferred)",
    r"\bwill\s+(?:\w+\s+){0,2}?(?:pay|settle|transfer|wire|remit)\b",
    r"\bscheduled\s+(?:for\s+)?(?:the\s+)?payment|\bpayment\s+(?:is\s+)?scheduled|\bpayment\s+run\b",
    r"\b(?:paierons|payerons|réglerons|virerons|solderons|paierai|payerai|réglerai|virerai)\b",
    r"\b(?:nous|je)\s+(?:vous\s+)?(?:paierons|payerons|réglerons|virerons|procéderons|effectuerons|allons\s+"
    r"(?:\w+\s+)?(?:payer|régler|virer|effectuer|procéder)|pourrons\s+(?:payer|régler)|comptons\s+(?:payer|régler)"
    r"|prévoyons\s+de\s+(?:payer|régler))",
    r"\b(?:sera|seront)\s+(?:\w+\s+){0,2}?(?:payée?s?|réglée?s?|virée?s?|effectuée?s?|soldée?s?)",
    r"\b(?:le|un|votre)\s+(?:paiement|virement|règlement)\s+(?:sera|interviendra|partira|est\s+prévu|aura\s+lieu)",
    r"\b(?:wir|ich)\s+(?:werden|werde)\b.{0,100}?\b(?:zahlen|bezahlen|überweisen|begleichen|anweisen)\b",
    r"\b(?:wird|werden)\b.{0,100}?\b(?:bezahlt|überwiesen|beglichen|angewiesen)\s*(?:werden)?\b",
    r"\b(?:zahlung|überweisung)\s+(?:erfolgt|folgt|geht|kommt|ist\s+für)\b",
    r"\b(?:zahlung|überweisung)\b.{0,60}?\b(?:erfolgt|folgt)\s+(?:am|bis|zum|nächste|in|ende|morgen|übermorgen)",
    r"\bwerden\b.{0,80}?\b(?:zahlen|bezahlen|überweisen|begleichen)\b",
    r"\b(?:überweisen|zahlen|bezahlen|begleichen)\s+(?:wir|ich)\b",
    r"\b(?:wir|ich)\s+(?:überweisen|zahlen|bezahlen|begleichen)\b",
    r"\b(?:pagaremos|abonaremos|transferiremos|liquidaremos|realizaremos|efectuaremos|haremos\s+el\s+pago"
    r"|vamos\s+a\s+(?:\w+\s+)?(?:pagar|abonar|transferir|realizar|liquidar)|podremos\s+pagar)",
    r"\bse\s+(?:pagará|pagarán|abonará|abonarán|transferirá|realizará|efectuará|liquidará)",
    r"\bel\s+pago\s+se\s+(?:hará|realizará|efectuará)|\b(?:será|serán)\s+(?:pagad|abonad|transferid|liquidad)",
    r"\b(?:wij|we|ik)\s+(?:zullen|zal|gaan|ga)\b.{0,100}?\b(?:betalen|overmaken|voldoen|overschrijven|betaald)\b",
    r"\b(?:wordt|worden)\b.{0,100}?\b(?:betaald|overgemaakt|voldaan|overgeschreven)\b",
    r"\b(?:betaling|overschrijving)\s+(?:volgt|gebeurt|vindt|staat\s+gepland)",
    r"\bzullen\b.{0,80}?\b(?:betalen|overmaken|voldoen)\b",
    r"\b(?:betalen|maken)\s+(?:wij|we|ik)\b.{0,100}?\b(?:over|op|voor)\b",
]
_DISPUTE = [
    # A refusal to pay is a dispute, whatever reason follows.
    r"\b(?:not|never)\s+(?:be\s+)?(?:going\s+to\s+)?(?:pay|paying|settle|settling)\b"
    r"|\bwon't\s+(?:be\s+)?(?:pay|paying|settle|settling)\b|\brefuse\s+to\s+pay\b",
    r"\bne\s+(?:l'|la\s+|le\s+|les\s+|vous\s+l[ae']?\s*)?(?:paierons|payerons|réglerons|paierai|payerai"
    r"|réglerai|paie|payons|réglons|verserons)\s+pas\b|\brefusons\s+de\s+payer\b",
    r"\b(?:zahlen|bezahlen|begleichen|überweisen)\s+(?:wir|ich)\s+(?:\w+\s+){0,2}?nicht\b"
    r"|\bnicht\s+(?:zahlen|bezahlen|begleichen)\b",
    r"\bno\s+(?:vamos\s+a\s+)?(?:pagar|pagaremos|abonaremos|abonar)\b|\bnos\s+negamos\s+a\s+pagar\b",
    r"\b(?:betalen|voldoen)\s+(?:wij|we|ik)\s+(?:\w+\s+){0,2}?niet\b|\bniet\s+(?:betalen|voldoen)\b",
    r"\bdamaged\b|\bbroken\b|\bdefective\b|\bfaulty\b|\bnot\s+working\b",
    r"\bwrong\s+(?:quantity|quantities|price|prices|amount|item|items|goods|invoice|rate|address|order)",
    r"\b(?:is|are|was|were)\s+(?:wrong|not\s+correct)\b|\bplease\s+reissue\b",
    r"\bincorrect\b|\bovercharged\b|\bcharged\s+twice\b|\bduplicate\s+invoice\b|\binvoiced\s+twice\b",
    r"\b(?:not|never)\s+(?:been\s+)?(?:received|delivered|arrived|ordered)\b|\bdid(?:n't|\s+not)\s+(?:order"
    r"|receive|agree)",
    r"\bdispute\b|\bdisputing\b|\bcontest(?:ing)?\b|\bcomplaint\b|\bmissing\s+(?:items|goods|parts)\b",
    r"\bnot\s+as\s+(?:ordered|agreed|quoted)\b|\bcredit\s+note\b|\breturned\s+(?:the\s+)?(?:goods|items)",
    r"\b(?:does|do|did)\s*(?:n't|\s+not)\s+(?:match|correspond|agree)\b|\bnot\s+(?:match|matching)\b"
    r"|\bne\s+correspond(?:ent)?\s+pas\b|\bstimm(?:t|en)\s+nicht\b|\bnicht\s+überein\b"
    r"|\bno\s+(?:coincide|coinciden|corresponde|corresponden)\b|\bklop(?:t|pen)\s+niet\b"
    r"|\bkom(?:t|en)\s+niet\s+overeen\b",
    r"\bwrong\b|\bmauvaise?s?\b|\bsent\s+(?:it|them|the\s+\w+)\s+back\b|\brenvoy[ée]e?s?\b",
    r"\b(?:returned|sent\s+back)\s+to\s+you\b|\bretourn[ée]e?s?\b|\bzurück(?:geschickt|gesandt|gegeben)"
    r"|\bdevol(?:vi|vió|vimos|vieron|ución|uciones)|\bdevuelt[oa]s?\b|\bteruggestuurd|\bretour\s*gezonden",
    r"\bendommagé|\babîmé|\bdéfectueu|\bcassée?s?\b|\berron[ée]|\bincorrecte?s?\b",
    r"\b(?:pas|jamais|non)\s+(?:encore\s+)?(?:été\s+)?(?:reçue?s?|livrée?s?|commandée?s?)\b",
    r"\bcontest(?:ons|er|ée?s?)\b|\blitige\b|\bréclamation\b|\bun\s+avoir\b|\bfacturée?s?\s+deux\s+fois"
    r"|\ben\s+double\b|\bmanquant",
    r"\bbeschädigt|\bdefekt|\bkaputt|\bfalsch(?:e|en|er)?\b|\bfehlerhaft|\bnicht\s+(?:erhalten|geliefert|bestellt"
    r"|korrekt|vollständig)|\bnie\s+erhalten",
    r"\breklamation|\breklamier|\bbeanstand|\bwidersprech|\bwiderspruch|\beinspruch|\bgutschrift"
    r"|\bdoppelt\s+berechnet|\bfehl(?:t|en)\b",
    r"\bdañad|\bdefectuos|\broto[sa]?\b|\bincorrect[oa]s?\b|\berróne|\bequivocad",
    r"\bno\s+(?:hemos\s+)?(?:recibido|pedido|solicitado)|\bnunca\s+(?:llegó|recibimos|pedimos)",
    r"\breclamación|\breclamamos|\bdisputa|\bimpugn|\bnota\s+de\s+crédito|\bcobrad[oa]s?\s+dos\s+veces"
    r"|\bduplicad|\bfaltan\b|\bfalta\s+(?:un|una|el|la|parte|mercancía)\b",
    r"\bbeschadigd|\bdefect\b|\bkapot|\bverkeerd|\bonjuist|\bfoutie?f",
    r"\bniet\s+(?:ontvangen|geleverd|besteld|correct)|\bnooit\s+ontvangen",
    r"\bbetwist|\bklacht|\breclamatie|\bcreditnota|\bdubbel\s+gefactureerd|\bontbre(?:ekt|ken)",
]
_OUT_OF_OFFICE = [
    r"\bout\s+of\s+(?:the\s+)?office\b|\bon\s+(?:annual\s+|parental\s+|sick\s+)?leave\b|\bon\s+holidays?\b"
    r"|\bon\s+vacation\b|\baway\s+(?:from\s+the\s+office\s+)?(?:until|till)\b|\bautomatic\s+reply\b"
    r"|\bauto-?reply\b|\blimited\s+access\s+to\s+(?:my\s+)?e-?mail",
    r"\bje\s+suis\s+(?:actuellement\s+)?absente?\b|\ben\s+congés?\b|\ben\s+vacances\b|\bréponse\s+automatique"
    r"|\bhors\s+du\s+bureau\b|\babsente?\s+(?:du|jusqu)",
    r"\babwesend\b|\bnicht\s+im\s+büro\b|\bim\s+urlaub\b|\babwesenheitsnotiz\b|\bautomatische\s+antwort\b"
    r"|\bnicht\s+erreichbar\b",
    r"\bfuera\s+de\s+la\s+oficina\b|\bde\s+vacaciones\b|\bausente\b|\brespuesta\s+automática\b",
    r"\bafwezig\b|\bniet\s+op\s+kantoor\b|\bmet\s+vakantie\b|\bautomatisch\s+antwoord\b|\bafwezigheidsbericht\b",
]
_RETURN = re.compile(
    r"\b(?:back|return(?:ing)?|returns|de\s+retour|retour|wieder|zurück|ab\s+dem|ab|vuelvo|regreso|de\s+vuelta"
    r"|estaré\s+de\s+vuelta|terug|vanaf)\b",
    re.IGNORECASE,
)
_UNTIL = re.compile(
    r"\b(?:until|till|through|jusqu'au|jusqu'à|bis|hasta|tot\s+en\s+met|tot)\b", re.IGNORECASE
)
_OOO_SUBJECT = re.compile(
    r"^\s*(?:automatic\s+reply|auto(?:matic)?-?reply|out\s+of\s+(?:the\s+)?office|réponse\s+automatique|absence|absent"
    r"|automatische\s+antwort|abwesenheit|respuesta\s+automática|fuera\s+de\s+la\s+oficina|automatisch\s+antwoord"
    r"|afwezig)",
    re.IGNORECASE,
)

# Words about paying, in every tense: with a date they make a promise (the date to
# come) or a payment claim (the date gone), when no pattern above said which.
_PAYMENT_WORDS = re.compile(
    r"\b(?:pa(?:y|id|ying|yment|yments)|settle[ds]?|settlement|transfer(?:red)?|wire[ds]?|remit(?:ted|tance)?"
    r"|batch|payment\s+run|cheques?|check\s+run|funds|money"
    r"|pa(?:ie|yé|yée|yées|yés|iement|yer|yerons|ierons|ierai)|r[èé]gl(?:e|é|ée|ement|er|erons)|vir(?:ement|é|ée|er)"
    r"|versement|échéance|fonds|chèques?|argent"
    r"|zahl\w*|bezahl\w*|überw\w*|beglich\w*|begleich\w*|zahllauf|gezahlt|mittel|geld|schecks?"
    r"|pag(?:o|os|ar|ado|ada|ará|aremos|amos|ue)|abon\w*|transferencia|liquid\w*|remesa|fondos|dinero|cheques?"
    r"|betaal\w*|betaling\w*|betalen|betaald|overgemaakt|overmak\w*|overschrijving\w*|voldaan|voldoen|geld"
    r"|cheques?)\b",
    re.IGNORECASE,
)
# Past tense around a payment ("went out", "a été", "wurde", "salió", "is vertrokken"),
# unless a future tense says otherwise ("will", "sera", "wird", "se pagará", "zal").
_PAST_TENSE = re.compile(
    r"\b(?:went\s+out|was|were|has\s+been|have\s+been|had|did|sent|left|cleared|processed"
    r"|a\s+été|ont\s+été|est\s+parti|sont\s+partis|avons|ai|était|parti|envoyé|posté"
    r"|(?:a|ont)\s+(?:\w+\s+)?\w+(?:é|ée|és|ées)"
    r"|wurde|wurden|\w*gegangen|verschickt|veranlasst|angewiesen|ausgeführt|haben|habe|hat|hatte|hatten|war"
    r"|salió|fue|fueron|hemos|he|se\s+liquidó|se\s+pagó|se\s+abonó|enviamos|enviado|\w+(?:ó|aron|ieron)"
    r"|vertrokken|verstuurd|uitgevoerd|werd|hebben|heb|was)\b",
    re.IGNORECASE,
)
_FUTURE_TENSE = re.compile(
    r"\b(?:will|'ll|shall|going\s+to|sera|seront|serons|allons|vais|wird|werden|werde|vamos\s+a|voy\s+a"
    r"|\w+(?:rá|rán|remos)|zal|zullen|gaan|ga)\b|'ll\b",
    re.IGNORECASE,
)

_PATTERNS = {
    kind: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for kind, patterns in (
        ("payment_sent", _PAID),
        ("promise", _PROMISE),
        ("dispute", _DISPUTE),
        ("out_of_office", _OUT_OF_OFFICE),
    )
}


def is_auto_reply(headers: Mapping[str, str], subject: str = "") -> bool:
    """An automatic answer, by its headers (RFC 3834 Auto-Submitted, X-Autoreply, ...) or
    its subject."""
    lowered = {name.lower(): str(value).strip().lower() for name, value in (headers or {}).items()}
    if lowered.get("auto-submitted", "no") not in ("", "no"):
        return True
    if any(name in lowered for name in ("x-autoreply", "x-autorespond", "x-autoresponder")):
        return True
    if (
        lowered.get("precedence") in ("auto_reply", "auto-reply")
        or lowered.get("x-auto-response-suppress") == "all"
    ):
        return True
    return bool(_OOO_SUBJECT.match(subject or ""))


def _fold(text: str) -> str:
    """Apostrophes and spaces as the patterns write them."""
    return unicodedata.normalize("NFC", text).replace("\u2019", "'")


def _matching(kind: str, parts: list[str]) -> list[str]:
    return [part for part in parts if any(pattern.search(part) for pattern in _PATTERNS[kind])]


def read_reply(
    text: str,
    received: date,
    *,
    subject: str = "",
    headers: Mapping[str, str] | None = None,
    html: bool = False,
    known_invoices: Iterable[str] = (),
) -> ReplyReading:
    """What a reply says, read by the rules.

    `text` is the body (HTML when `html`), `received` the message's date, `headers`
    its MIME headers, `known_invoices` the invoice numbers it may name. Priority:
    an automatic answer, then a dispute, then a promise, then a payment sent; a
    message that names none of them is `other`."""
    body = _fold(html_to_text(text) if html else text)
    split = split_reply(body)
    parts = sentences(split.own)
    language = detect_language(split.own or split.forwarded)
    known = list(known_invoices)
    auto = is_auto_reply(headers or {}, subject)
    reading = _read_parts(parts, split.own, received, language, known, auto)
    if reading.kind == "other" and split.forwarded:
        forwarded = _read_parts(sentences(split.forwarded), split.forwarded, received, language, known, auto)
        if forwarded.kind != "other":
            return forwarded
    return reading


def _focus(kind: str, part: str) -> str:
    """The part of a sentence from where it says `kind` on: "we paid 500 last week and
    will pay the remaining 1,000 on the 20th" promises 1,000 on the 20th."""
    starts = [match.start() for pattern in _PATTERNS[kind] for match in [pattern.search(part)] if match]
    return part[min(starts) :] if starts else part


def _first(found, *texts):
    """The first value `found` finds in the first of `texts` that has one."""
    for text in texts:
        values = found(text)
        if values:
            return values[0]
    return None


def _read_parts(parts, own, received, language, known, auto):
    invoices = find_invoices(own, known)
    ooo = _matching("out_of_office", parts)
    disputes, promises, payments = (_matching(kind, parts) for kind in ("dispute", "promise", "payment_sent"))
    if auto or (ooo and not (disputes or promises or payments)):
        return ReplyReading(
            "out_of_office",
            language,
            return_date=_return_date(own, received, language),
            evidence=(ooo or parts or [""])[0],
        )
    if disputes:
        reason = disputes[0]
        return ReplyReading(
            "dispute", language, dispute_reason=reason[:300], invoices=invoices, evidence=reason
        )
    if not promises and not payments:
        promises, payments = _dated_payment_talk(parts, received, language)
    if promises:
        focus = " ".join(_focus("promise", part) for part in promises)
        whole = " ".join(promises)

        def future(text):
            return [day for _at, day in find_dates(text, received, language) if day >= received]

        return ReplyReading(
            "promise",
            language,
            promise_date=_first(future, focus, whole, own),
            promise_amount=_first(_amounts, focus, whole),
            invoices=invoices,
            evidence=promises[0],
        )
    if payments:
        whole = " ".join(payments)

        def past(text):
            return [day for _at, day in find_dates(text, received, language, past=True) if day <= received]

        return ReplyReading(
            "payment_sent",
            language,
            payment_date=_first(past, whole),
            payment_amount=_first(_amounts, whole, own),
            invoices=invoices,
            evidence=payments[0],
        )
    return ReplyReading("other", language, invoices=invoices, evidence=(parts or [""])[0])


def _amounts(text):
    return [amount for _at, amount in find_amounts(text)]


def _dated_payment_talk(parts, received, language):
    """Sentences about paying (or naming an amount) with a date: promises when the
    date is to come and nothing says it is done, payment claims when it is."""
    promises, payments = [], []
    for part in parts:
        if not (_PAYMENT_WORDS.search(part) or find_amounts(part)):
            continue
        past_tense = bool(_PAST_TENSE.search(part)) and not _FUTURE_TENSE.search(part)
        if past_tense and find_dates(part, received, language, past=True):
            payments.append(part)
        elif not past_tense and any(day >= received for _at, day in find_dates(part, received, language)):
            promises.append(part)
    return promises, payments


def _return_date(text: str, received: date, language: str) -> date | None:
    """The day an absent reader is back: the date after "back on", or the day after
    the date after "until"."""
    dates = [(at, day) for at, day in find_dates(text, received, language) if day >= received]
    for at, day in dates:
        before = text[max(0, at - 40) : at]
        if _RETURN.search(before):
            return day
    for at, day in dates:
        before = text[max(0, at - 40) : at]
        if _UNTIL.search(before):
            return day + timedelta(days=1)
    return dates[-1][1] if dates else None


# -- a second reader: an LLM, checked ----------------------------------------------

REPLY_PROMPT_VERSION = "reply-v1"
REPLY_SYSTEM_PROMPT = (
    "You read a customer's answer to a payment reminder and say what it is. Answer with one JSON "
    "object and nothing else, with exactly these keys: kind (one of promise, dispute, payment_sent, "
    "out_of_office, other), promise_date, payment_date, return_date (YYYY-MM-DD or null, read relative "
    "to the date the message was received), promise_amount, payment_amount (numbers or null), "
    "dispute_reason (a short sentence or null) and invoices (the numbers, from the list given, that "
    "the message names). Never write an invoice number or an amount the message does not contain."
)
_ANSWER_KEYS = {
    "kind",
    "promise_date",
    "payment_date",
    "return_date",
    "promise_amount",
    "payment_amount",
    "dispute_reason",
    "invoices",
}


def reply_text(text: str, html: bool = False) -> str:
    """What the customer wrote, and the chain they forwarded: what a reader is shown."""
    split = split_reply(_fold(html_to_text(text) if html else text))
    return "\n\n".join(part for part in (split.own, split.forwarded) if part)


def build_reply_prompt(text: str, received: date, known_invoices: Iterable[str]) -> str:
    return json.dumps(
        {"received": received.isoformat(), "open_invoices": list(known_invoices), "message": text},
        ensure_ascii=False,
        sort_keys=True,
    )


def _numbers_in(text: str) -> list[float]:
    return [parse_number(number) for number in re.findall(_NUMBER, text)]


def parse_reply_answer(
    answer_text: str, text: str, received: date, known_invoices: Iterable[str]
) -> tuple[ReplyReading | None, str]:
    """An LLM's reading of `text`, checked: (reading, "") or (None, why it is refused).

    Refused: not JSON, unknown or missing keys, an unknown kind, a date that is not
    one, and any invoice number or amount the message does not contain."""
    answer, reason = load_json_object(answer_text)
    if answer is None:
        return None, reason
    if set(answer) != _ANSWER_KEYS:
        return None, f"schema: keys {sorted(set(answer) ^ _ANSWER_KEYS)}"
    if answer["kind"] not in KINDS:
        return None, f"schema: unknown kind {answer['kind']!r}"
    dates = {}
    for key in ("promise_date", "payment_date", "return_date"):
        try:
            dates[key] = date.fromisoformat(answer[key]) if answer[key] else None
        except (TypeError, ValueError):
            return None, f"schema: {key} is not a date"
    amounts = {}
    numbers = _numbers_in(text)
    for key in ("promise_amount", "payment_amount"):
        value = answer[key]
        if value is None:
            amounts[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return None, f"schema: {key} is not a positive number"
        if not any(abs(value - number) < 0.005 for number in numbers):
            return None, f"invented amount {value}"
        amounts[key] = float(value)
    invoices = answer["invoices"]
    if not isinstance(invoices, list) or not all(isinstance(name, str) for name in invoices):
        return None, "schema: invoices is not a list of numbers"
    named = set(find_invoices(text, known_invoices))
    invented = [name for name in invoices if name not in named]
    if invented:
        return None, f"invented invoice {invented[0]}"
    reason_text = answer["dispute_reason"]
    if reason_text is not None and not isinstance(reason_text, str):
        return None, "schema: dispute_reason is not text"
    return (
        ReplyReading(
            answer["kind"],
            detect_language(text),
            invoices=tuple(invoices),
            dispute_reason=(reason_text or None) and reason_text[:300],
            source="llm",
            **dates,
            **amounts,
        ),
        "",
    )


def read_reply_with_llm(
    text: str,
    received: date,
    provider=None,
    *,
    subject: str = "",
    headers: Mapping[str, str] | None = None,
    html: bool = False,
    known_invoices: Iterable[str] = (),
) -> tuple[ReplyReading, CallTrace | None]:
    """The rules' reading, replaced by the provider's when it passes the checks
    (`parse_reply_answer`); with the call's trace for the audit. An automatic answer
    is the rules' alone: its headers say what it is."""
    known = list(known_invoices)
    rules = read_reply(text, received, subject=subject, headers=headers, html=html, known_invoices=known)
    if provider is None or is_auto_reply(headers or {}, subject):
        return rules, None
    shown = reply_text(text, html)
    clock = CallClock(REPLY_PROMPT_VERSION, hashlib.sha256(shown.encode()).hexdigest())
    try:
        answer = provider.complete(REPLY_SYSTEM_PROMPT, build_reply_prompt(shown, received, known))
    except ProviderError as error:
        return rules, clock.trace("error", f"provider: {error.reason}")
    reading, reason = parse_reply_answer(answer.text, shown, received, known)
    if reading is None:
        return rules, clock.trace("fallback", reason, answer)
    return replace(reading, evidence=rules.evidence), clock.trace("ok", reply=answer)
