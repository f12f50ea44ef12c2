"""Payment plans have a currency of their own, the currency of the invoices they
cover, where they followed the case's (the company's). A plan agreed before keeps the
company's currency, as its amounts were written in it: the column is filled before
the ORM makes it required."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(SQL("ALTER TABLE eh_collections_payment_plan ADD COLUMN IF NOT EXISTS currency_id int4"))
    cr.execute(
        SQL(
            """
            UPDATE eh_collections_payment_plan plan
               SET currency_id = company.currency_id
              FROM res_company company
             WHERE company.id = plan.company_id AND plan.currency_id IS NULL
            """
        )
    )
