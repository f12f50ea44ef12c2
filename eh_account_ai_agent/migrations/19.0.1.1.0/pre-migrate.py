"""The payment-risk fields became per company (jsonb keyed by company id). The old
single score mixed every company's invoices and has no company to be filed under:
drop it; the nightly cron, or *Recompute* on a customer, scores again per company."""

from odoo.tools import SQL

OLD_COLUMNS = ("eh_risk_score", "eh_risk_factors", "eh_risk_updated_at")


def migrate(cr, version):
    for column in OLD_COLUMNS:
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN IF EXISTS %s", SQL.identifier(column)))
