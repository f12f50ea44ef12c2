from odoo import fields, models

STAGE_TYPES = [
    ("new", "New"),
    ("reminded", "Reminded"),
    ("contacted", "Contacted"),
    ("promised", "Promised"),
    ("disputed", "Disputed"),
    ("escalated", "Escalated"),
    ("resolved", "Resolved"),
]


class CollectionsStage(models.Model):
    """A kanban column of the collections workbench.

    Code moves cases by `stage_type`, never by name, so stages can be renamed,
    reordered or translated freely.
    """

    _name = "eh.collections.stage"
    _description = "Collections Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(help="Folded in the kanban view when empty of interest.")
    stage_type = fields.Selection(
        STAGE_TYPES,
        string="Behaviour",
        required=True,
        default="new",
        help="What the workbench does with this column: refreshes open cases in 'New', "
        "moves a case to 'Reminded' on its first reminder sent, "
        "to 'Contacted' on its first contact, to 'Promised' on a promise, etc.",
    )
    active = fields.Boolean(default=True)

    def _get_by_type(self, stage_type):
        """The first active stage of a behaviour, or an empty recordset."""
        return self.search([("stage_type", "=", stage_type)], limit=1)
