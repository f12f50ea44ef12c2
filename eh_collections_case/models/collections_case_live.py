import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# (company id, commercial partner id) whose receivables moved in this transaction.
PENDING_REFRESH = "eh_collections_case.pending_live_refresh"


class CollectionsRefreshDeferred(models.Model):
    """A customer whose case the live refresh left for later: a cron held its case
    row, or the refresh failed. The payment committed all the same; the job
    `ir_cron_refresh_deferred`, triggered for right after that commit, refreshes it."""

    _name = "eh.collections.refresh.deferred"
    _description = "Collections refresh left for after the commit"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")

    _one_per_customer = models.UniqueIndex("(company_id, partner_id)")

    @api.model
    def _defer(self, company_id, partner_ids):
        """Note these customers for the job, once each, and call it after the commit."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO eh_collections_refresh_deferred
                          (company_id, partner_id, create_date, write_date)
                   SELECT %s, partner, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%s::int[]) AS partner
                   ON CONFLICT (company_id, partner_id) DO NOTHING""",
                company_id,
                sorted(partner_ids),
            )
        )
        self.env.ref("eh_collections_case.ir_cron_refresh_deferred")._trigger()

    @api.model
    def _cron_refresh_deferred(self):
        """Refresh the customers the live refresh left, a company per commit; a row
        goes once its refresh committed, so a killed run leaves it for the next."""
        cron = self.env["ir.cron"]
        rows = self.search([], order="company_id, id")  # pylint: disable=no-search-all  # a short queue
        cron._commit_progress(remaining=len(rows.company_id))
        for company, mine in rows.grouped("company_id").items():
            self.env["eh.collections.case"]._refresh_from_ledger(company, partners=mine.partner_id)
            mine.unlink()
            if not cron._commit_progress(1):
                break


class CollectionsCase(models.Model):
    """Cases kept in step with the ledger as it moves, not only at night: when a
    customer's receivable lines are posted, reset to draft or (un)reconciled, its open
    case is refreshed by the same SQL as the nightly pass, for that customer only, just
    before the transaction commits. A collector never calls a customer about an invoice
    it paid this morning. New cases still open with the nightly refresh (or the button):
    a live refresh updates, zeroes or resolves a case, it never opens one."""

    _inherit = "eh.collections.case"

    @api.model
    def _ledger_changed(self, lines):
        receivable = lines.filtered(lambda line: line.account_type == "asset_receivable" and line.partner_id)
        if not receivable:
            return
        pending = self.env.cr.precommit.data.setdefault(PENDING_REFRESH, set())
        if not pending:
            self.env.cr.precommit.add(self._refresh_pending)
        pending.update((line.company_id.id, line.partner_id.commercial_partner_id.id) for line in receivable)

    @api.model
    def _refresh_pending(self):
        """The precommit of a transaction that moved receivables. Payments posted in it
        are matched first, while their customers' cases are open: money that covers the
        whole debt resolves the case, and its match is still to be applied."""
        # Take this transaction's work first: a savepoint runs the precommit hooks left,
        # which clears their data when done.
        pending = self.env.cr.precommit.data.pop(PENDING_REFRESH, set())
        self.env["eh.collections.payment.match"]._suggest_pending()
        partners_of = defaultdict(set)
        for company_id, partner_id in pending:
            partners_of[company_id].add(partner_id)
        # The context tells the modules that follow the cases (_on_case_changed) that
        # this is a payment's transaction: what they can do after the commit waits.
        Case = self.sudo().with_context(eh_collections_live_refresh=True)
        for company_id, partner_ids in sorted(partners_of.items()):
            try:
                with self.env.cr.savepoint():
                    self._refresh_live(Case, company_id, partner_ids)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:  # a cron changed a case since this began
                self.env.invalidate_all(flush=False)
                self.env["eh.collections.refresh.deferred"].sudo()._defer(company_id, partner_ids)
            except Exception:  # accounting never fails because of collections
                _logger.exception(
                    "Collections: the live refresh of company %s failed; its customers are left for "
                    "ir_cron_refresh_deferred, and the transaction commits.",
                    company_id,
                )
                self.env.invalidate_all(flush=False)
                self.env["eh.collections.refresh.deferred"].sudo()._defer(company_id, partner_ids)

    @api.model
    def _refresh_live(self, Case, company_id, partner_ids):
        """Refresh these customers' open cases now, unless a cron holds one of them:
        then the payment does not wait for it, and they are refreshed right after the
        commit by `ir_cron_refresh_deferred`."""
        cases = Case.search(
            [
                ("state", "=", "open"),
                ("company_id", "=", company_id),
                ("partner_id", "in", sorted(partner_ids)),
            ]
        )
        if not cases:
            return
        if cases.try_lock_for_update(allow_referencing=True) != cases:
            self.env["eh.collections.refresh.deferred"].sudo()._defer(company_id, partner_ids)
            return
        Case._refresh_from_ledger(cases.company_id, partners=cases.partner_id)
        self.env["eh.collections.payment.match"]._drop_stale(cases)
