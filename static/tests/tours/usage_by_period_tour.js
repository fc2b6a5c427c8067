/** Finance reads a month of one customer's usage per metric, each in its own aggregation
 * (a peak is the largest push, users are counted once, calls are added up), then one
 * metric's periods in a graph with one unit on its axis. Data comes from
 * tests/test_usage_period_tour.py. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

function cells(metric, expected) {
    return {
        content: `${metric}: ${expected.join(" | ")}`,
        // One cell only once the customer's filter applies: its usage is one month.
        trigger: `.o_pivot tr:has(th:contains("${metric}")):has(td:only-of-type)`,
        run() {
            const got = [...this.anchor.querySelectorAll("td")].map((td) => td.textContent.trim());
            if (JSON.stringify(got) !== JSON.stringify(expected)) {
                throw new Error(`${metric}: ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("fusion_billing_usage_by_period_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("fusion_centralize_billing.menu_fusion_billing_root",
            "Open Billing"),
        {
            content: "Open operations",
            trigger: '.o_menu_sections button[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_operations"]',
            run: "click",
        },
        {
            content: "Open Usage by Period",
            trigger: '.o-dropdown-item[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_usage_period"]',
            run: "click",
        },
        {
            content: "The pivot opens",
            trigger: '.o_breadcrumb:contains("Usage by Period")',
        },
        {
            trigger: ".o_pivot .o_pivot_cell_value",
        },
        {
            content: "One customer",
            trigger: ".o_searchview_input",
            run: "edit Period Tour Hosting",
        },
        {
            content: "Search it as the customer",
            trigger: '.o_searchview_autocomplete .o-dropdown-item:contains("Customer")',
            run: "click",
        },
        {
            content: "The pivot: metrics by billing period",
            trigger: '.o_pivot th:contains("October 2026")',
        },
        // October: the largest push, the users counted once, the calls added up.
        cells("tour_peak_gb", ["120.5"]),
        cells("tour_users", ["2"]),
        cells("tour_calls", ["13"]),
        {
            content: "Open the catalogue's metrics",
            trigger: '.o_menu_sections button[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_catalogue"]',
            run: "click",
        },
        {
            trigger: '.o-dropdown-item[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_metric"]',
            run: "click",
        },
        {
            content: "Open the peak metric",
            trigger: '.o_data_row .o_data_cell:contains("tour_peak_gb")',
            run: "click",
        },
        {
            content: "Its usage by period",
            trigger: '.o_form_view button[name="action_view_usage_periods"]',
            run: "click",
        },
        {
            content: "A graph of this metric only: one unit on the axis",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Its unit in the title",
            trigger: '.o_breadcrumb:contains("tour_peak_gb by Period, in GB")',
        },
    ],
});
