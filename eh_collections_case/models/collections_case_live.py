from collections import defaultdict

from odoo import api, models

# (company id, commercial partner id) whose receivables moved in this transaction.
PENDING_REFRESH = "eh_collections_case.pending_live_refresh"


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
            cases = Case.search(
                [
                    ("state", "=", "open"),
                    ("company_id", "=", company_id),
                    ("partner_id", "in", sorted(partner_ids)),
                ]
            )
            if cases:
                Case._refresh_from_ledger(cases.company_id, partners=cases.partner_id)
                self.env["eh.collections.payment.match"]._drop_stale(cases)
