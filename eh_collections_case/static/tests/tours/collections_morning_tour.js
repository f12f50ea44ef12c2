import { registry } from "@web/core/registry";
import { openCollectionsMenu } from "./collections_tour_steps";

// A collector's morning: the Cases menu opens on their own cases, and each card and
// form says what the follow-up cron will do next, as the cron will do it.
const card = (customer) => `.o_kanban_record:contains("${customer}")`;

registry.category("web_tour.tours").add("eh_collections_case_collector_morning", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsMenu("eh_collections_case.eh_collections_case_menu", "Open the cases"),
        {
            content: "The workbench opens on My cases",
            trigger: '.o_searchview_facet:contains("My cases")',
        },
        {
            content: "Someone else's case is not on my board",
            trigger: `.o_kanban_view:not(:has(${card("Morning Colleague Case")}))`,
        },
        {
            content: "400 days overdue: the demand letter goes out today, though no level was sent yet",
            trigger: `${card("Morning Old Debt Ltd")}:contains("400 days overdue"):contains("Demand letter today")`,
        },
        {
            content: "A promised case waits for its promise",
            trigger: `${card("Morning Promised Ltd")}:contains("if the promise of"):contains("is not kept")`,
        },
        {
            content: "A promised case shows its badge, with what it means",
            trigger: `${card("Morning Promised Ltd")} .badge[title*="promised to pay"]:contains("Promised")`,
        },
        {
            content: "A paused case says it is on hold until resumed",
            trigger: `${card("Morning Paused Ltd")}:contains("On hold until resumed")`,
        },
        {
            content: "Open the oldest debt",
            trigger: `${card("Morning Old Debt Ltd")}`,
            run: "click",
        },
        {
            content: "The form says the same next follow-up, and no level sent yet",
            trigger: '.o_form_view div[name="next_followup_label"]:contains("Demand letter today")',
        },
        {
            content: "Back to my cases",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the paused case",
            trigger: `${card("Morning Paused Ltd")}`,
            run: "click",
        },
        {
            content: "It is paused, on hold until resumed",
            trigger: '.o_form_view:has(.ribbon:contains("Paused")) div[name="next_followup_label"]:contains("On hold until resumed")',
        },
    ],
});
