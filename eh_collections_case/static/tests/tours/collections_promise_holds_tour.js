import { registry } from "@web/core/registry";
import { openCollectionsMenu } from "./collections_tour_steps";

// A collector logs a promise on the phone, then meets the reminder queued before it:
// To approve says why it is held and offers no Send.
const customer = "Held Tour Ltd";
const row = `.o_data_row:contains("${customer}")`;

registry.category("web_tour.tours").add("eh_collections_case_promise_holds_reminder", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsMenu("eh_collections_case.eh_collections_case_menu", "Open the cases"),
        {
            content: "Open the case",
            trigger: `.o_kanban_record:contains("${customer}")`,
            run: "click",
        },
        {
            content: "Log the promise given on the phone",
            trigger: '.o_form_view button[name="action_open_log_promise"]',
            run: "click",
        },
        {
            content: "Promise 400",
            trigger: '.modal div[name="promise_amount"] input',
            run: "edit 400",
        },
        {
            content: "For five days from now",
            trigger: '.modal div[name="promise_date"] input',
            run: `edit ${luxon.DateTime.now().plus({ days: 5 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Say what was agreed",
            trigger: '.modal div[name="note"] textarea',
            run: "edit Will pay 400 on Friday",
        },
        {
            content: "Log it",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The case moved to Promised",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Promised")',
        },
        {
            content: "Open the Collections menu",
            trigger: 'button[data-menu-xmlid="eh_collections_case.menu_collections_root"]',
            run: "click",
        },
        {
            content: "Open the reminders to approve",
            trigger: 'a[data-menu-xmlid="eh_collections_case.eh_collections_followup_menu"]',
            run: "click",
        },
        {
            content: "The reminder queued before the promise says what holds it",
            trigger: `${row} td[name="hold_reason"]:contains("promise of $"):contains("running until")`,
        },
        {
            content: "and offers no Send",
            trigger: `.o_list_view:has(${row}):not(:has(${row} button[name="action_send"]))`,
        },
        {
            content: "Open it",
            trigger: `${row} td[name="partner_id"]`,
            run: "click",
        },
        {
            content: "The form says it is held, and why",
            trigger: '.o_form_view div[name="hold_alert"]:contains("Held: promise of $")',
        },
        {
            content: "No Send on the form either",
            trigger: '.o_form_view .o_form_statusbar:not(:has(button[name="action_send"]))',
        },
    ],
});
