from datetime import timedelta

from odoo import api, models
from odoo.fields import Domain

from ..tools.aging import AGING_BUCKETS

TOP_DEBTORS = 10
TREND_MONTHS = 12
FIGURES = (
    "ar_total",
    "overdue_total",
    "unapplied_credit_amount",
    "credit_sales",
    "collected",
    "dso",
    "dso_countback",
    "best_possible_dso",
    "add",
    "cei",
    "recovery_rate",
    "has_dso",
    "has_cei",
    "has_recovery",
    "open_case_count",
    "promise_count",
    "promise_kept_count",
    "promise_broken_count",
    "dispute_count",
    "period_days",
)


class CollectionsSnapshot(models.Model):
    """What the Collections dashboard shows, read from the stored figures and the
    reports in a handful of queries: it never aggregates the ledger itself."""

    _inherit = "eh.collections.snapshot"

    @api.model
    @api.readonly
    def get_dashboard(self):
        """The dashboard of the current company: its latest figures, the trend of the last
        12 month-ends, effectiveness per level, channel and collector over the DSO
        period, and the top debtors."""
        company = self.env.company
        latest = self.search([("company_id", "=", company.id)], limit=1)
        trend = self._trend(company)
        start = (latest.date or company._eh_collections_today()) - timedelta(days=company.eh_dso_period_days)
        period = Domain("company_id", "=", company.id) & Domain("date", ">", start)
        return {
            "company": company.name,
            "currency_id": company.currency_id.id,
            "buckets": [{"field": b.field, "label": b.label} for b in AGING_BUCKETS],
            "latest": self._figures(latest) if latest else None,
            "trend": [self._figures(row) for row in trend],
            "period_start": start,
            "levels": self._effectiveness(period, "level_id"),
            "channels": self._effectiveness(period, "channel"),
            "collectors": self._league(period),
            "promises": self._promises(period),
            "top_debtors": self._top_debtors(company),
        }

    def _figures(self, row):
        values = {"id": row.id, "date": row.date, **{name: row[name] for name in FIGURES}}
        values["buckets"] = {bucket.field: row[bucket.field] for bucket in AGING_BUCKETS}
        for name, flag in (
            ("dso", "has_dso"),
            ("dso_countback", "has_dso"),
            ("add", "has_dso"),
            ("best_possible_dso", "has_dso"),
            ("cei", "has_cei"),
            ("recovery_rate", "has_recovery"),
        ):
            if not row[flag]:
                values[name] = None  # not measurable: shown empty, never 0
        return values

    def _trend(self, company):
        """The latest figures of each of the last months: month-ends, and today."""
        rows = self.search(
            [
                ("company_id", "=", company.id),
                ("date", ">", company._eh_collections_today() - timedelta(days=400)),
            ],
            order="date",
        )
        by_month = {}
        for row in rows:
            by_month[(row.date.year, row.date.month)] = row
        return list(by_month.values())[-(TREND_MONTHS + 1) :]

    def _effectiveness(self, period, groupby):
        Report = self.env["eh.collections.effectiveness.report"]
        groups = Report._read_group(
            period,
            [groupby],
            ["__count", "amount:sum", "paid_7:sum", "paid_14:sum", "paid_30:sum", "settled_30:avg"],
        )
        labels = dict(Report._fields["channel"]._description_selection(self.env))
        result = []
        for key, count, amount, paid_7, paid_14, paid_30, settled_30 in groups:
            if groupby == "level_id":
                value, label = key.id, key.display_name or self.env._("No level (by hand)")
            else:
                value, label = key, labels.get(key, key)
            result.append(
                {
                    "key": value,
                    "label": label,
                    "count": count,
                    "amount": amount,
                    "share_7": paid_7 / amount * 100 if amount else None,
                    "share_14": paid_14 / amount * 100 if amount else None,
                    "share_30": paid_30 / amount * 100 if amount else None,
                    "cases_30": settled_30,
                }
            )
        return sorted(result, key=lambda r: -(r["count"]))

    def _league(self, period):
        groups = self.env["eh.collections.collector.report"]._read_group(
            period & Domain("user_id", "!=", False),
            ["user_id"],
            [
                "action_count:sum",
                "contact_count:sum",
                "promise_count:sum",
                "promise_kept_count:sum",
                "collected:sum",
            ],
        )
        league = [
            {
                "user_id": user.id,
                "name": user.name,
                "actions": actions,
                "contacts": contacts,
                "promises": promises,
                "kept": kept,
                "collected": collected,
            }
            for user, actions, contacts, promises, kept, collected in groups
        ]
        return sorted(league, key=lambda r: -r["collected"])

    def _promises(self, period):
        groups = self.env["eh.collections.promise.report"]._read_group(period, ["outcome"], ["__count"])
        counts = dict(groups)
        settled = counts.get("kept", 0) + counts.get("broken", 0)
        return {
            "kept": counts.get("kept", 0),
            "broken": counts.get("broken", 0),
            "pending": counts.get("pending", 0),
            "kept_rate": counts.get("kept", 0) / settled * 100 if settled else None,
        }

    def _top_debtors(self, company):
        cases = self.env["eh.collections.case"].search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("total_overdue_amount", ">", 0)],
            order="total_overdue_amount desc, id",
            limit=TOP_DEBTORS,
        )
        return [
            {
                "id": case.id,
                "name": case.partner_id.display_name,
                "amount": case.total_overdue_amount,
                "days": case.days_overdue_max,
                "collector": case.user_id.name or "",
            }
            for case in cases
        ]
