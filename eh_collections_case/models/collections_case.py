from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.case_method import case_method, in_case_method


class CollectionsCase(models.Model):
    """A customer's overdue receivables in one company, worked as one case.

    The model is spread over files by concept, as Odoo's `account` spreads
    `account.move`: this one holds who and where, creation and the buttons;
    `collections_case_ledger` the figures and the refresh; `collections_case_history`
    the log's effects; `collections_case_promise`, `collections_case_hold`,
    `collections_case_dunning` and `collections_case_fee` the rest.

    One source of truth: the fields `_source_of_truth_fields` lists move only through
    the refresh, the log and the case's own methods (see `tools/case_method.py`); a
    `write` from anyone else is refused with an error naming the right path.
    """

    _name = "eh.collections.case"
    _description = "Collections Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, days_overdue_max desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial partner: invoices to its contacts and addresses roll up here.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, tracking=True, index=True
    )
    stage_id = fields.Many2one(
        "eh.collections.stage",
        index=True,
        tracking=True,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self.env["eh.collections.stage"]._get_by_type("new"),
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", tracking=True, index=True, domain="[('share', '=', False)]"
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Medium"), ("2", "High"), ("3", "Urgent")], default="0", index=True
    )
    color = fields.Integer(aggregator=None)

    _one_open_case = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'open'",
        "This customer already has an open collections case in this company.",
    )
    _state_company_idx = models.Index("(company_id, state)")

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("active", "=", True)], order=stages._order)

    @api.model
    def _action_open_cases(self):
        """The cases as the Cases menu opens them: the open ones, and for a collector
        (not a manager) only their own."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_case.eh_collections_case_action"
        )
        context = {"search_default_filter_open": 1}
        if not self.env.user.has_group("eh_collections_case.group_collections_manager"):
            context["search_default_filter_my_cases"] = 1
        action["context"] = context
        return action

    def _today(self):
        """The case company's today (see `res.company._eh_collections_today`)."""
        return (self.company_id[:1] or self.env.company)._eh_collections_today()

    # -- the source of truth --------------------------------------------------

    def _source_of_truth_fields(self):
        """{field: where it comes from} for every field that moves only through the
        refresh, the log and the case's methods. Each concept's file adds its own."""
        return {
            "state": self.env._(
                "a case is resolved by the refresh once nothing is left to collect (action_refresh)."
            ),
            "partner_id": self.env._(
                "a case belongs to one customer for good (Merge contacts moves it with its customer)."
            ),
            "company_id": self.env._("a case belongs to one company for good."),
        }

    def _check_source_of_truth(self, vals, creating=False):
        """Refuse, naming the right path, a value given by hand for a field that the
        ledger, the log or the case's methods own."""
        owned = self._source_of_truth_fields()
        if creating:
            owned = {
                name: origin for name, origin in owned.items() if name not in ("partner_id", "company_id")
            }
        refused = [name for name in vals if name in owned]
        if refused:
            name = refused[0]
            raise UserError(
                self.env._(
                    "%(field)s cannot be set by hand: %(origin)s",
                    field=self._fields[name]._description_string(self.env),
                    origin=owned[name],
                )
            )

    def _write_own(self, vals):
        """Write fields the case owns, as one of its own paths."""
        with case_method():
            return self.write(vals)

    # -- CRUD -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A case made by hand: one open case per customer, with its figures taken from
        the ledger at once. The refresh opens cases by itself; by hand, only for a
        customer with something to collect."""
        by_hand = not in_case_method()
        for vals in vals_list:
            if by_hand:
                self._check_source_of_truth(vals, creating=True)
            if vals.get("state", "open") != "open" or not vals.get("partner_id"):
                continue
            company = self.env["res.company"].browse(vals.get("company_id") or self.env.company.id)
            partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            vals["partner_id"] = partner.id
            if self.sudo().search_count(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "open")]
            ):
                raise UserError(
                    self.env._(
                        "%(customer)s already has an open collections case.", customer=partner.display_name
                    )
                )
            if by_hand and not self._ledger_figures(company, partner):
                raise UserError(
                    self.env._(
                        "%(customer)s has nothing overdue to collect in %(company)s: a case opens by "
                        "itself when one of its invoices falls overdue.",
                        customer=partner.display_name,
                        company=company.name,
                    )
                )
        cases = super().create(vals_list)
        if by_hand:
            for company in cases.company_id:
                mine = cases.filtered(lambda c, co=company: c.company_id == co)
                self._refresh_from_ledger(company, partners=mine.partner_id)
        return cases

    def write(self, vals):
        if not in_case_method():
            self._check_source_of_truth(vals)
        return super().write(vals)

    def copy(self, default=None):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "A case cannot be duplicated: the refresh opens one per customer with something overdue."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.action_ids:
            raise UserError(self.env._("A case with history cannot be deleted: resolve it instead."))

    # -- the one hook ------------------------------------------------------------

    def _on_case_changed(self):
        """Called once these cases' figures or state moved: after a log row (and so after
        every pause, dispute, promise and reminder) and after a refresh that changed
        them. Modules that keep something derived from the case in step extend it."""

    # -- buttons ------------------------------------------------------------------

    def _open_wizard(self, model, name, context=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": dict(context or {}, default_case_id=self.id),
        }

    def action_open_log_action(self):
        return self._open_wizard("eh.collections.log.action", self.env._("Log action"))

    def action_open_log_promise(self):
        return self._open_wizard(
            "eh.collections.log.action",
            self.env._("Log promise to pay"),
            {"default_with_promise": True, "default_contact_made": True},
        )

    def action_open_hold(self):
        """Pause the case or put it in dispute (the wizard's mode comes from the button)."""
        mode = self.env.context.get("hold_mode", "pause")
        name = self.env._("Dispute") if mode == "dispute" else self.env._("Pause")
        return self._open_wizard("eh.collections.hold", name, {"default_mode": mode})

    def action_open_late_fee(self):
        return self._open_wizard("eh.collections.late.fee", self.env._("Charge late fees"))

    def _invoices_action(self, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = domain
        action["context"] = {"create": False}
        return action

    def action_view_invoices(self):
        self.ensure_one()
        return self._invoices_action([("id", "in", self.invoice_ids.ids)])

    def action_view_fees(self):
        self.ensure_one()
        return self._invoices_action([("eh_fee_case_id", "=", self.id)])

    def _move_to_stage(self, stage_type):
        stage = self.env["eh.collections.stage"]._get_by_type(stage_type)
        if stage:
            self.filtered(lambda case: case.stage_id != stage).stage_id = stage
