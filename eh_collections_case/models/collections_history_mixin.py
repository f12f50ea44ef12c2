from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CollectionsHistoryMixin(models.AbstractModel):
    """Rows of the collections history: appended, never updated or deleted, by the ORM
    (superuser too) or by raw SQL (a trigger on the table refuses UPDATE, DELETE and
    TRUNCATE).

    One exception, for Odoo's Merge contacts: the merge re-points the history of the
    merged customers, and only their customer and case, inside a transaction that set
    `eh_collections.merging_partners` (see `wizard/base_partner_merge_automatic_wizard.py`)."""

    _name = "eh.collections.history.mixin"
    _description = "Append-only collections history"

    def init(self):
        if self._abstract:
            return
        table = SQL.identifier(self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION eh_collections_action_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE'
                       AND current_setting('eh_collections.merging_partners', true) = 'on'
                       AND to_jsonb(NEW) - 'partner_id' - 'case_id' = to_jsonb(OLD) - 'partner_id' - 'case_id'
                    THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'The collections action log is append-only: %% refused', TG_OP
                        USING ERRCODE = 'restrict_violation';
                END $$;
                DROP TRIGGER IF EXISTS %(rewrite)s ON %(table)s;
                CREATE TRIGGER %(rewrite)s BEFORE UPDATE OR DELETE ON %(table)s
                    FOR EACH ROW EXECUTE FUNCTION eh_collections_action_append_only();
                DROP TRIGGER IF EXISTS %(truncate)s ON %(table)s;
                CREATE TRIGGER %(truncate)s BEFORE TRUNCATE ON %(table)s
                    FOR EACH STATEMENT EXECUTE FUNCTION eh_collections_action_append_only();
                """,
                table=table,
                rewrite=SQL.identifier(f"{self._table}_no_rewrite"),
                truncate=SQL.identifier(f"{self._table}_no_truncate"),
            )
        )

    def write(self, vals):  # pylint: disable=method-required-super
        """Never: the history is append-only (a database trigger enforces it too)."""
        raise UserError(
            self.env._("The collections history cannot be changed. Log a new action to correct it.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The collections history cannot be deleted."))
