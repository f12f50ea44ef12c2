"""Reminders give one total per currency: the shipped reminder templates (noupdate, so
an upgrade leaves them as they were) summed the case's company-currency figure and
showed credits in the company's currency. The two expressions are replaced in every
language of every template that still has them; a template a user rewrote keeps the
words they chose around them."""

from odoo.tools import SQL

REPLACEMENTS = (
    (
        "format_amount(object.total_overdue_amount, object.currency_id)",
        "object._eh_amounts_to_settle_words()",
    ),
    (
        "format_amount(credit.amount_residual, object.currency_id)",
        "format_amount(credit.amount_residual_currency, credit.currency_id)",
    ),
)


def migrate(cr, version):
    for old, new in REPLACEMENTS:
        cr.execute(
            SQL(
                """
                UPDATE mail_template
                   SET body_html = replace(body_html::text, %(old)s, %(new)s)::jsonb
                 WHERE model = 'eh.collections.case' AND body_html::text LIKE %(pattern)s
                """,
                old=old,
                new=new,
                pattern=f"%{old}%",
            )
        )
