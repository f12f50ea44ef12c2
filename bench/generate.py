"""Fill a database with a receivables ledger at scale.

N customers and M open receivable lines (posted customer invoices), plus fully
paid invoice history, partial and full payments with their reconciliations, as
balanced double-entry moves. Bulk SQL: each row is a copy of a template made
through the ORM (invoice, payment entry, partial and full reconciliation) with
its partner, dates and amounts replaced, so every column the accounting engine
fills is filled the same way. A small sample made through the ORM with the same
figures is then compared column by column with the bulk rows.

Usage: python bench/generate.py -d DB [-c CONFIG] --customers N --lines M
"""

import argparse
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta

from common import odoo_env, say

TEMPLATE_AMOUNT = 100.0
TEMPLATE_PAID = 30.0
PARTIAL_SHARE = 0.3  # a partly paid invoice got 30 % of its amount
STAMP = "now() at time zone 'UTC'"
# Amount columns copied from a template row scaled to the generated amount.
MOVE_AMOUNTS = (
    "amount_untaxed",
    "amount_total",
    "amount_untaxed_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_untaxed_in_currency_signed",
    "quick_edit_total_amount",
)
LINE_AMOUNTS = (
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "price_unit",
    "price_subtotal",
    "price_total",
)
# Columns that differ between any two invoices by nature (numbers, ids, stamps).
UNCOMPARED = {
    "id", "name", "move_id", "move_name", "sequence_number", "sequence_prefix", "payment_reference",
    "access_token", "matching_number", "full_reconcile_id", "create_date", "write_date", "create_uid",
    "write_uid", "made_sequence_gap", "posted_before", "secure_sequence_number", "inalterable_hash",
    "message_main_attachment_id", "ref", "checked", "sending_data", "is_move_sent",
}  # fmt: skip


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def scaled(names, scale):
    """Overrides multiplying the template's amount columns `names` by `scale` (SQL)."""
    return {name: f"t.{name} * {scale}" for name in names}


def clone(cr, table, template_id, source, overrides):
    """Insert one copy of row `template_id` of `table` per row of the SQL `source`
    (aliased g), with `overrides` (column -> SQL expression over t and g)."""
    names = columns(cr, table)
    exprs = [overrides.get(name, f't."{name}"') for name in names]
    started = time.perf_counter()
    cr.execute(
        f"""INSERT INTO "{table}" ({", ".join(f'"{n}"' for n in names)})
            SELECT {", ".join(exprs)} FROM "{table}" t CROSS JOIN ({source}) g WHERE t.id = %s""",
        [template_id],
    )
    say(f"{table}: {cr.rowcount} rows in {time.perf_counter() - started:.1f} s")
    return cr.rowcount


