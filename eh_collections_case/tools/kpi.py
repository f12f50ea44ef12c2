"""The collections figures finance teams quote, from amounts the ledger gives.

Definitions (the README works an example of each):

- DSO, standard: receivables / credit sales of the period x days of the period.
- Best possible DSO: current (not yet due) receivables / credit sales x days.
- ADD, average days delinquent: DSO - best possible DSO.
- DSO, countback: the days of sales that the receivables represent, counting back
  month by month from the latest: each month whose credit sales the receivables
  still exceed counts in full, the last one in proportion.
- CEI, collection effectiveness index: (receivables at start + credit sales -
  receivables at end) / (receivables at start + credit sales - current receivables
  at end) x 100.
- Recovery rate: payments applied to what was overdue at the period's start /
  what was overdue then x 100.

A figure that cannot be measured (no credit sales, nothing receivable, nothing
overdue) is None, never 0 and never a division error.
"""

from collections.abc import Iterable
from decimal import Decimal

Amount = float | Decimal


def dso_figures(
    *,
    ar_total: Amount,
    not_due: Amount,
    credit_sales: Amount,
    ar_at_start: Amount,
    overdue_at_start: Amount,
    recovered: Amount,
    period_days: int,
) -> dict[str, float | None]:
    """DSO, best possible DSO, ADD, CEI and recovery rate over a period of `period_days`."""
    ar, current, sales = float(ar_total), float(not_due), float(credit_sales)
    dso = best = add = None
    if sales > 0 and ar > 0:
        dso = ar / sales * period_days
        best = max(current, 0.0) / sales * period_days
        add = dso - best
    start = float(ar_at_start)
    collectible = start + sales - current
    cei = (start + sales - ar) / collectible * 100 if collectible > 0 else None
    overdue = float(overdue_at_start)
    recovery = float(recovered) / overdue * 100 if overdue > 0 else None
    return {"dso": dso, "best_possible_dso": best, "add": add, "cei": cei, "recovery_rate": recovery}


def countback_dso(ar_total: Amount, monthly_sales: Iterable[tuple[int, Amount]]) -> float | None:
    """Countback DSO. `monthly_sales` lists (days in the month, credit sales of the month),
    the latest month first. Receivables older than every month given count those
    months in full: the result is then a floor."""
    remaining = float(ar_total)
    months = [(days, float(sales)) for days, sales in monthly_sales]
    if remaining <= 0 or not any(sales > 0 for _days, sales in months):
        return None
    total_days = 0.0
    for days, sales in months:
        if sales > 0 and remaining <= sales:
            return total_days + remaining / sales * days
        remaining -= max(sales, 0.0)
        total_days += days
    return total_days
