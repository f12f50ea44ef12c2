import logging
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models

from odoo.addons.eh_collections_case.tools.holds import hold_sentence

from ..tools import STATUS_ORDER, send_template, template_payload

_logger = logging.getLogger(__name__)

# Tries of a message the API keeps refusing for too many messages.
MAX_ATTEMPTS = 5
# A message still "sending" this long after its last try was interrupted mid-call (a
# crash, a killed worker): it is not sent again, in case it went.
INTERRUPTED_AFTER = timedelta(minutes=10)


class CollectionsWhatsappMessage(models.Model):
    """One WhatsApp reminder, from the follow-up that queued it to Meta's last word.

    The follow-up queues the message with its log row, in the batch's transaction;
    this cron sends it after the commit, marking it *sending* in a commit of its own
    before the call: a crash or a rerun never sends it twice. Meta's webhook then
    reports it delivered, read or failed; a failed message falls back to its level's
    email, logged on the case."""

    _name = "eh.collections.whatsapp.message"
    _description = "Collections WhatsApp message"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    followup_id = fields.Many2one("eh.collections.followup", string="Reminder", ondelete="set null")
    level_id = fields.Many2one(related="followup_id.level_id")
    recipient_id = fields.Many2one("res.partner", string="To", required=True)
    number = fields.Char(required=True, help="In international format (E.164).")
    template = fields.Char(required=True, help="The approved template's name.")
    language = fields.Char(required=True, help="The template's language, as Meta names it.")
    parameters = fields.Json(help="The values of the template's {{1}}, {{2}}... in order.")
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sending", "Sending"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
            ("held", "Held"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    wamid = fields.Char(string="WhatsApp message ID", readonly=True, copy=False)
    attempts = fields.Integer(readonly=True)
    attempted_at = fields.Datetime(string="Last try", readonly=True)
    next_attempt = fields.Datetime(readonly=True, help="When a message the API asked to wait goes again.")
    sent_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    read_at = fields.Datetime(readonly=True)
    failure_reason = fields.Text(readonly=True)
    fallback = fields.Selection(
        [("pending", "Email to send"), ("sent", "Email sent instead"), ("none", "No email instead")],
        readonly=True,
        index="btree_not_null",
        help="What a failed message did instead: the level's email, unless the level sent it already.",
    )
    action_ids = fields.One2many("eh.collections.action", "whatsapp_message_id", string="Log rows")

    _wamid_unique = models.UniqueIndex("(wamid) WHERE wamid IS NOT NULL")

    @api.depends("template", "recipient_id")
    def _compute_display_name(self):
        for message in self:
            message.display_name = f"{message.template} → {message.recipient_id.display_name or ''}"

    def _summary(self):
        """What the log row says of the message."""
        self.ensure_one()
        # The pay link (the last parameter) stays on the message: the row says what was said.
        return self.env._(
            "Template %(template)s (%(language)s) to %(number)s: %(values)s",
            template=self.template,
            language=self.language,
            number=self.number,
            values=" | ".join(map(str, (self.parameters or [])[:-1])),
        )

    # -- sending ------------------------------------------------------------------

    @api.model
    def _cron_send(self):
        """Send the queued messages that are due, one commit each, then the emails of
        the ones that failed. Several workers may run it: each message is claimed
        with `FOR UPDATE SKIP LOCKED` and asked again what it is."""
        self._give_up_interrupted()
        cron = self.env["ir.cron"]
        due = self.search(
            [
                ("state", "=", "queued"),
                "|",
                ("next_attempt", "=", False),
                ("next_attempt", "<=", fields.Datetime.now()),
            ],
            order="id",
        )
        cron._commit_progress(remaining=len(due))
        for message_id in due.ids:
            message = self._claim(message_id, [("state", "=", "queued")])
            if message:
                message.write(
                    {
                        "state": "sending",
                        "attempts": message.attempts + 1,
                        "attempted_at": fields.Datetime.now(),
                    }
                )
                # Committed before the call: a message cut off mid-call stays
                # "sending" and is never sent again (`_give_up_interrupted`).
                cron._commit_progress()
                message._send_now()
            if not cron._commit_progress(1):
                return
        # The ones that failed, in this run or in Meta's webhook since the last one.
        falling_back = self.search([("fallback", "=", "pending")], order="id")
        cron._commit_progress(remaining=len(falling_back))
        for message_id in falling_back.ids:
            message = self._claim(message_id, [("fallback", "=", "pending")])
            if message:
                message._fall_back()
            if not cron._commit_progress(1):
                return

    @api.model
    def _claim(self, message_id, domain):
        try:
            message = self.browse(message_id).try_lock_for_update()
        except SerializationFailure:  # another worker changed it since this one looked
            self.env.cr.rollback()
            return self.browse()
        message.invalidate_recordset()
        return message.filtered_domain(domain)

    def _send_now(self):
        self.ensure_one()
        company = self.company_id.sudo()
        if not company._eh_whatsapp_ready():
            self._fail(
                self.env._(
                    "WhatsApp is not set up for %(company)s (Settings, Collections).", company=company.name
                )
            )
            return
        why = self._held_because()
        if why:
            self._hold(why)
            return
        result = send_template(
            company.eh_whatsapp_api_url,
            company.eh_whatsapp_phone_number_id,
            company.eh_whatsapp_access_token,
            template_payload(self.number, self.template, self.language, self.parameters or []),
            company.eh_whatsapp_timeout,
        )
        if result.sent:
            self.write({"state": "sent", "wamid": result.message_id, "sent_at": fields.Datetime.now()})
        elif result.kind == "rate_limited" and self.attempts < MAX_ATTEMPTS:
            wait = result.retry_after if result.retry_after is not None else 60 * self.attempts
            again = fields.Datetime.now() + timedelta(seconds=wait)
            self.write({"state": "queued", "next_attempt": again, "failure_reason": self._reason(result)})
            self.env.ref("eh_collections_whatsapp.ir_cron_send_whatsapp")._trigger(at=again)
        else:
            self._fail(self._reason(result))

    def _held_because(self):
        """Why the customer may not be reminded now (the case's one decision, asked at
        send time: a promise or a reply may have come since the message was queued),
        or an empty string; a manager's override of its reminder lets it go."""
        if self.followup_id.override_reason:
            return ""
        return hold_sentence(self.case_id._reminder_holds())

    def _hold(self, why):
        """Not sent, and no email instead: the customer is held. Logged on the case."""
        self.write({"state": "held", "failure_reason": why})
        self.case_id._log_action(
            [
                {
                    "action_type": "follow_up",
                    "level_id": self.level_id.id,
                    "state": "skipped",
                    "note": self.env._(
                        "WhatsApp to %(number)s not sent: held (%(why)s).", number=self.number, why=why
                    ),
                }
            ]
        )

    def _reason(self, result):
        """Why the API did not take the message, in the user's words."""
        _ = self.env._
        if result.kind == "timeout":
            return _(
                "WhatsApp did not answer within %(timeout)s: not sent again, in case it went.",
                timeout=result.detail,
            )
        if result.kind == "unreachable":
            return _("WhatsApp could not be reached: %(detail)s", detail=result.detail)
        if result.kind == "malformed":
            return _("WhatsApp answered without a message ID: %(detail)s", detail=result.detail)
        if result.kind == "rate_limited":
            return _(
                "WhatsApp refused it for too many messages (%(detail)s), %(attempts)s times.",
                detail=result.detail,
                attempts=self.attempts,
            )
        if result.kind == "bad_token":
            return _(
                "WhatsApp refused the company's access token (%(detail)s): a system administrator sets a "
                "new one in Settings, Collections.",
                detail=result.detail,
            )
        return _(
            "WhatsApp refused the message: %(detail)s (code %(code)s).",
            detail=result.detail,
            code=result.code,
        )

    def _fail(self, reason):
        email_instead = self.env["eh.collections.followup.send"]._email_goes_instead(self.level_id)
        fallback = "pending" if email_instead else "none"
        self.write({"state": "failed", "failure_reason": reason, "fallback": fallback})
        if fallback == "pending":
            self.env.ref("eh_collections_whatsapp.ir_cron_send_whatsapp")._trigger()

    @api.model
    def _give_up_interrupted(self):
        stale = self.search(
            [("state", "=", "sending"), ("attempted_at", "<", fields.Datetime.now() - INTERRUPTED_AFTER)]
        )
        for message in stale:
            message._fail(self.env._("Interrupted while sending: not sent again, in case it went."))

    def _fall_back(self):
        """The level's email instead of a failed message, logged on the case (not when
        the customer has nothing overdue left)."""
        self.ensure_one()
        case, followup = self.case_id, self.followup_id
        if case.state != "open" or not case.reminder_line_ids or self._held_because():
            self.fallback = "none"
            return
        Send = self.env["eh.collections.followup.send"]
        try:
            with self.env.cr.savepoint():
                documents = {followup: {"named": case.reminder_line_ids, "letter": self.env["ir.attachment"]}}
                rows = Send._send_email(followup, documents)
                for row in rows[followup]:
                    row["note"] = self.env._(
                        "WhatsApp failed (%(why)s): %(what)s", why=self.failure_reason, what=row["note"]
                    )
                Send._log(rows)
        except Exception as error:  # a broken template: the failure says it, the queue goes on
            _logger.warning("Collections: the email instead of WhatsApp %s failed: %s", self.id, error)
            self.env.invalidate_all(flush=False)
            why = self.failure_reason
            self.write({"fallback": "none", "failure_reason": f"{why}\n{error}"})
            # In the case's history too, as failed: the reminder did not reach the customer.
            case._log_action(
                [
                    {
                        "action_type": "follow_up",
                        "level_id": followup.level_id.id,
                        "state": "failed",
                        "note": self.env._(
                            "WhatsApp failed (%(why)s), and the email instead could not be sent: %(error)s",
                            why=why,
                            error=error,
                        ),
                    }
                ]
            )
            return
        self.fallback = "sent"

    # -- what Meta reports --------------------------------------------------------

    @api.model
    def _receive_statuses(self, statuses, companies):
        """Statuses of a webhook signed by `companies`' app secret: messages of theirs
        move forward (a late "delivered" never undoes "read", a "failed" after "delivered"
        or "read" changes nothing); a failure falls back;
        statuses of messages this database did not send are ignored."""
        numbers = set(companies.mapped("eh_whatsapp_phone_number_id"))
        statuses = [status for status in statuses if status.phone_number_id in numbers]
        messages = self.search(
            [("wamid", "in", [status.message_id for status in statuses]), ("company_id", "in", companies.ids)]
        ).grouped("wamid")
        for status in statuses:
            message = messages.get(status.message_id)
            if not message or message.state == "failed":
                continue
            if status.status == "failed" and message.state in ("delivered", "read"):
                continue  # the customer has it: a late "failed" neither fails it nor mails them again
            if status.status == "failed":
                message._fail(
                    self.env._(
                        "WhatsApp could not deliver it: %(why)s",
                        why=status.error or self.env._("no reason given"),
                    )
                )
            elif STATUS_ORDER[status.status] > STATUS_ORDER.get(message.state, 0):
                message.write({"state": status.status, f"{status.status}_at": fields.Datetime.now()})
