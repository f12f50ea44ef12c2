import zlib

from odoo import api, models
from odoo.tools import SQL


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _eh_try_claim(self, kind, item_id):
        """Whether this transaction may do the item `item_id` of the work `kind` (a
        company to refresh, a case to pre-warm): False while another transaction holds
        it. Crons that claim each item this way may run as several workers at once (a
        copy of the cron, another server on the database) without doing an item twice
        at the same time. The claim is PostgreSQL's transaction-level advisory lock on
        (kind, item): it ends with the transaction, so a killed worker frees its item,
        and the item must be claimed after the commit that precedes its work."""
        # Advisory locks take two int4 keys: the kind's CRC-32, folded into 31 bits.
        key = zlib.crc32(kind.encode()) & 0x7FFFFFFF
        [[claimed]] = self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", key, item_id))
        return claimed

    @api.model
    def _eh_try_claim_many(self, kind, item_ids):
        """The ids of `item_ids` this transaction claims for the work `kind`, in one
        query (see `_eh_try_claim`): the others are held by another transaction."""
        if not item_ids:
            return set()
        key = zlib.crc32(kind.encode()) & 0x7FFFFFFF
        rows = self.env.execute_query(
            SQL(
                "SELECT item FROM unnest(%s::int[]) AS item WHERE pg_try_advisory_xact_lock(%s, item)",
                sorted(item_ids),
                key,
            )
        )
        return {item for [item] in rows}
