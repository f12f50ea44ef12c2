"""AI-drafted reminders: prose from the LLM, every fact from Odoo. Both provider
protocols against a real HTTP server on 127.0.0.1."""

import json

import pytest
from llm_server import Reply, anthropic_body, make_scripted_provider, openai_body

from eh_account_ai_agent.tools import (
    DRAFT_PROMPT_VERSION,
    CaseSnapshot,
    DraftRequest,
    ReminderDraft,
    draft_reminder,
    parse_draft,
)
from eh_account_ai_agent.tools.draft import DRAFT_SYSTEM_PROMPT, build_draft_prompt

SNAPSHOT = CaseSnapshot(days_overdue=40, total_overdue=2300.0, followup_count=1, days_since_last_followup=9)
REQUEST = DraftRequest(SNAPSHOT, "firm", "de_DE")
BODIES = {"openai_compatible": openai_body, "anthropic": anthropic_body}
TOKENS = {"openai_compatible": (120, 40), "anthropic": (130, 45)}  # what the scripted bodies report
GOOD = {
    "subject": "Offene Rechnungen",
    "opening": "Trotz unserer letzten Erinnerung sind die folgenden Rechnungen noch offen.",
    "closing": "Bitte begleichen Sie den Betrag umgehend oder melden Sie sich bei uns.",
}


def _draft(**changes):
    return json.dumps({**GOOD, **changes})


def provider(llm, kind, timeout=5.0):
    return make_scripted_provider(llm, kind, timeout, model="m", key="k")


def test_a_good_draft_is_the_prose_and_the_provider_saw_no_identity(llm, kind):
    llm.replies = [Reply(200, BODIES[kind](_draft()))]
    result = draft_reminder(REQUEST, provider(llm, kind))
    assert result.draft == ReminderDraft(GOOD["subject"], GOOD["opening"], GOOD["closing"])
    assert (result.reason, result.trace.outcome, result.trace.prompt_version) == (
        None,
        "ok",
        DRAFT_PROMPT_VERSION,
    )
    sent = json.dumps(llm.requests[0]["json"])
    assert json.dumps(build_draft_prompt(REQUEST))[1:-1] in sent
    assert json.loads(build_draft_prompt(REQUEST)) == {
        "snapshot": SNAPSHOT.as_dict(),
        "tone": "firm",
        "language": "de_DE",
    }


def test_a_timeout_gives_no_draft_and_says_why(llm, kind):
    llm.replies = [Reply(200, BODIES[kind](_draft()), delay=3.0)]
    result = draft_reminder(REQUEST, provider(llm, kind, timeout=0.3))
    assert (result.draft, result.reason, result.trace.outcome) == (None, "provider: timeout", "error")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sehr geehrte Damen und Herren", "non_json"),
        ("[1, 2]", "schema: not a JSON object"),
        (
            json.dumps({"subject": "x", "opening": "y"}),
            "schema: expected keys ['closing', 'opening', 'subject'], got ['opening', 'subject']",
        ),
        (
            _draft(amount="5"),
            "schema: expected keys ['closing', 'opening', 'subject'], "
            "got ['amount', 'closing', 'opening', 'subject']",
        ),
        (_draft(subject=7), "schema: empty subject"),
        (_draft(closing="   "), "schema: empty closing"),
        (_draft(opening="a" * 701), "schema: opening over 700 characters"),
        (_draft(opening="Bitte zahlen Sie 2.300,00 EUR."), "content: opening carries a figure or a date"),
        (
            _draft(closing="Zahlbar bis zum fünfzehnten, also 15.12."),
            "content: closing carries a figure or a date",
        ),
        (_draft(subject="Rechnung INV/2026/0001"), "content: subject carries a figure or a date"),
        (_draft(closing="Zahlen Sie hier: https://pay.example/x"), "content: closing carries a link"),
        (_draft(closing="Siehe www.example.de"), "content: closing carries a link"),
        (_draft(closing="Zahlen Sie auf evil-pay.com"), "content: closing carries a link"),
        (_draft(closing="Schreiben Sie an buchhaltung@example.de"), "content: closing carries an address"),
        (_draft(opening="<b>Achtung</b>"), "content: opening carries markup"),
        (_draft(opening="Hallo {{ object.partner_id.name }}"), "content: opening carries markup"),
        (_draft(opening="Hallo ${name}"), "content: opening carries markup"),
        (_draft(opening="Bitte&nbsp;zahlen"), "content: opening carries markup"),
        (_draft(opening="Bitte\x00 zahlen"), "content: opening carries control characters"),
        (_draft(subject="Offene\nRechnungen"), "schema: subject on several lines"),
    ],
)
def test_a_draft_with_facts_of_its_own_or_markup_is_refused(text, reason):
    assert parse_draft(text) == (None, reason)


