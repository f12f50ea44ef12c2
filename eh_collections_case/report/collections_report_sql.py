"""SQL the collections reports share."""

from odoo.tools import SQL


def company_today(env):
    """(company_id, today) of every company, each in its own timezone: the suite's one
    "today", for reports whose figures depend on it."""
    companies = env["res.company"].sudo().search([])  # pylint: disable=no-search-all
    return SQL(", ").join(SQL("(%s, %s::date)", c.id, c._eh_collections_today()) for c in companies)
