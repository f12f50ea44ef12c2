import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..tools.case_method import case_method
from ..tools.holds import hold_sentence

_logger = logging.getLogger(__name__)


class CollectionsFollowupSend(models.AbstractModel):
    """Sends reminders, as `account.move.send` sends invoices: the reminder does not
    send itself. One method per channel, `_send_<channel>(followups, documents)`, each
    returning the log rows of what it did for each reminder; bridges add channels to
    `_channels`.

    A batch's log rows and its queued mails are written in the same savepoint: the
    mail queue delivers after the commit, so there is no mail without its row and no
    row without its mail. A failure rolls the batch back, then each reminder is sent
    alone, so that only the broken one fails and is logged."""

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
        """Send reminders as one batch (the mails of a level rendered together; the log
        rows, chatter notes and case updates written together) in one savepoint. When
        anything in it fails, each reminder again in a savepoint of its own: the queue
        goes on past a failure, which is logged on its case.

        Every reminder asks the case's one decision here, when it goes: one whose
        customer is held (a promise logged since it was queued, a reply to read) is
        not sent but marked held with the reason, unless a manager sent it anyway."""
        followups = followups - self._hold_back(followups)
        if len(followups) > 1 and len(followups.case_id) == len(followups):
            try:
                with self.env.cr.savepoint():
                    self._send(followups)
                return followups
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise  # another transaction changed a case (a promise logged): the whole call is retried
            except Exception:  # one of them is broken: found below, one by one
                self.env.invalidate_all(flush=False)
        for followup in followups:
            try:
                with self.env.cr.savepoint():
                    self._send(followup)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                # Not the reminder's fault: retried in a fresh transaction, which asks
                # the one decision again with what the other one committed.
                raise
            except Exception as error:  # a broken template, a bad address: logged, the queue goes on
                self.env.invalidate_all(flush=False)
                self._fail(followup, error)
        return followups

    @api.model
    def _hold_back(self, followups):
        """Mark held, with the decision's reason and a skipped log row, the reminders
        whose customer may not be reminded now; return them."""
        asking = followups.filtered(lambda f: not f.override_reason)
        holds = asking.case_id._reminder_holds_by_case()
        held = asking.filtered(lambda f: holds[f.case_id.id])
        for followup in held:
            why = hold_sentence(holds[followup.case_id.id])
            followup.case_id._log_action(
                [
                    {
                        "action_type": "follow_up",
                        "level_id": followup.level_id.id,
                        "state": "skipped",
                        "note": self.env._(
                            "%(what)s not sent: held (%(why)s).",
                            what=followup.level_id.name or self.env._("The Statement of Account"),
                            why=why,
                        ),
                    }
                ]
            )
            followup._write_own({"state": "held", "failure_reason": why})
        return held

    @api.model
    def _send(self, followups):
        """Send `followups` (one per case) by their levels' channels, channel after
        channel, then log what each did and move each case to its level."""
        documents = {
            followup: {"named": followup.case_id.reminder_line_ids, "letter": self.env["ir.attachment"]}
            for followup in followups
        }
        rows = {followup: [] for followup in followups}
        for channel in self._channels():
            sending = followups.filtered(lambda f, c=channel: c in self._level_channels(f.level_id))
            if sending:
                for followup, channel_rows in getattr(self, f"_send_{channel}")(sending, documents).items():
                    rows[followup] += channel_rows
        self._log(rows)
        with case_method():
            for level, sent in followups.filtered("level_id").grouped("level_id").items():
                sent.case_id.write({"level_id": level.id, "followup_asap": False})
        followups._write_own({"state": "sent"})

    @api.model
    def _log(self, rows):
        """Write the log rows of reminders, `{followup: [row values]}`, one `create` per
        author. A channel that learns later how a reminder went (a WhatsApp message the
        API refused) logs what it did then the same way."""
        by_author = defaultdict(list)
        for followup, followup_rows in rows.items():
            for row in followup_rows:
                row.setdefault("level_id", followup.level_id.id)
                row.update(self._row_values(followup, row), case_id=followup.case_id.id)
                by_author[self._log_author(followup)].append(row)
        Action = self.env["eh.collections.action"]
        with case_method():
            for author, vals_list in by_author.items():
                (Action if author == self.env.user else Action.with_user(author).sudo()).create(vals_list)

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
    def _send_letter(self, followups, documents):
        """The Statement of Account as a PDF, queued for print and post."""
        rows = {}
        for followup in followups:
            case = followup.case_id
            letter = self._statement_letter(case, followup.level_id)
            documents[followup]["letter"] = letter
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
            rows[followup] = [
                {
                    "action_type": "letter",
                    "channel": "letter",
                    "note": letter.name,
                    "invoice_ids": self._named_invoices(documents[followup]),
                }
            ]
        return rows

    @api.model
    def _send_email(self, followups, documents):
        """The level's template to the customer's invoicing contact, with the letter and
        (when the level says so) the invoices attached; a call instead without email.
        Reminders of a level with the same values are rendered and queued together."""
        rows, batches, batch_values = {}, defaultdict(list), {}
        for followup in followups:
            case = followup.case_id
            recipient = followup.recipient_id or case.eh_reminder_partner_id
            if not recipient.email:
                rows[followup] = self._no_email(followup, recipient)
                continue
            values = self._email_values(followup, documents[followup])
            try:  # values of their own (an edited text, attachments) make a batch of one
                key = (followup.level_id, tuple(sorted(values.items())))
                hash(key)
            except TypeError:
                key = (followup.level_id, followup)
            batches[key].append(followup)
            batch_values[key] = values
        for key, batch in batches.items():
            level, values = key[0], batch_values[key]
            mails = (
                level.mail_template_id.with_context(eh_level_id=level.id, eh_render_batch=True)
                .send_mail_batch([followup.case_id.id for followup in batch], email_values=values or None)
                .grouped("res_id")
            )
            for followup in batch:
                rows[followup] = [
                    {
                        "action_type": "email",
                        "channel": "email",
                        "note": mails[followup.case_id.id].subject,
                        "invoice_ids": self._named_invoices(documents[followup]),
                    }
                ]
        if batches:
            self._wake_mail_queue()
        return rows

    @api.model
    def _phone_recipient(self, followup):
        """Who a text message of a reminder goes to: the invoicing contact when it has a
        phone, else the customer."""
        recipient = followup.recipient_id or followup.case_id.eh_reminder_partner_id
        return recipient if recipient.phone else followup.case_id.partner_id

    @api.model
    def _email_goes_instead(self, level):
        """Whether a reminder of `level` that a channel could not deliver falls back to
        the level's email: only when the level sends no email of its own."""
        return bool(level) and not level.channel_email and bool(level.mail_template_id)

    @api.model
    def _unreachable(self, followup, why):
        """(note, email instead) for a channel that cannot reach the customer (no number,
        no opt-in...): a level without email of its own sends its email instead."""
        level = followup.level_id
        if self._email_goes_instead(level):
            return self.env._("%(why)s: the level's email was sent instead.", why=why), True
        if level.channel_email:
            return self.env._("%(why)s: the level sends its email as well.", why=why), False
        return self.env._("%(why)s, and the level sends no email.", why=why), False

    @api.model
    def _send_email_instead(self, followups, documents, rows):
        """Add to `rows` the level's email of reminders another channel could not send."""
        if followups:
            for followup, email_rows in self._send_email(followups, documents).items():
                rows[followup] += email_rows
        return rows

    @api.model
    def _wake_mail_queue(self):
        """Ask Odoo's mail queue to run once this transaction commits: it runs hourly,
        and a reminder should not wait for it."""
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    @api.model
    def _email_values(self, followup, documents):
        """What a reminder's email sets besides its template: an approved reminder's
        edited text and recipient, its attachments, the case's own values."""
        case, level = followup.case_id, followup.level_id
        values = {key: followup[key] for key in ("subject", "body_html") if followup[key]}
        if followup.recipient_id and followup.recipient_id != case.eh_reminder_partner_id:
            values["recipient_ids"] = [Command.set(followup.recipient_id.ids)]
        attachments = documents["letter"]
        if level.attach_invoices:
            attachments |= self._invoice_pdfs(case, documents["named"].move_id)
        if attachments:
            values["attachment_ids"] = [Command.link(a.id) for a in attachments]
        values.update(case._eh_reminder_email_values())
        return values

    @api.model
    def _no_email(self, followup, recipient):
        case = followup.case_id
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

    @api.model
    def _send_call(self, followups, documents):
        """A call activity for the case's collector."""
        rows = {}
        for followup in followups:
            case = followup.case_id
            case.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._(
                    "Call %(customer)s: %(level)s",
                    customer=case.partner_id.name,
                    level=followup.level_id.name,
                ),
                user_id=case._collector_user().id,
            )
            rows[followup] = [
                {"action_type": "follow_up", "channel": "call", "note": self.env._("Call scheduled")}
            ]
        return rows

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
