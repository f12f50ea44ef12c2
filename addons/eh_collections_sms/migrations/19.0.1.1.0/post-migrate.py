"""The shipped reminder SMS gives one total per currency (see the Workbench's 19.0.1.2.0
migration): its noupdate body is rewritten in every language that still has the
company-currency sum."""

from odoo.tools import SQL

OLD = "format_amount(object.total_overdue_amount, object.currency_id)"
NEW = "object._eh_amounts_to_settle_words()"


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE sms_template
               SET body = replace(body::text, %(old)s, %(new)s)::jsonb
             WHERE model = 'eh.collections.case' AND body::text LIKE %(pattern)s
            """,
            old=OLD,
            new=NEW,
            pattern=f"%{OLD}%",
        )
    )
