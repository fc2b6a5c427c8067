/** @odoo-module **/
// A Billing User's round of the app, run by tests/test_billing_user_tour.py in a real
// browser: the subscriptions, one subscription's current usage and usage rows, the usage
// by period, and a dead-lettered webhook ready for a replay.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

function openOperationsMenu(item) {
    return [
        {
            content: "Open the Operations menu",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Operations')",
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains('${item}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("fusion_billing_user_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing app",
            trigger: '.o_app[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_root"]',
            run: "click",
        },
        {
            content: "The app opens on the apps' subscriptions",
            trigger: ".o_breadcrumb:contains('Subscriptions')",
        },
        {
            content: "Look the subscription up by the app's id for it",
            trigger: ".o_searchview_input",
            run: "edit sub_tour_prairie",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer's subscription",
            trigger: ".o_data_row .o_data_cell:contains('Tour Prairie Data')",
            run: "click",
        },
        {
            content: "Open its metered billing",
            trigger: ".o_notebook .nav-link:contains('Metered Billing')",
            run: "click",
        },
        {
            content: "Its current usage, rated with the plan's charges",
            trigger: ".o_field_widget[name=x_fc_current_usage] td:contains('tour_storage_gb')",
        },
        {
            trigger: ".o_field_widget[name=x_fc_current_usage] tfoot:contains('Total so far')",
        },
        {
            content: "Its usage rows, one per push",
            trigger: ".o_field_widget[name=x_fc_usage_ids] .o_data_row:nth-child(2)",
        },
        ...openOperationsMenu("Usage by Period"),
        {
            content: "Usage by period, in each metric's own aggregation",
            trigger: ".o_breadcrumb:contains('Usage by Period')",
        },
        {
            content: "The pivot adds the customers' usage up, metric by metric",
            trigger: ".o_pivot th:contains('tour_storage_gb')",
        },
        ...openOperationsMenu("Webhook Queue"),
        {
            content: "A dead-lettered webhook waits for a replay",
            trigger: ".o_data_row .o_data_cell:contains('invoice.created')",
            run: "click",
        },
        {
            content: "Its last error, and the Replay button",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Dead')",
        },
        {
            trigger: ".o_form_view button[name=action_replay]:contains('Replay')",
        },
    ],
});
