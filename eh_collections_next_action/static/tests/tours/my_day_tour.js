import { registry } from "@web/core/registry";
import { openCollectionsMenu } from "@eh_collections_case/../tests/tours/collections_tour_steps";

// A collector's morning: My day, the top case and why it is first, the call, and the
// case leaving the list.
registry.category("web_tour.tours").add("eh_collections_my_day", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsMenu("eh_collections_next_action.eh_collections_my_day_menu", "Open My day"),
        {
            content: "The promise due today comes first, and says so",
            trigger:
                '.o_list_view .o_data_row:first-child:contains("Morning Promise Ltd"):contains("due today")',
        },
        {
            content: "The quieter case waits below",
            trigger: '.o_list_view .o_data_row:nth-child(2):contains("Morning Quiet Ltd")',
        },
        {
            content: "Open the top case",
            trigger: '.o_list_view .o_data_row:first-child td:contains("Morning Promise Ltd")',
            run: "click",
        },
        {
            content: "The case says why it is first today",
            trigger: '.o_form_view div[name="eh_my_day_reason"]:contains("due today")',
        },
        {
            content: "Log the call",
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
            run: "edit Confirmed the transfer goes out today",
        },
        {
            content: "Log it",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The call is in the chatter",
            trigger: '.o-mail-Message:contains("Confirmed the transfer goes out today")',
        },
        {
            content: "Back to My day",
            trigger: '.o_breadcrumb a:contains("My day")',
            run: "click",
        },
        {
            content: "The called case left the list; the other one is on top",
            trigger:
                '.o_list_view:not(:has(.o_data_row:contains("Morning Promise Ltd"))) .o_data_row:first-child:contains("Morning Quiet Ltd")',
        },
    ],
});
