"""How well the payment-risk score predicts, on a strict time split.

Generates customers that pay like real ones (stable good payers, chronic late payers,
customers drifting worse, seasonal ones, new ones, a few that default), fits
`fit_risk_model` on what was known at a cut-off date, then scores every later invoice
as of its own invoice date (point in time) and compares with two baselines: the
customer's prior late rate and its amount-weighted prior days late. Reports AUC, Brier
score and a calibration table by decile; writes bench/results/risk.json and risk.png.

Pure Python over the `tools` package: no database.
Usage: python bench/risk.py [--customers 1200] [--seed 7]
"""

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eh_account_ai_agent"))

from common import RESULTS, peak_rss_mb, say, write_results
from tools.risk import InvoiceRecord, fit_risk_model, payment_risk

START = date(2024, 1, 1)
CUTOFF = date(2025, 7, 1)  # fit on what was known here; score invoices issued from here on
TEST_END = date(2026, 7, 1)  # last invoice date scored
END = date(2026, 10, 31)  # the day outcomes are read
SEASONAL_MONTHS = (7, 8, 12)
DRIFT_MONTHS = 12  # a drifting customer worsens this long, then is no longer sold to
CRUNCH_ENTER, CRUNCH_EXIT = 0.06, 0.2  # monthly chances of a cash crunch starting and ending
CRUNCH_LOG_ODDS = 2.5  # in a crunch everything is paid later
UNPAID_BEFORE_HOLD = 3  # a defaulter gets this many more invoices before its credit is stopped

# Behaviours and their share of the customers.
BEHAVIOURS = (
    ("good", 0.33),
    ("chronic", 0.14),
    ("drifting", 0.15),
    ("seasonal", 0.10),
    ("new", 0.15),
    ("average", 0.08),
    ("defaulter", 0.05),
)


@dataclass
class Customer:
    key: str
    behaviour: str
    first_day: date
    typical: float
    term: int
    offset: float  # the customer's own lean, in log-odds
    drift_start: date
    default_day: date | None


def make_customer(rng, index):
    behaviour = rng.choices([b for b, _ in BEHAVIOURS], [w for _, w in BEHAVIOURS])[0]
    first = START if behaviour != "new" else START + timedelta(days=rng.randint(420, 900))
    span = (TEST_END - START).days
    return Customer(
        key=f"C{index:05d}",
        behaviour=behaviour,
        first_day=first + timedelta(days=rng.randint(0, 40)),
        typical=math.exp(rng.uniform(math.log(300), math.log(30_000))),
        term=rng.choice((15, 30, 30, 45, 60)),
        offset=rng.gauss(0, 0.6),
        drift_start=START + timedelta(days=rng.randint(-200, span - 200)),
        default_day=START + timedelta(days=rng.randint(300, span)) if behaviour == "defaulter" else None,
    )


def late_log_odds(customer, issued, amount, crunch):
    """The generator's truth: the customer's behaviour on that day, a cash crunch (a few
    months when everything is paid late), a large invoice and short terms."""
    behaviour = customer.behaviour
    if behaviour == "good":
        base = -3.0
    elif behaviour == "chronic":
        base = 1.0
    elif behaviour == "drifting":
        months = max(0.0, (issued - customer.drift_start).days / 30)
        base = -2.4 + 0.25 * min(months, DRIFT_MONTHS)
    elif behaviour == "seasonal":
        base = 0.8 if issued.month in SEASONAL_MONTHS else -2.2
    elif behaviour == "new":
        base = -1.2
    elif behaviour == "defaulter" and (customer.default_day - issued).days < 120:
        base = 1.0  # paying later and later in the months before it stops paying
    else:  # average, and a defaulter before it defaults
        base = -1.0
    size = 1.2 * max(-1.0, min(1.5, math.log(amount / customer.typical)))
    term = -0.01 * (customer.term - 30)
    return base + customer.offset + size + term + (CRUNCH_LOG_ODDS if crunch else 0.0)


