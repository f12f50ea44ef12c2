"""Which open invoices an unapplied customer payment pays: ranked suggestions, each with
its confidence, its reason in words and what it leaves over.

A pure function over plain records (no Odoo), in integer minor units (cents), so that
"the amounts match to the cent" is exact. Evidence comes in this order:

1. invoice numbers and payment references found in the memo, exactly or with one typo
   (a digit dropped, doubled, changed or two swapped);
2. sets of open invoices whose residuals sum to the amount, their early-payment
   discounts taken or not: single invoices and pairs by hash lookup, runs of invoices
   in due-date order by two pointers, then a depth-first search over the oldest
   invoices that stops after `max_subsets` sets examined, so 1,000 open invoices
   answer as fast as 10;
3. oldest first, when nothing else decides.

A difference left by the best set is explained in this order: the early-payment
discount of its invoices, the bank fee tolerance, a disputed invoice left out,
rounding, else unexplained.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

MAX_SUBSETS = 3000  # sets the depth-first search may examine for one payment
SEARCH_WINDOW = 24  # the oldest invoices the depth-first search combines
ROUNDING_UNITS = 100  # a difference under one currency unit (in minor units) is rounding
LIMIT = 3

# Difference reasons, in the order they are tried.
DISCOUNT, FEE, DISPUTE, ROUNDING, OVERPAID, UNEXPLAINED = (
    "discount",
    "fee",
    "dispute",
    "rounding",
    "overpaid",
    "unexplained",
)


@dataclass(frozen=True)
class OpenInvoice:
    """An open invoice of the payer, in the payment's currency and minor units."""

    key: int
    number: str  # e.g. INV/2026/00042
    residual: int  # what is open, in minor units (cents)
    due_date: date
    reference: str = ""  # the payment reference the customer was asked to quote
    discounted: int | None = None  # what settles it with the early-payment discount, when still granted
    disputed: bool = False


@dataclass(frozen=True)
class Suggestion:
    keys: tuple[int, ...]  # the invoices it pays, oldest first
    confidence: float  # 0-1
    reason: str
    difference: int  # invoices' residuals less the payment: > 0 short, < 0 over
    difference_reason: str = ""  # one of the constants above, "" when it matches
    difference_note: str = ""


def normalize(text: str) -> str:
    """Upper case letters and digits only: "inv / 2026-00042" -> "INV202600042"."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def _one_typo_away(token: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap of neighbours away."""
    digits = "0123456789"
    variants = set()
    for i in range(len(token) + 1):
        for d in digits:
            variants.add(token[:i] + d + token[i:])
        if i < len(token):
            variants.add(token[:i] + token[i + 1 :])
            for d in digits:
                variants.add(token[:i] + d + token[i + 1 :])
        if i < len(token) - 1:
            variants.add(token[:i] + token[i + 1] + token[i] + token[i + 2 :])
    variants.discard(token)
    return variants


def _sequence(number: str) -> str:
    """The invoice's own number within its sequence: the last run of digits, unpadded."""
    runs = re.findall(r"\d+", number or "")
    return runs[-1].lstrip("0") if runs else ""


def named_in_memo(memo: str, invoices: Sequence[OpenInvoice]) -> tuple[list[OpenInvoice], str]:
    """The invoices the memo quotes, and how surely: "exact" (their numbers or payment
    references, separators aside), "number" (some by their number within the sequence
    only, "00042"),
    "typo" (a run of at least three digits one edit from exactly one invoice's number),
    or ([], "") when it quotes none."""
    text = normalize(memo)
    if not text:
        return [], ""
    invoices = _ordered(invoices)
    exact = [
        inv
        for inv in invoices
        if any(len(key) >= 4 and key in text for key in (normalize(inv.number), normalize(inv.reference)))
    ]
    by_sequence = {}
    for inv in invoices:
        sequence = _sequence(inv.number)
        if len(sequence) >= 2:
            by_sequence.setdefault(sequence, []).append(inv)
    # The digits of a sequence's prefix ("2026" in "INV/2026/00042") are not a number of it.
    prefixes = {run.lstrip("0") for inv in invoices for run in re.findall(r"\d+", inv.number or "")[:-1]}
    runs = [run.lstrip("0") for run in re.findall(r"\d+", memo or "")]
    runs = [run for run in runs if len(run) >= 2 and run not in prefixes]
    numbered = [inv for run in runs for inv in by_sequence.get(run, ()) if inv not in exact]
    if exact or numbered:
        return list(dict.fromkeys(exact + numbered)), "number" if numbered else "exact"
    typos = []
    for run in runs:
        if len(run) < 3:
            continue
        hits = {inv.key: inv for variant in _one_typo_away(run) for inv in by_sequence.get(variant, ())}
        if len(hits) == 1:  # one edit from one invoice only: else it is a guess
            typos.extend(hits.values())
    return list(dict.fromkeys(typos)), "typo" if typos else ""


