"""The /odoo/collections URL moved from the cases' window action to the Cases menu's
server action (a collector opens on their own cases). Both are updated in one pass
and the ORM checks the path's uniqueness across action tables before it writes the
window action's change: free the path first."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE ir_act_window SET path = NULL
             WHERE id = (SELECT res_id FROM ir_model_data
                          WHERE module = 'eh_collections_case' AND name = 'eh_collections_case_action')
            """
        )
    )
