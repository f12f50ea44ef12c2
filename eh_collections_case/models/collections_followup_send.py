import logging

from odoo import Command, api, fields, models

from ..tools.case_method import case_method

_logger = logging.getLogger(__name__)


class CollectionsFollowupSend(models.AbstractModel):
    """Sends reminders, as `account.move.send` sends invoices: the reminder does not
    send itself. One method per channel, `_send_<channel>(followup, documents)`, each
    returning the log rows of what it did; bridges add channels to `_channels`.

    A reminder's log rows and its queued mail are written in the same savepoint: the
    mail queue delivers after the commit, so there is no mail without its row and no
    row without its mail. A failure rolls back that reminder only and is logged."""

    _name = "eh.collections.followup.send"
    _description = "Send collections reminders"

    @api.model
    def _channels(self):
        """The channels a level may have (its `channel_<name>` fields), in sending order:
        the letter first, so that the email can carry it."""
        return ["letter", "email", "call"]

    @api.model
    def _level_channels(self, level):
        """The channels a reminder of `level` goes by; without a level, the Statement of
        Account goes as a letter."""
        if not level:
            return ["letter"]
        return [channel for channel in self._channels() if level[f"channel_{channel}"]]

    @api.model
    def _channel_labels(self, level):
        Level = self.env["eh.collections.level"]
        return [
            Level._fields[f"channel_{c}"]._description_string(self.env) for c in self._level_channels(level)
        ]

    @api.model
    def _send_followups(self, followups):
        """Send each reminder in a savepoint of its own; the queue goes on past a failure."""
        for followup in followups:
            try:
                with self.env.cr.savepoint():
                    self._send_followup(followup)
            except Exception as error:  # a broken template, a bad address: logged, the queue goes on
                self.env.invalidate_all(flush=False)
                self._fail(followup, error)
        return followups

    @api.model
    def _send_followup(self, followup):
        case = followup.case_id
        documents = {"named": case.reminder_line_ids, "letter": self.env["ir.attachment"]}
        rows = []
        for channel in self._level_channels(followup.level_id):
            rows += getattr(self, f"_send_{channel}")(followup, documents)
        for row in rows:
            row.setdefault("level_id", followup.level_id.id)
            row.update(self._row_values(followup, row))
        author = self._log_author(followup)
        with case_method():
            actions = (case if author == self.env.user else case.with_user(author).sudo())._log_action(rows)
            if followup.level_id:
                case.write({"level_id": followup.level_id.id, "followup_asap": False})
        followup._write_own({"state": "sent"})
        return actions

    @api.model
    def _log_author(self, followup):
        """Who the reminder's log rows are by: whoever sends it."""
        return self.env.user

    @api.model
    def _row_values(self, followup, row):
        """What each log row of a reminder says about how the reminder was made."""
        return {"ai_generated": followup.ai_generated}

    @api.model
    def _fail(self, followup, error):
        level = followup.level_id
        _logger.warning(
            "Collections: reminder %s failed on case %s: %s", level.name, followup.case_id.id, error
        )
        note = self.env._(
            "%(level)s could not be sent: %(error)s",
            level=level.name or self.env._("The Statement of Account"),
            error=error,
        )
        followup.case_id._log_action(
            [{"action_type": "follow_up", "level_id": level.id, "state": "failed", "note": note}]
        )
        followup._write_own({"state": "failed", "failure_reason": str(error)})

    def _named_invoices(self, documents):
        """The invoices a reminder names, as its log rows record them."""
        return [
            Command.create(vals)
            for vals in self.env["eh.collections.action.invoice"]._values_for(documents["named"])
        ]

    # -- the channels ---------------------------------------------------------------

    @api.model
    def _send_letter(self, followup, documents):
        """The Statement of Account as a PDF, queued for print and post."""
        case = followup.case_id
        letter = self._statement_letter(case, followup.level_id)
        documents["letter"] = letter
        name = followup.level_id.name or self.env._("Statement of Account")
        task = case.activity_schedule(
            "eh_collections_case.mail_activity_type_print_letter",
            summary=self.env._("Print and post: %(level)s", level=name),
            note=self.env._(
                "Print the attached %(document)s and post it to the customer.", document=letter.name
            ),
            user_id=case._collector_user().id,
        )
        task.attachment_ids = letter
        return [
            {
                "action_type": "letter",
                "channel": "letter",
                "note": letter.name,
                "invoice_ids": self._named_invoices(documents),
            }
        ]

    @api.model
    def _send_email(self, followup, documents):
        """The level's template to the customer's invoicing contact, with the letter and
        (when the level says so) the invoices attached; a call instead without email."""
        case, level = followup.case_id, followup.level_id
        recipient = followup.recipient_id or case.eh_reminder_partner_id
        if not recipient.email:
            case.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Call %(customer)s: no email address", customer=case.partner_id.name),
                user_id=case._collector_user().id,
            )
            return [
                {
                    "action_type": "email",
                    "channel": "email",
                    "state": "skipped",
                    "note": self.env._(
                        "No email address for %(recipient)s: a call activity was scheduled instead.",
                        recipient=recipient.display_name,
                    ),
                }
            ]
        attachments = documents["letter"]
        if level.attach_invoices:
            attachments |= self._invoice_pdfs(case, documents["named"].move_id)
        email_values = {key: followup[key] for key in ("subject", "body_html") if followup[key]}
        if followup.recipient_id and followup.recipient_id != case.eh_reminder_partner_id:
            email_values["recipient_ids"] = [Command.set(followup.recipient_id.ids)]
        if attachments:
            email_values["attachment_ids"] = [Command.link(a.id) for a in attachments]
        email_values.update(case._eh_reminder_email_values())
        mail_id = level.mail_template_id.with_context(eh_level_id=level.id).send_mail(
            case.id, email_values=email_values or None
        )
        return [
            {
                "action_type": "email",
                "channel": "email",
                "note": self.env["mail.mail"].browse(mail_id).subject,
                "invoice_ids": self._named_invoices(documents),
            }
        ]

    @api.model
    def _send_call(self, followup, documents):
        """A call activity for the case's collector."""
        case = followup.case_id
        case.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._(
                "Call %(customer)s: %(level)s", customer=case.partner_id.name, level=followup.level_id.name
            ),
            user_id=case._collector_user().id,
        )
        return [{"action_type": "follow_up", "channel": "call", "note": self.env._("Call scheduled")}]

    # -- documents --------------------------------------------------------------------

    @api.model
    def _statement_letter(self, case, level=None):
        """The Statement of Account as an attachment of the case, with the level's note
        on top when a level sends it."""
        content, kind = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(
                "eh_collections_case.action_report_statement",
                res_ids=case.ids,
                data={"level_id": level.id} if level else None,
            )
        )
        name = self.env._(
            "Statement of Account - %(customer)s - %(date)s",
            customer=case.partner_id.name,
            date=fields.Date.to_string(case._today()),
        )
        return self.env["ir.attachment"].create(
            {"name": f"{name}.{kind}", "raw": content, "res_model": case._name, "res_id": case.id}
        )

    @api.model
    def _invoice_pdfs(self, case, moves):
        Report = self.env["ir.actions.report"].sudo()
        attachments = self.env["ir.attachment"]
        for move in moves:
            content, kind = Report._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
            attachments |= attachments.create(
                {
                    "name": f"{move._get_report_base_filename()}.{kind}",
                    "raw": content,
                    "res_model": case._name,
                    "res_id": case.id,
                }
            )
        return attachments