def _ordered(invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
    return sorted(invoices, key=lambda inv: (inv.due_date, inv.key))


def _discounted(inv: OpenInvoice) -> int:
    return inv.discounted if inv.discounted is not None and inv.discounted < inv.residual else inv.residual


def _subsets_summing_to(
    invoices: list[OpenInvoice], amount: int, max_subsets: int
) -> list[tuple[OpenInvoice, ...]]:
    """Sets of invoices whose residuals, or discounted residuals, sum to `amount`:
    singles, pairs, runs in due-date order, then a bounded search over the oldest."""
    found: list[tuple[OpenInvoice, ...]] = []
    for value in (lambda inv: inv.residual, _discounted):
        by_amount = {}
        for inv in invoices:
            by_amount.setdefault(value(inv), []).append(inv)
        found += [(inv,) for inv in by_amount.get(amount, ())]
        for inv in invoices:
            for other in by_amount.get(amount - value(inv), ()):
                if other.key > inv.key:
                    found.append(tuple(_ordered((inv, other))))
        # Runs of consecutive invoices, oldest first: two pointers over the due dates.
        total, start = 0, 0
        for end, inv in enumerate(invoices):
            total += value(inv)
            while total > amount and start <= end:
                total -= value(invoices[start])
                start += 1
            if total == amount and end - start >= 2:
                found.append(tuple(invoices[start : end + 1]))
    # Any other combination of the oldest invoices, within a budget.
    window = invoices[:SEARCH_WINDOW]
    budget = [max_subsets]

    def search(index, chosen, total):
        if budget[0] <= 0 or total > amount:
            return
        budget[0] -= 1
        if total == amount and len(chosen) >= 3:
            found.append(tuple(chosen))
            return
        for position in range(index, len(window)):
            chosen.append(window[position])
            search(position + 1, chosen, total + window[position].residual)
            chosen.pop()

    search(0, [], 0)
    unique = []
    for subset in found:
        if subset not in unique:
            unique.append(subset)
    return unique


def _explain(subset: Sequence[OpenInvoice], amount: int, fee_tolerance: int):
    """(difference, reason, note) of paying `subset` with `amount`."""
    difference = sum(inv.residual for inv in subset) - amount
    if difference == 0:
        return 0, "", ""
    if difference < 0:
        return (
            difference,
            OVERPAID,
            f"paid {_units(-difference)} more than the invoices: it stays as a credit",
        )
    discount = sum(inv.residual - _discounted(inv) for inv in subset)
    if discount and abs(difference - discount) < ROUNDING_UNITS:
        return difference, DISCOUNT, f"early-payment discount of {_units(discount)}"
    if difference <= fee_tolerance:
        return (
            difference,
            FEE,
            f"bank fee of {_units(difference)}, within the tolerance of {_units(fee_tolerance)}",
        )
    disputed = [inv for inv in subset if inv.disputed and inv.residual == difference]
    if disputed:
        return (
            difference,
            DISPUTE,
            f"{disputed[0].number} is disputed and was left out ({_units(difference)})",
        )
    if difference < ROUNDING_UNITS:
        return difference, ROUNDING, f"rounding difference of {_units(difference)}"
    return difference, UNEXPLAINED, f"short by {_units(difference)}, unexplained"


def _units(minor: int) -> str:
    return f"{minor / 100:,.2f}"


def _names(subset: Sequence[OpenInvoice]) -> str:
    names = [inv.number for inv in subset]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def match_payment(
    amount: int,
    memo: str,
    invoices: Sequence[OpenInvoice],
    fee_tolerance: int = 0,
    max_subsets: int = MAX_SUBSETS,
    limit: int = LIMIT,
) -> list[Suggestion]:
    """Up to `limit` suggestions for a payment of `amount` (minor units, > 0) quoting
    `memo`, best first. Deterministic for equal inputs."""
    if amount <= 0 or not invoices:
        return []
    ordered = _ordered(invoices)
    named, how = named_in_memo(memo, ordered)
    candidates: list[tuple[float, tuple[OpenInvoice, ...], str]] = []

    def add(confidence, subset, reason):
        """A set once, with the best evidence found for it."""
        subset = tuple(_ordered(subset))
        if not subset:
            return
        for index, (known_confidence, known, _reason) in enumerate(candidates):
            if known == subset:
                if confidence > known_confidence:
                    candidates[index] = (confidence, subset, reason)
                return
        candidates.append((confidence, subset, reason))

    if named:
        sure = {"exact": 0.0, "number": 0.03, "typo": 0.08}[how]
        words = {"exact": "names", "number": "quotes the number of", "typo": "nearly names (one digit off)"}[
            how
        ]
        total = sum(inv.residual for inv in named)
        difference, reason, _note = _explain(named, amount, fee_tolerance)
        if difference == 0:
            add(0.99 - sure, named, f"memo {words} {_names(named)}; amounts match to the cent")
        elif reason == DISPUTE:
            kept = [inv for inv in named if not (inv.disputed and inv.residual == difference)]
            add(0.9 - sure, kept, f"memo {words} {_names(named)}; the disputed one left out")
        elif reason in (DISCOUNT, FEE, ROUNDING):
            add(0.93 - sure, named, f"memo {words} {_names(named)}; the difference is explained")
        elif total > amount:
            add(0.6 - sure, named, f"memo {words} {_names(named)}; a partial payment of them")
        else:
            add(0.8 - sure, named, f"memo {words} {_names(named)}; paid more than they owe")
            rest = [inv for inv in ordered if inv not in named]
            for extra in _subsets_summing_to(rest, amount - total, max_subsets // 2)[:1]:
                add(
                    0.65 - sure,
                    (*named, *extra),
                    f"memo {words} {_names(named)}; with {_names(extra)} the amounts match",
                )
    positions = {inv.key: position for position, inv in enumerate(ordered)}
    for subset in _subsets_summing_to(ordered, amount, max_subsets):
        places = [positions[inv.key] for inv in subset]
        if places == list(range(len(subset))):
            confidence = 0.9  # the oldest ones: what customers pay without a word
        elif len(subset) == 1:
            confidence = 0.85
        elif places == list(range(places[0], places[0] + len(subset))):
            confidence = 0.72  # consecutive invoices
        else:
            confidence = 0.7 if len(subset) == 2 else 0.6
        discounted = sum(inv.residual for inv in subset) != amount
        if discounted:
            confidence -= 0.05
        words = "with their early-payment discounts, " if discounted else ""
        add(confidence, subset, f"{_names(subset)} {words}sum to the amount paid to the cent")
    # Oldest first, until the amount runs out (the last one partly).
    allocated, total = [], 0
    for inv in ordered:
        if total >= amount:
            break
        allocated.append(inv)
        total += inv.residual
    add(0.3, allocated, "nothing else decides: the oldest open invoices first")
    candidates.sort(key=lambda c: (-c[0], len(c[1]), [inv.key for inv in c[1]]))
    suggestions = []
    for confidence, subset, reason in candidates[:limit]:
        difference, difference_reason, note = _explain(subset, amount, fee_tolerance)
        suggestions.append(
            Suggestion(
                keys=tuple(inv.key for inv in subset),
                confidence=round(confidence, 2),
                reason=reason,
                difference=difference,
                difference_reason=difference_reason,
                difference_note=note,
            )
        )
    return suggestions