def test_a_refused_draft_is_traced_as_a_fallback(llm, kind):
    llm.replies = [Reply(200, BODIES[kind](_draft(closing="Total: 9.999,00 EUR")))]
    result = draft_reminder(REQUEST, provider(llm, kind))
    assert (result.draft, result.reason) == (None, "content: closing carries a figure or a date")
    assert (result.trace.outcome, result.trace.fallback_reason) == ("fallback", result.reason)


def test_whitespace_is_folded_and_a_code_fence_accepted():
    text = "```json\n" + _draft(opening="  Die folgenden\n  Rechnungen sind offen. ") + "\n```"
    draft, reason = parse_draft(text)
    assert (reason, draft.opening) == ("", "Die folgenden Rechnungen sind offen.")


@pytest.mark.parametrize(("tone", "lang"), [("angry", "en_US"), ("firm", "english"), ("firm", "en-us")])
def test_a_request_names_a_known_tone_and_a_language_code(tone, lang):
    with pytest.raises(ValueError):
        DraftRequest(SNAPSHOT, tone, lang)


def test_the_prompt_forbids_facts_and_asks_for_the_three_texts():
    for words in (
        "never write any figure, date",
        '{"subject": "<text>", "opening": "<text>", "closing": "<text>"}',
    ):
        assert words in DRAFT_SYSTEM_PROMPT
    assert DraftRequest(SNAPSHOT, "courteous", "sr@latin").lang == "sr@latin"


def test_the_draft_call_is_traced_exactly(llm, kind):
    llm.replies = [Reply(200, BODIES[kind](_draft()), delay=0.2)]
    result = draft_reminder(REQUEST, provider(llm, kind))
    trace = result.trace
    assert (trace.prompt_version, trace.snapshot_hash, trace.outcome, trace.fallback_reason) == (
        DRAFT_PROMPT_VERSION,
        SNAPSHOT.digest(),
        "ok",
        None,
    )
    assert (trace.input_tokens, trace.output_tokens) == TOKENS[kind]
    assert 200 <= trace.latency_ms < 5000, "milliseconds: the server waited 0.2 s"
    sent = llm.requests[0]["json"]
    system = sent["system"] if kind == "anthropic" else sent["messages"][0]["content"]
    assert system == DRAFT_SYSTEM_PROMPT


def test_a_failed_draft_call_keeps_its_reason_and_tokens(llm, kind):
    llm.replies = [Reply(401, {"error": {"message": "bad key"}})]
    error = draft_reminder(REQUEST, provider(llm, kind)).trace
    assert (error.outcome, error.fallback_reason, error.input_tokens) == ("error", "provider: http_401", None)
    llm.replies = [Reply(200, BODIES[kind]("Dear customer"))]
    fallback = draft_reminder(REQUEST, provider(llm, kind)).trace
    assert (fallback.outcome, fallback.fallback_reason) == ("fallback", "non_json")
    assert (fallback.input_tokens, fallback.output_tokens, fallback.snapshot_hash) == (
        *TOKENS[kind],
        SNAPSHOT.digest(),
    )


def test_the_prompt_is_sorted_json():
    assert build_draft_prompt(REQUEST) == json.dumps(
        {"snapshot": SNAPSHOT.as_dict(), "tone": "firm", "language": "de_DE"}, sort_keys=True
    )
    assert build_draft_prompt(REQUEST).startswith('{"language": "de_DE", "snapshot": {"active_payment_plan"')


def test_texts_at_their_limits_are_accepted():
    draft, reason = parse_draft(_draft(subject="S" * 120, opening="o" * 700, closing="c" * 400))
    assert (reason, len(draft.opening)) == ("", 700)


def test_a_fenced_draft_over_several_lines_is_accepted():
    fenced = '```json\n{\n "subject": "Offen",\n "opening": "Bitte zahlen.",\n "closing": "Danke."\n}\n```'
    assert parse_draft(fenced) == (ReminderDraft("Offen", "Bitte zahlen.", "Danke."), "")


@pytest.mark.parametrize(
    ("tone", "lang", "message"),
    [
        ("angry", "en_US", "tone must be one of courteous, firm, final"),
        ("firm", "EN", "lang must be a language code such as en_US"),
    ],
)
def test_request_errors_say_what_is_expected(tone, lang, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        DraftRequest(SNAPSHOT, tone, lang)
