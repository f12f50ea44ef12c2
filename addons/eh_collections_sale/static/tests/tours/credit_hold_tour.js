import { registry } from "@web/core/registry";

// A salesperson opens the held customer's quotation (the tour starts on it), reads why,
// and cannot confirm it.
registry.category("web_tour.tours").add("eh_collections_sale_hold_salesperson", {
    steps: () => [
        {
            content: "The banner says why",
            trigger: '.o_form_view div[name="eh_credit_hold"]:contains("on credit hold")',
        },
        {
            content: "No override for a salesperson",
            trigger: '.o_form_view:not(:has(button[name="action_eh_override_credit_hold"]))',
        },
        {
            content: "Try to confirm",
            trigger: '.o_form_view button[name="action_confirm"]:visible',
            run: "click",
        },
        {
            content: "Refused, with the reason and who can lift it",
            trigger: '.modal:contains("A Sales Manager or a Collections Manager can confirm anyway")',
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Still a quotation",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Quotation")',
        },
    ],
});

// A Sales Manager confirms it over the hold, with a reason.
registry.category("web_tour.tours").add("eh_collections_sale_hold_override", {
    steps: () => [
        {
            content: "The held quotation says why",
            trigger: '.o_form_view div[name="eh_credit_hold"]:contains("Tour Hold Ltd is on credit hold")',
        },
        {
            content: "Override the credit hold",
            trigger: '.o_form_view button[name="action_eh_override_credit_hold"]',
            run: "click",
        },
        {
            content: "Say why",
            trigger: '.modal div[name="reason"] input',
            run: "edit Customer paid a deposit",
        },
        {
            content: "Confirm the order",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Sales Order")',
        },
    ],
});
