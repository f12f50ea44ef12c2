"""SQL the collections reports share: one definition of cash collected from a customer."""

from odoo.tools import SQL


def cash_lines(env, *columns):
    """Receivable lines of customer payments and bank statement lines
    (`account.move.line._eh_collected_domain()`), as a subquery with `columns` and the
    line's commercial partner as `commercial_partner_id`."""
    AML = env["account.move.line"].sudo()
    query = AML._search(AML._eh_collected_domain(), bypass_access=True)
    partner = query.join("account_move_line", "partner_id", "res_partner", "id", "partner_id")
    return query.select(
        *(SQL.identifier("account_move_line", name) for name in columns),
        SQL("%s AS commercial_partner_id", SQL.identifier(partner, "commercial_partner_id")),
    )


def company_today(env):
    """(company_id, today) of every company, each in its own timezone: the suite's one
    "today", for reports whose figures depend on it."""
    companies = env["res.company"].sudo().search([])  # pylint: disable=no-search-all
    return SQL(", ").join(SQL("(%s, %s::date)", c.id, c._eh_collections_today()) for c in companies)
