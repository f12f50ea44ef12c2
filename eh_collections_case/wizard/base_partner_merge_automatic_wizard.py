from odoo import api, models
from odoo.tools import SQL

from ..tools.case_method import case_method


class MergePartnerAutomatic(models.TransientModel):
    """Odoo's *Merge contacts*, prepared for the collections cases and their history.

    The wizard re-points every foreign key to the merged customers with raw SQL
    `UPDATE`s. Two of them would fail: two open cases of one customer break the
    one-open-case index, and the append-only history refuses any `UPDATE`. So before
    the wizard's own updates, each source customer's open case is merged into the
    surviving customer's (history, chatter, activities, reminders and fee invoices
    moved, then the emptied case deleted), and the history of the source customers is
    re-pointed to the surviving customer under the one exception the history's
    trigger makes, for this transaction only. After the merge the surviving
    customer's cases are refreshed from the ledger, which now has both customers'
    invoices."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        Case = self.env["eh.collections.case"].sudo()
        commercial = dst_partner.commercial_partner_id
        self.env.flush_all()
        self._set_merging_partners(True)
        try:
            for source in Case.search([("partner_id", "in", src_partners.ids), ("state", "=", "open")]):
                target = Case.search(
                    [
                        ("partner_id", "=", dst_partner.id),
                        ("company_id", "=", source.company_id.id),
                        ("state", "=", "open"),
                    ]
                )
                if target:
                    self._merge_collections_case(source, target)
            self.env.cr.execute(
                SQL(
                    "UPDATE eh_collections_action SET partner_id = %s WHERE partner_id IN %s",
                    dst_partner.id,
                    tuple(src_partners.ids),
                )
            )
        finally:
            self._set_merging_partners(False)
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env.invalidate_all()
        cases = Case.search([("partner_id", "=", commercial.id), ("state", "=", "open")])
        for company in cases.company_id:
            Case._refresh_from_ledger(company, partners=commercial)
        return result

    def _set_merging_partners(self, on):
        """Open or close the history trigger's merge exception, for this transaction."""
        self.env.cr.execute(
            SQL("SELECT set_config('eh_collections.merging_partners', %s, true)", "on" if on else "off")
        )

    def _merge_collections_case(self, source, target):
        """Move everything of `source` to `target` (same company) and delete it."""
        Followup = self.env["eh.collections.followup"].sudo()
        pending = Followup.search([("case_id", "=", target.id), ("state", "=", "to_approve")]).level_id
        with case_method():
            Followup.search(
                [("case_id", "=", source.id), ("state", "=", "to_approve"), ("level_id", "in", pending.ids)]
            ).write({"state": "discarded"})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE eh_collections_action SET case_id = %s, partner_id = %s WHERE case_id = %s",
                target.id,
                target.partner_id.id,
                source.id,
            )
        )
        # The chatter, activities, attachments and every other link to the case; a
        # follower of both cases follows the target once.
        Followers = self.env["mail.followers"].sudo()
        both = Followers.search([("res_model", "=", target._name), ("res_id", "=", target.id)]).partner_id
        Followers.search(
            [("res_model", "=", source._name), ("res_id", "=", source.id), ("partner_id", "in", both.ids)]
        ).unlink()
        self._update_foreign_keys_generic("eh.collections.case", source, target)
        self._update_reference_fields_generic("eh.collections.case", source, target)
        self.env.invalidate_all()
        target._log_action(
            [
                {
                    "action_type": "note",
                    "note": self.env._(
                        "Merged with the case of %(customer)s: its history is part of this case now.",
                        customer=source.partner_id.display_name,
                    ),
                }
            ]
        )
        with case_method():
            source.unlink()
