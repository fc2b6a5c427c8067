/** @odoo-module **/
// Finance's way from a mismatch to the usage behind it, run by
// tests/test_reconciliation_tour.py in a real browser: the Reconciliation list opens on
// the mismatch first, its line shows Odoo's and the app's figures and the difference,
// and its Usage Rows button opens the pushes Odoo billed from.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("fusion_billing_reconciliation_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing app",
            trigger: '.o_app[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_root"]',
            run: "click",
        },
        {
            content: "Open the Operations menu",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Operations')",
            run: "click",
        },
        {
            content: "Open Reconciliation",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Reconciliation'):not(:contains('Period'))",
            run: "click",
        },
        {
            content: "The mismatch comes first",
            trigger: ".o_data_row:first-child .o_data_cell:contains('Mismatch')",
        },
        {
            content: "A line still waiting for the app shows no figure for it",
            trigger: ".o_data_row:contains('Missing in the App') .o_data_cell[name=app_amount]:empty",
        },
        {
            content: "Open the mismatch",
            trigger: ".o_data_row:first-child .o_data_cell:contains('tour_calls')",
            run: "click",
        },
        {
            content: "Odoo's figure, the app's and the difference",
            trigger: ".o_field_widget[name=difference]:contains('5.00')",
        },
        {
            content: "Open the usage behind Odoo's figure",
            trigger: "button[name=action_view_usage]",
            run: "click",
        },
        {
            content: "The push Odoo billed from: 20 calls of the customer",
            trigger: ".o_data_row:contains('Tour Tundra Analytics'):contains('tour_calls'):contains('20')",
        },
    ],
});
