import hashlib
import hmac
import json
import logging
import secrets
import time

import requests

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.eh_account_ai_agent.tools.ladder import CallClock

_logger = logging.getLogger(__name__)

PROMPT_VERSION = "agent-webhook-v1"
WORKLIST_SIZE = 200
TIMEOUT_S = 10
MAX_ANSWER_BYTES = 1_000_000
TIMESTAMP_HEADER = "X-EH-Timestamp"
NONCE_HEADER = "X-EH-Nonce"
SIGNATURE_HEADER = "X-EH-Signature"
MIN_SECRET_LENGTH = 32
# How far the answer's timestamp may be from now, either way.
FRESH_S = 300


def sign(secret, timestamp, nonce, body):
    """The signature of a payload: HMAC-SHA256 of "<timestamp>.<nonce>.<body>" with the
    shared secret, as "sha256=<hex>". Both directions are signed the same way; the
    answer carries the request's nonce, which ties it to that one round trip."""
    message = f"{timestamp}.{nonce}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def secret_problem(url, secret):
    """Why this webhook setup may not post, or None: a URL needs a shared secret of
    at least MIN_SECRET_LENGTH characters (the worklist names customers and amounts)."""
    if url and len((secret or "").strip()) < MIN_SECRET_LENGTH:
        return f"a webhook needs a shared secret of at least {MIN_SECRET_LENGTH} characters"
    return None


class CollectionsAgentWebhook(models.AbstractModel):
    """The nightly round trip with an outside agent service: post each company's
    worklist, signed, to the company's webhook URL; the service may answer, signed
    too, with proposals, which land in the approval queue exactly as `api_propose`
    files them, made by the Collections AI user. A timeout, a non-2xx, an unsigned,
    oversized or malformed answer is audited (`eh.ai.call`) and applies nothing; the
    next run tries again. Nothing is posted without a shared secret of at least
    MIN_SECRET_LENGTH characters; every request carries a fresh nonce, and only an
    answer that echoes it, signed over it, within FRESH_S seconds, is applied."""

    _name = "eh.collections.agent.webhook"
    _description = "Collections agent webhook"

    @api.model
    def _cron_post_worklists(self):
        companies = self.env["res.company"].sudo().search([("eh_agent_webhook_url", "!=", False)])
        for company in companies:
            self._round_trip(company)
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _round_trip(self, company):
        """Post `company`'s worklist and apply the proposals answered. Returns
        {"applied": [...], "refused": [...]} or None when nothing was applied."""
        secret = company.sudo().eh_agent_webhook_secret or ""
        clock = CallClock(PROMPT_VERSION, False)
        problem = secret_problem(company.eh_agent_webhook_url, secret)
        if problem:
            self._audit(company, clock.trace("error", self.env._("Nothing posted: %(why)s.", why=problem)))
            return None
        ai_user = self.env.ref("eh_collections_next_action.user_collections_ai")
        agent_env = self.env(user=ai_user, context=dict(self.env.context, allowed_company_ids=company.ids))
        cases = (
            agent_env["eh.collections.case"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("state", "=", "open")],
                order="eh_my_day_score desc, days_overdue_max desc, id",
                limit=WORKLIST_SIZE,
            )
        )
        body = json.dumps(
            {"company": company.name, "company_id": company.id, "worklist": cases._api_items()},
            default=str,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        try:
            answer = self._post(company.eh_agent_webhook_url, body, timestamp, nonce, secret)
            proposals = self._proposals(answer, nonce, secret)
        except UserError as error:
            self._audit(company, clock.trace("error", str(error)))
            return None
        result = {"applied": [], "refused": []}
        for proposal in proposals:
            outcome = self._apply(agent_env, company, proposal)
            result["applied" if "id" in outcome else "refused"].append(outcome)
        reason = None if not result["refused"] else f"{len(result['refused'])} proposals refused"
        self._audit(company, clock.trace("ok" if not reason else "fallback", reason), len(result["applied"]))
        return result

    @api.model
    def _post(self, url, body, timestamp, nonce, secret):
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            NONCE_HEADER: nonce,
            SIGNATURE_HEADER: sign(secret, timestamp, nonce, body),
        }
        try:
            response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_S, stream=True)
            content = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
        except requests.Timeout as error:
            raise UserError(
                self.env._("The agent service did not answer within %(s)s seconds.", s=TIMEOUT_S)
            ) from error
        except requests.RequestException as error:
            raise UserError(
                self.env._("Cannot reach the agent service: %(error)s", error=type(error).__name__)
            ) from error
        if not 200 <= response.status_code < 300:
            raise UserError(self.env._("The agent service answered %(code)s.", code=response.status_code))
        if len(content) > MAX_ANSWER_BYTES:
            raise UserError(
                self.env._("The agent service's answer is over %(n)s bytes: ignored.", n=MAX_ANSWER_BYTES)
            )
        return response.headers, content

    @api.model
    def _proposals(self, answer, nonce, secret):
        """The proposals of an answer signed for this very request (its nonce) and
        fresh (its timestamp within FRESH_S of now); an empty answer proposes nothing.
        An answer recorded once and played back later carries an older nonce."""
        headers, content = answer
        if not content.strip():
            return []
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        if not hmac.compare_digest(headers.get(NONCE_HEADER, ""), nonce):
            raise UserError(
                self.env._(
                    "The agent service's answer is not for this request (its nonce differs: a replayed "
                    "answer?): ignored."
                )
            )
        if not hmac.compare_digest(
            headers.get(SIGNATURE_HEADER, ""), sign(secret, timestamp, nonce, content)
        ):
            raise UserError(
                self.env._("The agent service's answer is not signed with the shared secret: ignored.")
            )
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > FRESH_S:
            raise UserError(
                self.env._(
                    "The agent service's answer is not fresh (its timestamp is over %(minutes)s minutes "
                    "from now): ignored.",
                    minutes=FRESH_S // 60,
                )
            )
        try:
            data = json.loads(content)
        except ValueError:
            raise UserError(self.env._("The agent service's answer is not JSON: ignored.")) from None
        proposals = data.get("proposals") if isinstance(data, dict) else None
        if not isinstance(proposals, list) or not all(isinstance(p, dict) for p in proposals):
            raise UserError(self.env._('The agent service\'s answer has no list of "proposals": ignored.'))
        return proposals

    @api.model
    def _apply(self, agent_env, company, proposal):
        """One proposal through `api_propose`, in a savepoint: refused alone when it
        names a case of another company, an unknown action or a forbidden step."""
        Case = agent_env["eh.collections.case"].sudo()
        case_id = proposal.get("case_id")
        case = Case.browse(case_id).exists() if isinstance(case_id, int) else Case
        if not case or case.company_id != company:
            return {
                "case_id": case_id,
                "error": self.env._("not a case of %(company)s", company=company.name),
            }
        try:
            with self.env.cr.savepoint():
                filed = Case.api_propose(
                    case_id,
                    proposal.get("action"),
                    proposal.get("rationale"),
                    subject=proposal.get("subject"),
                    body=proposal.get("body"),
                )
        except UserError as error:  # ValidationError and AccessError too
            return {"case_id": case_id, "error": str(error)}
        return {"case_id": case_id, **filed}

    @api.model
    def _audit(self, company, trace, applied=0):
        call = self.env["eh.ai.agent"]._audit(
            company, trace, company, f"{applied} proposals applied", provider="agent_webhook"
        )
        if trace.outcome == "error":
            _logger.warning("Collections agent webhook of %s: %s", company.name, trace.fallback_reason)
        return call