class LedgerGenerator:
    def __init__(self, env, today=None):
        self.env = env
        self.cr = env.cr
        self.today = today or date.today()
        self.company = self._company()

    def _company(self):
        company = self.env.ref("base.main_company")
        if not company.chart_template:
            self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        return company

    # -- templates made through the ORM ----------------------------------------------

    def _invoice(self, partner, amount, invoice_date, due):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": self.company.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    (0, 0, {"name": "Services", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def _payment(self, invoice, amount, when):
        """A bank entry paying `amount` of `invoice`, reconciled with it."""
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        receivable = invoice.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": when,
                "partner_id": invoice.partner_id.id,
                "line_ids": [
                    (0, 0, {"account_id": journal.default_account_id.id, "debit": amount, "name": "Payment"}),
                    (
                        0,
                        0,
                        {
                            "account_id": receivable.account_id.id,
                            "partner_id": invoice.partner_id.id,
                            "credit": amount,
                            "name": "Payment",
                        },
                    ),
                ],
            }
        )
        entry.action_post()
        (receivable | entry.line_ids.filtered(lambda ln: ln.account_id == receivable.account_id)).reconcile()
        return entry

    def templates(self):
        partner = self.env["res.partner"].create(
            {"name": "Bench Template", "is_company": True, "email": "ap@bench.example.com"}
        )
        day = self.today - timedelta(days=40)
        open_invoice = self._invoice(partner, TEMPLATE_AMOUNT, day, day + timedelta(days=30))
        partial_invoice = self._invoice(partner, TEMPLATE_AMOUNT, day, day + timedelta(days=30))
        partial_payment = self._payment(partial_invoice, TEMPLATE_PAID, self.today - timedelta(days=2))
        full_invoice = self._invoice(partner, TEMPLATE_AMOUNT, day, day + timedelta(days=30))
        self._payment(full_invoice, TEMPLATE_AMOUNT, self.today - timedelta(days=2))

        def line(move, receivable):
            return move.line_ids.filtered(lambda ln: (ln.account_type == "asset_receivable") == receivable)

        return {
            "partner": partner,
            "invoice": open_invoice,
            "receivable": line(open_invoice, True),
            "income": line(open_invoice, False),
            "payment": partial_payment,
            "payment_receivable": line(partial_payment, True),
            "payment_bank": line(partial_payment, False),
            "partial": partial_invoice.line_ids.matched_credit_ids,
            "full": full_invoice.line_ids.full_reconcile_id,
            "full_partial": full_invoice.line_ids.matched_credit_ids,
        }

    # -- bulk -------------------------------------------------------------------------

    def generate(self, customers, lines, history=0.5, due_days=None):
        """`customers` partners, `lines` open invoices (a fifth of them partly paid)
        and `history` x `lines` fully paid ones; due dates spread from 30 days ahead
        to 209 days overdue, or all `due_days` overdue."""
        started = time.perf_counter()
        tpl = self.templates()
        self.env.flush_all()
        cr = self.cr
        say(f"partners: {customers}")
        cr.execute("DROP TABLE IF EXISTS bench_partner, bench_gen")
        cr.execute(
            """CREATE UNLOGGED TABLE bench_partner AS
               SELECT n - 1 AS idx, nextval('res_partner_id_seq') AS id,
                      'Bench Customer ' || lpad(n::text, 7, '0') AS name
                 FROM generate_series(1, %s) n;
               CREATE UNIQUE INDEX ON bench_partner (idx);
               ANALYZE bench_partner""",
            [customers],
        )
        clone(
            cr,
            "res_partner",
            tpl["partner"].id,
            "SELECT * FROM bench_partner",
            {
                "id": "g.id",
                "name": "g.name",
                "complete_name": "g.name",
                "commercial_partner_id": "g.id",
                "commercial_company_name": "g.name",
                "ref": "'BENCH-' || g.idx",
                "email": "'ap' || g.idx || '@bench.example.com'",
                "email_normalized": "'ap' || g.idx || '@bench.example.com'",
                "create_date": STAMP,
                "write_date": STAMP,
            },
        )
        total = int(lines * (1 + history))
        say(f"invoices: {lines} open, {total - lines} paid in full ({time.perf_counter() - started:.0f} s)")
        cr.execute(
            """CREATE UNLOGGED TABLE bench_gen AS
               SELECT n, p.id AS partner_id, p.name AS partner_name,
                      CASE WHEN n > %(open)s THEN 'full' WHEN n %% 5 = 1 THEN 'partial' ELSE 'open' END AS kind,
                      round((100 + (n::bigint * 7919) %% 990000 / 100.0)::numeric, 2) AS amount,
                      %(today)s::date - COALESCE(%(due_days)s, (n * 37) %% 240 - 30) AS due,
                      nextval('account_move_id_seq') AS move_id,
                      nextval('account_move_line_id_seq') AS rec_id,
                      nextval('account_move_line_id_seq') AS inc_id
                 FROM generate_series(1, %(total)s) n
                 JOIN bench_partner p ON p.idx = n %% %(customers)s""",
            {
                "open": lines,
                "total": total,
                "customers": customers,
                "today": self.today,
                "due_days": due_days,
            },
        )
        cr.execute(
            """ALTER TABLE bench_gen
                 ADD COLUMN inv_date date, ADD COLUMN paid numeric, ADD COLUMN pay_date date,
                 ADD COLUMN pay_move_id int, ADD COLUMN pay_rec_id int, ADD COLUMN pay_bank_id int,
                 ADD COLUMN partial_id int, ADD COLUMN full_id int;
               UPDATE bench_gen SET inv_date = due - 30,
                      paid = CASE kind WHEN 'open' THEN 0 WHEN 'full' THEN amount
                                       ELSE round(amount * %(share)s, 2) END;
               UPDATE bench_gen SET pay_date = LEAST(inv_date + 20, %(today)s::date),
                      pay_move_id = nextval('account_move_id_seq'),
                      pay_rec_id = nextval('account_move_line_id_seq'),
                      pay_bank_id = nextval('account_move_line_id_seq'),
                      partial_id = nextval('account_partial_reconcile_id_seq'),
                      full_id = CASE WHEN kind = 'full' THEN nextval('account_full_reconcile_id_seq') END
                WHERE kind != 'open';
               CREATE INDEX ON bench_gen (n);
               ANALYZE bench_gen;""",
            {"share": PARTIAL_SHARE, "today": self.today},
        )
        clone(
            cr,
            "account_full_reconcile",
            tpl["full"].id,
            "SELECT * FROM bench_gen WHERE kind = 'full'",
            {"id": "g.full_id", "create_date": STAMP, "write_date": STAMP},
        )
        with self._without_gin_indexes(("account_move", "account_move_line", "res_partner")):
            self._bulk_invoices(tpl)
            say(f"payments and reconciliations ({time.perf_counter() - started:.0f} s)")
            self._bulk_payments(tpl)
        cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
        say(f"generated in {time.perf_counter() - started:.0f} s")
        self.env.invalidate_all()
        return tpl

    @contextmanager
    def _without_gin_indexes(self, tables):
        """Bulk-load without the trigram (GIN) indexes, then build them once: row by
        row, their upkeep grows with the table."""
        self.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN %s AND indexdef LIKE '%% USING gin %%'",
            [tuple(tables)],
        )
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.cr.execute(f'DROP INDEX "{name}"')
        yield
        started = time.perf_counter()
        for _name, definition in indexes:
            self.cr.execute(definition)
        say(f"{len(indexes)} trigram indexes rebuilt in {time.perf_counter() - started:.1f} s")

    def _bulk_invoices(self, tpl):
        scale = f"g.amount / {TEMPLATE_AMOUNT}"
        residual = "g.amount - g.paid"
        name = "'BINV/' || lpad(g.n::text, 8, '0')"
        state = "CASE g.kind WHEN 'open' THEN 'not_paid' WHEN 'full' THEN 'paid' ELSE 'partial' END"
        clone(
            self.cr,
            "account_move",
            tpl["invoice"].id,
            "SELECT * FROM bench_gen",
            {
                "id": "g.move_id",
                "name": name,
                "sequence_prefix": "'BINV/'",
                "sequence_number": "g.n",
                "payment_reference": name,
                "partner_id": "g.partner_id",
                "commercial_partner_id": "g.partner_id",
                "partner_shipping_id": "g.partner_id",
                "invoice_partner_display_name": "g.partner_name",
                "date": "g.inv_date",
                "invoice_date": "g.inv_date",
                "invoice_date_due": "g.due",
                **scaled(MOVE_AMOUNTS, scale),
                "amount_residual": residual,
                "amount_residual_signed": residual,
                "payment_state": state,
                "is_manually_modified": "g.kind != 'open'",  # set when a reconciliation writes the invoice
                "access_token": "NULL",
                "create_date": STAMP,
                "write_date": STAMP,
            },
        )
        matching = "CASE g.kind WHEN 'partial' THEN 'P' || g.partial_id WHEN 'full' THEN g.full_id::text END"
        common = {
            "move_id": "g.move_id",
            "move_name": name,
            "partner_id": "g.partner_id",
            "date": "g.inv_date",
            "invoice_date": "g.inv_date",
            "create_date": STAMP,
            "write_date": STAMP,
            **scaled((*LINE_AMOUNTS, "tax_base_amount"), scale),
        }
        clone(
            self.cr,
            "account_move_line",
            tpl["receivable"].id,
            "SELECT * FROM bench_gen",
            dict(
                common,
                id="g.rec_id",
                name=name,
                date_maturity="g.due",
                amount_residual=residual,
                amount_residual_currency=residual,
                reconciled="g.kind = 'full'",
                matching_number=matching,
                full_reconcile_id="g.full_id",
            ),
        )
        clone(
            self.cr,
            "account_move_line",
            tpl["income"].id,
            "SELECT * FROM bench_gen",
            dict(common, id="g.inc_id"),
        )

    def _bulk_payments(self, tpl):
        source = "SELECT * FROM bench_gen WHERE kind != 'open'"
        scale = f"g.paid / {TEMPLATE_PAID}"
        name = "'BPAY/' || lpad(g.n::text, 8, '0')"
        clone(
            self.cr,
            "account_move",
            tpl["payment"].id,
            source,
            {
                "id": "g.pay_move_id",
                "name": name,
                "sequence_prefix": "'BPAY/'",
                "sequence_number": "g.n",
                "partner_id": "g.partner_id",
                "commercial_partner_id": "g.partner_id",
                "invoice_partner_display_name": "g.partner_name",
                "date": "g.pay_date",
                **scaled((*MOVE_AMOUNTS, "amount_residual", "amount_residual_signed"), scale),
                "create_date": STAMP,
                "write_date": STAMP,
            },
        )
        common = {
            "move_id": "g.pay_move_id",
            "move_name": name,
            "date": "g.pay_date",
            "create_date": STAMP,
            "write_date": STAMP,
            **scaled((*LINE_AMOUNTS, "amount_residual", "amount_residual_currency"), scale),
        }
        clone(
            self.cr,
            "account_move_line",
            tpl["payment_receivable"].id,
            source,
            dict(
                common,
                id="g.pay_rec_id",
                partner_id="g.partner_id",
                amount_residual="0",
                amount_residual_currency="0",
                reconciled="true",
                matching_number="CASE g.kind WHEN 'partial' THEN 'P' || g.partial_id ELSE g.full_id::text END",
                full_reconcile_id="g.full_id",
            ),
        )
        clone(
            self.cr,
            "account_move_line",
            tpl["payment_bank"].id,
            source,
            dict(common, id="g.pay_bank_id", partner_id="g.partner_id"),
        )
        clone(
            self.cr,
            "account_partial_reconcile",
            tpl["partial"].id,
            source,
            {
                "id": "g.partial_id",
                "debit_move_id": "g.rec_id",
                "credit_move_id": "g.pay_rec_id",
                "amount": "g.paid",
                "debit_amount_currency": "g.paid",
                "credit_amount_currency": "g.paid",
                "full_reconcile_id": "g.full_id",
                "max_date": "GREATEST(g.inv_date, g.pay_date)",
                "create_date": STAMP,
                "write_date": STAMP,
            },
        )

    # -- checks -------------------------------------------------------------------------

    def check(self, sample=6):
        """The bulk ledger is balanced, and invoices made through the ORM with the
        figures of the first bulk rows agree with them column by column."""
        cr = self.cr
        cr.execute(
            """SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id
                                     HAVING round(sum(balance), 2) != 0) unbalanced"""
        )
        unbalanced = cr.fetchone()[0]
        if unbalanced:
            raise AssertionError(f"{unbalanced} moves do not balance")
        cr.execute(
            "SELECT n, partner_id, kind, amount, paid, inv_date, due, pay_date, move_id, pay_move_id "
            "FROM bench_gen WHERE n <= %s OR n = (SELECT min(n) FROM bench_gen WHERE kind = 'full') ORDER BY n",
            [sample],
        )
        compared = 0
        for (
            n,
            partner_id,
            _kind,
            amount,
            paid,
            inv_date,
            due,
            pay_date,
            move_id,
            pay_move_id,
        ) in cr.fetchall():
            partner = self.env["res.partner"].browse(partner_id)
            invoice = self._invoice(partner, float(amount), inv_date, due)
            pairs = [(invoice.id, move_id)]
            if paid:
                payment = self._payment(invoice, float(paid), pay_date)
                pairs.append((payment.id, pay_move_id))
            self.env.flush_all()
            for orm_id, bulk_id in pairs:
                compared += self._compare("account_move", "id", orm_id, bulk_id, n)
                compared += self._compare("account_move_line", "move_id", orm_id, bulk_id, n)
        return compared

    def _compare(self, table, key, orm_id, bulk_id, n):
        names = [c for c in columns(self.cr, table) if c not in UNCOMPARED]
        select = ", ".join(f'"{c}"' for c in names)
        order = "display_type, balance" if table == "account_move_line" else "id"
        rows = []
        for row_id in (orm_id, bulk_id):
            self.cr.execute(f'SELECT {select} FROM "{table}" WHERE "{key}" = %s ORDER BY {order}', [row_id])
            rows.append(self.cr.fetchall())
        for orm_row, bulk_row in zip(*rows, strict=True):
            diff = {c: (a, b) for c, a, b in zip(names, orm_row, bulk_row, strict=True) if a != b}
            if diff:
                raise AssertionError(f"bulk row {n} of {table} differs from the ORM's: {diff}")
        return len(names) * len(rows[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--lines", type=int, required=True)
    parser.add_argument("--history", type=float, default=0.5, help="paid invoices per open one")
    parser.add_argument("--due-days", type=int, help="every open invoice this many days overdue")
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        generator = LedgerGenerator(env)
        generator.generate(args.customers, args.lines, args.history, args.due_days)
        env.cr.commit()
        compared = generator.check()
        env.cr.rollback()  # the ORM sample is only for the comparison
        say(f"ORM sample agrees with the bulk rows ({compared} values compared); all moves balance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