def generate(customers, seed):
    rng = random.Random(seed)
    histories = {}
    for index in range(customers):
        customer = make_customer(rng, index)
        records = []
        day = customer.first_day
        gap = rng.randint(18, 45)
        unpaid, crunch = 0, False
        while day <= TEST_END and unpaid < UNPAID_BEFORE_HOLD:
            if customer.behaviour == "drifting" and (day - customer.drift_start).days > 30 * DRIFT_MONTHS:
                break
            amount = round(customer.typical * math.exp(rng.gauss(0, 0.5)), 2)
            due = day + timedelta(days=customer.term)
            defaulted = customer.default_day is not None and day >= customer.default_day
            days_late_mean = 25 if customer.behaviour in ("chronic", "drifting", "defaulter") else 12
            days_late_mean *= 2 if crunch else 1  # and much later
            if defaulted:
                paid = None
                unpaid += 1
            elif rng.random() < 1 / (1 + math.exp(-late_log_odds(customer, day, amount, crunch))):
                paid = due + timedelta(days=1 + int(rng.expovariate(1 / days_late_mean)))
            else:
                paid = max(day, due - timedelta(days=rng.randint(0, 8)))
            if paid is not None and paid > END:
                paid = None
            residual = amount if paid is None else 0.0
            records.append(InvoiceRecord(amount, due, paid, residual, invoice_date=day))
            step = max(5, int(rng.gauss(gap, gap / 4)))
            change = CRUNCH_EXIT if crunch else CRUNCH_ENTER
            crunch ^= rng.random() < 1 - (1 - change) ** (step / 30)
            day += timedelta(days=step)
        histories[customer.key] = (customer, records)
    return histories


def known_by(records, day):
    """The records as they stood on `day`: settlements after it are not known yet."""
    return [
        record if record.paid_date is None or record.paid_date <= day else _open_on(record)
        for record in records
        if record.issued <= day
    ]


def _open_on(record):
    return InvoiceRecord(record.amount, record.due_date, None, record.amount, record.invoice_date)


