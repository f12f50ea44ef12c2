import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("eh_collections_case_open_menu", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Collections menu",
            trigger: 'button[data-menu-xmlid="eh_collections_case.menu_collections_root"]',
            run: "click",
        },
        {
            content: "Open the cases",
            trigger: 'a[data-menu-xmlid="eh_collections_case.eh_collections_case_menu"]',
            run: "click",
        },
        {
            content: "The collector sees the customer's case",
            trigger: '.o_list_view .o_data_row td:contains("Tour Customer Ltd")',
        },
    ],
});
