from odoo import api, models


class CollectionsFollowupSend(models.AbstractModel):
    _inherit = "eh.collections.followup.send"

    @api.model
    def _log_author(self, followup):
        """An AI draft sent by an autonomy rule is logged by the Collections AI user;
        one a person approved, by that person."""
        if followup.ai_generated and followup.eh_ai_autonomy_rule:
            return self.env.ref("eh_collections_next_action.user_collections_ai")
        return super()._log_author(followup)

    @api.model
    def _row_values(self, followup, row):
        values = super()._row_values(followup, row)
        if followup.eh_ai_autonomy_rule:
            values["note"] = self.env._(
                "%(note)s (AI draft sent without review: %(rule)s)",
                note=row.get("note") or "",
                rule=followup.eh_ai_autonomy_rule,
            )
        return values