def auc(scores, labels):
    """Area under the ROC curve: the Mann-Whitney statistic, ties counted half."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0])
    rank_sum, position, positives = 0.0, 0, sum(labels)
    while position < len(ranked):
        end = position
        while end < len(ranked) and ranked[end][0] == ranked[position][0]:
            end += 1
        average_rank = (position + 1 + end) / 2
        rank_sum += average_rank * sum(label for _score, label in ranked[position:end])
        position = end
    negatives = len(labels) - positives
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def brier(probabilities, labels):
    return sum((p - y) ** 2 for p, y in zip(probabilities, labels, strict=True)) / len(labels)


def calibration(probabilities, labels, bins=10):
    """Deciles of the predicted chance: mean predicted against share observed late."""
    pairs = sorted(zip(probabilities, labels, strict=True))
    table = []
    for index in range(bins):
        chunk = pairs[index * len(pairs) // bins : (index + 1) * len(pairs) // bins]
        predicted = sum(p for p, _ in chunk) / len(chunk)
        observed = sum(y for _, y in chunk) / len(chunk)
        table.append(
            {
                "decile": index + 1,
                "invoices": len(chunk),
                "predicted_pct": round(100 * predicted, 1),
                "observed_pct": round(100 * observed, 1),
                "gap_pts": round(100 * abs(predicted - observed), 1),
            }
        )
    return table


def prior_rates(records, day, base_rate, base_days):
    """The baselines on `day`, as credit teams compute them: late rate and amount-weighted
    days late of the invoices paid before it; the training averages when there are none."""
    known = [r for r in records if r.settled_by(day)]
    if not known:
        return base_rate, base_days
    late_rate = sum(1 for r in known if r.days_late(day) > 0) / len(known)
    weight = sum(r.amount for r in known) or 1.0
    days = sum(r.amount * r.days_late(day) for r in known) / weight
    return late_rate, days


def evaluate(histories):
    start = time.perf_counter()
    training = {key: known_by(records, CUTOFF) for key, (_customer, records) in histories.items()}
    model = fit_risk_model(training, CUTOFF)
    fit_seconds = time.perf_counter() - start
    say(f"fitted on {model.samples:,} outcomes known by {CUTOFF} in {fit_seconds:.1f}s ({model.kind})")
    train_outcomes = [
        (r.days_late(CUTOFF) > 0, r.days_late(CUTOFF)) for records in training.values() for r in records
    ]
    base_rate = sum(late for late, _ in train_outcomes) / len(train_outcomes)
    base_days = sum(days for _, days in train_outcomes) / len(train_outcomes)
    labels, model_p, fallback_p, prior_rate, prior_days = [], [], [], [], []
    start = time.perf_counter()
    for _key, (_customer, records) in sorted(histories.items()):
        for record in records:
            if not CUTOFF <= record.issued <= TEST_END or not record.outcome_known(END):
                continue
            # As of the invoice date: what was known then, the invoice itself just issued.
            past = known_by(records, record.issued)
            labels.append(int(record.days_late(END) > 0))
            model_p.append(payment_risk(past, record.issued, model=model).probability)
            fallback_p.append(payment_risk(past, record.issued).probability)
            rate, days = prior_rates(past, record.issued, base_rate, base_days)
            prior_rate.append(rate)
            prior_days.append(days)
    score_ms = 1000 * (time.perf_counter() - start) / len(labels)
    result = {
        "customers": len(histories),
        "cutoff": CUTOFF.isoformat(),
        "training_outcomes": model.samples,
        "test_invoices": len(labels),
        "test_late_pct": round(100 * sum(labels) / len(labels), 1),
        "auc": round(auc(model_p, labels), 4),
        "auc_fallback_weights": round(auc(fallback_p, labels), 4),
        "auc_prior_late_rate": round(auc(prior_rate, labels), 4),
        "auc_prior_days_late": round(auc(prior_days, labels), 4),
        "brier": round(brier(model_p, labels), 4),
        "brier_prior_late_rate": round(brier(prior_rate, labels), 4),
        "calibration": calibration(model_p, labels),
        "fit_s": round(fit_seconds, 1),
        "score_ms": round(score_ms, 3),
        "weights": {code: round(weight, 3) for code, weight in model.weights.items()},
        "peak_rss_mb": peak_rss_mb(),
    }
    best_baseline = max(result["auc_prior_late_rate"], result["auc_prior_days_late"])
    result["auc_lift"] = round(result["auc"] - best_baseline, 4)
    result["max_calibration_gap_pts"] = max(row["gap_pts"] for row in result["calibration"])
    return result


def markdown(result):
    """The README's two tables, from the result: `python bench/risk.py` prints them, and
    a unit test checks the README quotes them as they are."""
    rows = result["calibration"]
    return "\n".join(
        [
            "| | AUC | Brier |",
            "|---|---:|---:|",
            f"| **the score (fitted model)** | **{result['auc']:.3f}** | **{result['brier']:.3f}** |",
            f"| the documented fallback weights | {result['auc_fallback_weights']:.3f} | |",
            "| baseline: the customer's prior late rate (invoices paid before the day) "
            f"| {result['auc_prior_late_rate']:.3f} | {result['brier_prior_late_rate']:.3f} |",
            f"| baseline: its amount-weighted prior days late | {result['auc_prior_days_late']:.3f} | |",
            "",
            f"Calibration by decile of the predicted chance ({result['test_late_pct']}% of the "
            f"{result['test_invoices']:,} test invoices were paid late):",
            "",
            "| decile | " + " | ".join(str(row["decile"]) for row in rows) + " |",
            "|---|" + "---:|" * len(rows),
            "| predicted | " + " | ".join(f"{row['predicted_pct']}%" for row in rows) + " |",
            "| observed | " + " | ".join(f"{row['observed_pct']}%" for row in rows) + " |",
        ]
    )


def plot(result):
    try:
        import matplotlib
    except ImportError:
        say("matplotlib is not installed: no plot (pip install -r bench/requirements.txt)")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["calibration"]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 100], [0, 100], ":", color="grey", label="perfect")
    ax.plot([r["predicted_pct"] for r in rows], [r["observed_pct"] for r in rows], "o-", label="score")
    ax.set(xlabel="predicted chance of paying late (%)", ylabel="observed late (%)")
    ax.set_title(f"Risk calibration by decile (AUC {result['auc']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(RESULTS / "risk.png", dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    say(f"generating {args.customers:,} customers")
    histories = generate(args.customers, args.seed)
    result = evaluate(histories)
    for key in (
        "auc",
        "auc_prior_late_rate",
        "auc_prior_days_late",
        "auc_lift",
        "brier",
        "brier_prior_late_rate",
    ):
        say(f"{key:24} {result[key]}")
    say("decile  invoices  predicted  observed")
    for row in result["calibration"]:
        say(
            f"{row['decile']:>6}  {row['invoices']:>8}  {row['predicted_pct']:>8}%  {row['observed_pct']:>7}%"
        )
    write_results("risk", [result])
    plot(result)
    print(markdown(result), flush=True)
    print(json.dumps({key: value for key, value in result.items() if key not in ("calibration", "weights")}))


if __name__ == "__main__":
    main()
