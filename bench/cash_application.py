"""How often the cash-application matcher names the invoices a payment pays, and how fast.

Generates customers with 10, 100 and 1,000 open invoices and payments the way customers
make them: one invoice exactly, with or without its number in the memo; several in one
transfer, quoted, or not (the oldest ones, or any two); a reference with a typo; short by the
early-payment discount; short by a bank fee; over. Reports top-1 and top-3 accuracy (the
suggestion names exactly the invoices paid) and the time per payment; writes
bench/results/cash_application.json.

Pure Python over `eh_collections_case/tools/matching.py`: no database.
Usage: python bench/cash_application.py [--payments 300] [--seed 5]
"""

import argparse
import json
import random
import time
from datetime import date, timedelta

from common import load_tool, peak_rss_mb, say, write_results

matching = load_tool("eh_collections_case/tools/matching.py")
OpenInvoice, match_payment = matching.OpenInvoice, matching.match_payment

TODAY = date(2026, 6, 30)
FEE_TOLERANCE = 3000  # 30.00: the bank fee tolerance set in Settings
KINDS = (
    "exact_with_memo",
    "exact_no_memo",
    "several_with_memo",
    "oldest_no_memo",
    "two_no_memo",
    "typo_in_memo",
    "short_by_discount",
    "short_by_fee",
    "over",
)


def open_invoices(rng, count):
    """A customer's open invoices: numbers of its company's sequence, amounts in cents,
    a third with an early-payment discount still granted, a few disputed."""
    seqs = rng.sample(range(1, 99_999), count)
    invoices = []
    for position, seq in enumerate(sorted(seqs)):
        residual = rng.randint(5_000, 900_000)
        discounted = round(residual * 0.98) if rng.random() < 0.33 else None
        invoices.append(
            OpenInvoice(
                key=position + 1,
                number=f"INV/2026/{seq:05d}",
                residual=residual,
                due_date=TODAY - timedelta(days=count - position + rng.randint(0, 3)),
                reference=f"INV/2026/{seq:05d}",
                discounted=discounted,
                disputed=rng.random() < 0.03,
            )
        )
    return invoices


def quote(invoice, rng):
    """How a customer writes an invoice number in a transfer's memo."""
    return rng.choice([invoice.number, invoice.number.replace("/", ""), invoice.number.split("/")[-1]])


def typo(text, rng):
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    i = rng.choice(digits[-4:])
    kind = rng.choice(("drop", "change", "swap"))
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "change":
        return text[:i] + str((int(text[i]) + rng.randint(1, 9)) % 10) + text[i + 1 :]
    j = i - 1 if i > 0 and text[i - 1].isdigit() else i
    return text[:j] + text[j + 1] + text[j] + text[j + 2 :] if j + 1 < len(text) else text


def payment(kind, invoices, rng):
    """(amount in cents, memo, keys truly paid)."""
    fresh = [inv for inv in invoices if not inv.disputed]
    if kind in ("exact_with_memo", "exact_no_memo", "typo_in_memo", "short_by_fee", "over"):
        paid = [rng.choice(fresh)]
    elif kind == "short_by_discount":
        paid = [rng.choice([inv for inv in fresh if inv.discounted] or fresh)]
    elif kind == "several_with_memo":
        paid = rng.sample(fresh, rng.randint(2, 4))
    elif kind == "two_no_memo":
        paid = rng.sample(fresh, 2)
    else:  # the oldest few, no word said
        paid = sorted(invoices, key=lambda inv: (inv.due_date, inv.key))[: rng.randint(2, 4)]
    amount = sum(inv.residual for inv in paid)
    memo = "Payment " + " ".join(quote(inv, rng) for inv in paid)
    if kind in ("exact_no_memo", "oldest_no_memo", "two_no_memo"):
        memo = rng.choice(["", "Transfer", "Monthly payment", "Thank you"])
    elif kind == "typo_in_memo":
        memo = "Payment " + typo(paid[0].number, rng)
    elif kind == "short_by_discount":
        amount = sum(inv.discounted or inv.residual for inv in paid)
    elif kind == "short_by_fee":
        amount -= rng.randint(500, FEE_TOLERANCE)
    elif kind == "over":
        amount += rng.randint(1_000, 50_000)
    return amount, memo, tuple(sorted(inv.key for inv in paid))


def run(open_count, payments, seed):
    rng = random.Random(seed + open_count)
    top1 = top3 = 0
    by_kind = {kind: [0, 0] for kind in KINDS}
    elapsed = 0.0
    for index in range(payments):
        invoices = open_invoices(rng, open_count)
        kind = KINDS[index % len(KINDS)]
        amount, memo, truth = payment(kind, invoices, rng)
        start = time.perf_counter()
        suggestions = match_payment(amount, memo, invoices, fee_tolerance=FEE_TOLERANCE)
        elapsed += time.perf_counter() - start
        keys = [tuple(sorted(s.keys)) for s in suggestions]
        hit1, hit3 = bool(keys) and keys[0] == truth, truth in keys
        top1 += hit1
        top3 += hit3
        by_kind[kind][0] += hit1
        by_kind[kind][1] += 1
    return {
        "open_invoices": open_count,
        "payments": payments,
        "top1": round(top1 / payments, 3),
        "top3": round(top3 / payments, 3),
        "ms_per_payment": round(1000 * elapsed / payments, 2),
        "top1_by_kind": {kind: round(hits / total, 3) for kind, (hits, total) in by_kind.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


def markdown(entries):
    """The README's table, from the results: printed by this script, checked by a unit test."""
    rows = [
        "| open invoices per customer | payments | top-1 | top-3 | ms per payment |",
        "|---:|---:|---:|---:|---:|",
    ]
    for entry in entries:
        rows.append(
            f"| {entry['open_invoices']:,} | {entry['payments']} | {entry['top1']:.3f} | {entry['top3']:.3f} "
            f"| {entry['ms_per_payment']} |"
        )
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    entries = []
    for open_count in (10, 100, 1000):
        entry = run(open_count, args.payments, args.seed)
        say(
            f"{open_count:>5} open invoices: top-1 {entry['top1']:.3f}, top-3 {entry['top3']:.3f}, "
            f"{entry['ms_per_payment']} ms per payment"
        )
        say(f"      by kind: {entry['top1_by_kind']}")
        entries.append(entry)
    write_results("cash_application", entries)
    print(markdown(entries), flush=True)
    print(json.dumps(entries))


if __name__ == "__main__":
    main()
