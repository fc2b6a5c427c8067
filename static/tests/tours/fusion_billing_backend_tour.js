/** Finance staff at work (a Billing User): a graduated charge with two tiers made
 * through the form, a quantity previewed in a dialog that writes nothing, then the usage
 * pushes. Data comes from
 * tests/test_backend_tour.py. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

function pick(field, text) {
    return [
        {
            content: `type ${text} in ${field}`,
            trigger: `.o_form_view div[name="${field}"] input`,
            run: `edit ${text}`,
        },
        {
            content: `choose ${text}`,
            trigger: `.o-autocomplete--dropdown-menu li:not(.o_m2o_dropdown_option) a:contains("${text}")`,
            run: "click",
        },
    ];
}

function tierCell(row, field, value) {
    return [
        {
            content: `tier ${row + 1}: open ${field}`,
            trigger: `div[name="tier_ids"] .o_data_row:eq(${row}) td[name="${field}"]`,
            run: "click",
        },
        {
            content: `tier ${row + 1}: ${field} = ${value}`,
            trigger: `div[name="tier_ids"] .o_data_row:nth-child(${row + 1}).o_selected_row div[name="${field}"] input`,
            run: `edit ${value}`,
        },
    ];
}

registry.category("web_tour.tours").add("fusion_billing_backend_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("fusion_centralize_billing.menu_fusion_billing_root",
            "Open Billing"),
        {
            content: "Billing opens on its own subscriptions list",
            trigger: ".o_breadcrumb:contains(Billing Subscriptions)",
        },
        {
            content: "Open the catalogue",
            trigger: '.o_menu_sections button[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_catalogue"]',
            run: "click",
        },
        {
            content: "Open the usage charges",
            trigger: '.o-dropdown-item[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_charge"]',
            run: "click",
        },
        {
            content: "New charge",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        ...pick("plan_id", "Tour Plan"),
        ...pick("metric_id", "Tour Calls"),
        ...pick("product_id", "Tour Calls Overage"),
        {
            content: "Graduated pricing",
            trigger: 'div[name="charge_model"] input[data-value="graduated"]',
            run: "click",
        },
        {
            content: "Graduated starts with one open tier",
            trigger: 'div[name="tier_ids"] .o_data_row:eq(0)',
        },
        ...tierCell(0, "to_value", "10"),
        ...tierCell(0, "per_unit_amount", "1"),
        ...tierCell(0, "flat_amount", "2"),
        {
            content: "Add a second tier",
            trigger: 'div[name="tier_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            content: "tier 2: from 10",
            trigger: 'div[name="tier_ids"] .o_data_row:nth-child(2).o_selected_row div[name="from_value"] input',
            run: "edit 10",
        },
        {
            content: "tier 2: 0.50 per unit",
            trigger: 'div[name="tier_ids"] .o_data_row:nth-child(2).o_selected_row div[name="per_unit_amount"] input',
            run: "edit 0.5",
        },
        {
            content: "Leave the tier",
            trigger: 'div[name="pricing_summary"]',
            run: "click",
        },
        {
            content: "The open last tier reads 'and above'",
            trigger: 'div[name="tier_ids"] .o_data_row:nth-child(2) td[name="to_value"]:contains("and above")',
        },
        {
            content: "The form has read both tiers",
            trigger: 'div[name="pricing_summary"]:contains("over 10 calls"):contains("0.50 per call")',
        },
        {
            content: "Preview (saves the charge as typed, then opens a dialog)",
            trigger: '.o_form_view .o_form_statusbar button[name="action_open_preview"]',
            run: "click",
        },
        {
            content: "Type a quantity to preview",
            trigger: '.modal div[name="quantity"] input',
            run: "edit 15",
        },
        {
            content: "Leave the quantity",
            trigger: '.modal div[name="pricing_summary"]',
            run: "click",
        },
        {
            content: "15 calls cost 10 x 1.00 + 2.00 + 5 x 0.50 = 14.50",
            trigger: '.modal .o_fc_preview_total:contains("14.50")',
        },
        {
            content: "Close the preview: nothing of it is saved",
            trigger: '.modal .modal-footer button:contains("Close")',
            run: "click",
        },
        {
            content: "The charge is saved and clean",
            trigger: '.o_breadcrumb .active:contains("Tour Calls on Tour Plan")',
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open operations",
            trigger: '.o_menu_sections button[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_operations"]',
            run: "click",
        },
        {
            content: "Open the usage",
            trigger: '.o-dropdown-item[data-menu-xmlid="fusion_centralize_billing.menu_fusion_billing_usage"]',
            run: "click",
        },
        {
            content: "The pushes, one by one, each with its unit",
            trigger: '.o_data_row:has(.o_data_cell:contains("Tour Calls")):has(.o_data_cell:contains("42"))',
        },
    ],
});
