import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("eh_collections_case_dashboard", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Collections menu",
            trigger: 'button[data-menu-xmlid="eh_collections_case.menu_collections_root"]',
            run: "click",
        },
        {
            content: "Open the dashboard from Reporting",
            trigger: 'a[data-menu-xmlid="eh_collections_case.menu_collections_dashboard"]',
            run: "click",
        },
        {
            content: "The DSO of the latest figures is on top",
            trigger: ".o_eh_collections_dashboard .o_eh_kpi_dso .o_eh_kpi_value:contains('91.6 d')",
        },
        {
            content: "The trend is drawn",
            trigger: ".o_eh_collections_dashboard canvas",
        },
        {
            content: "The top debtor is listed",
            trigger: ".o_eh_top_debtors tr:contains('Dashboard Debtor Ltd')",
            run: "click",
        },
        {
            content: "Its case opens",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Dashboard Debtor Ltd')",
        },
    ],
});
