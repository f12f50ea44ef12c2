import { registry } from "@web/core/registry";
import { openCollectionsMenu } from "./collections_tour_steps";

registry.category("web_tour.tours").add("eh_collections_case_open_menu", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsMenu("eh_collections_case.eh_collections_case_menu", "Open the cases"),
        {
            content: "The case is a card in the New column of the kanban",
            trigger: '.o_kanban_group:contains("New") .o_kanban_record:contains("Tour Customer Ltd")',
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the case from the list",
            trigger: '.o_list_view .o_data_row td:contains("Tour Customer Ltd")',
            run: "click",
        },
        {
            content: "Log a call",
            trigger: '.o_form_view button[name="action_open_log_action"]',
            run: "click",
        },
        {
            content: "The customer was reached",
            trigger: '.modal div[name="contact_made"] input',
            run: "click",
        },
        {
            content: "Say what was agreed",
            trigger: '.modal div[name="note"] textarea',
            run: "edit Called, invoice approved for payment",
        },
        {
            content: "Log it",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The call is in the chatter",
            trigger: '.o-mail-Message:contains("Called, invoice approved for payment")',
        },
        {
            content: "The case moved to Contacted",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Contacted")',
        },
    ],
});
