import { registry } from "@web/core/registry";
import { openCollectionsMenu } from "./collections_tour_steps";

registry.category("web_tour.tours").add("eh_collections_case_dashboard", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsMenu("eh_collections_case.menu_collections_dashboard", "Open the dashboard from Reporting"),
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
