/** A new Billing Administrator sets up a service from nothing, in the back end only:
 * the service, its API key, a metric (its code from its name), a plan with its fee and
 * a usage charge; then the app subscribes a customer through the API with that key, and
 * the subscription shows the plan's fee. Run by tests/test_new_service_tour.py. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The API key, read once from the key dialog, for the app's calls at the end.
let apiKey = null;

function menu(section, item) {
    return [
        {
            content: `Open ${section}`,
            trigger: `.o_menu_sections button[data-menu-xmlid="fusion_centralize_billing.${section}"]`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.o-dropdown-item[data-menu-xmlid="fusion_centralize_billing.${item}"]`,
            run: "click",
        },
    ];
}

function type(field, text, scope = ".o_form_view") {
    return {
        content: `${field}: ${text}`,
        trigger: `${scope} div[name="${field}"] input`,
        run: `edit ${text}`,
    };
}

function pick(field, text, scope = ".o_form_view") {
    return [
        type(field, text, scope),
        {
            content: `choose ${text}`,
            trigger: `.o-autocomplete--dropdown-menu li:not(.o_m2o_dropdown_option) a:contains("${text}")`,
            run: "click",
        },
    ];
}

async function api(method, path, body) {
    const response = await fetch(`/api/billing/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    }
    return answer;
}

registry.category("web_tour.tours").add("fusion_billing_new_service_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("fusion_centralize_billing.menu_fusion_billing_root",
            "Open Billing"),
        // The service and its key.
        ...menu("menu_fusion_billing_configuration", "menu_fusion_billing_service"),
        {
            content: "New service",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        type("name", "Tour Maps"),
        type("code", "tourmaps"),
        ...stepUtils.saveForm(),
        {
            content: "Generate its API key",
            trigger: '.o_form_view button[name="action_open_key_wizard"]',
            run: "click",
        },
        {
            content: "Generate",
            trigger: '.modal button[name="action_generate"]',
            run: "click",
        },
        {
            content: "The key is shown once: copy it",
            trigger: '.modal div[name="key"]:contains("fcb_")',
            run() {
                apiKey = this.anchor.textContent.match(/fcb_[0-9a-f]{40}/)[0];
            },
        },
        {
            content: "Done",
            trigger: '.modal .modal-footer button:contains("Done")',
            run: "click",
        },
        // A metric of the service: its code comes from its name.
        ...menu("menu_fusion_billing_catalogue", "menu_fusion_billing_metric"),
        {
            content: "New metric",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        type("name", "Map Loads"),
        ...pick("service_id", "Tour Maps"),
        type("unit_name", "load"),
        {
            content: "The code follows the name",
            trigger: '.o_form_view div[name="code"] input',
            run() {
                if (this.anchor.value !== "map_loads") {
                    throw new Error(`code ${this.anchor.value}, not map_loads`);
                }
            },
        },
        ...stepUtils.saveForm(),
        // A plan with its fee, then its usage charge.
        ...menu("menu_fusion_billing_catalogue", "menu_fusion_billing_plan"),
        {
            content: "New plan",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        type("name", "Maps Starter"),
        ...pick("x_fc_service_id", "Tour Maps"),
        type("x_fc_plan_code", "maps_starter"),
        type("x_fc_fee", "29"),
        ...stepUtils.saveForm(),
        {
            content: "The fee made the plan's product",
            trigger: '.o_form_view div[name="x_fc_product_id"] input:value("Maps Starter")',
        },
        {
            content: "Add a usage charge",
            trigger: 'div[name="x_fc_charge_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        ...pick("metric_id", "Map Loads", ".modal .o_form_view"),
        type("amount", "0.01", ".modal .o_form_view"),
        {
            content: "Leave the price",
            trigger: '.modal div[name="pricing_summary"]',
            run: "click",
        },
        {
            content: "The charge in words",
            trigger: '.modal div[name="pricing_summary"]:contains("0.01 per load")',
        },
        {
            content: "Save the charge",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The plan lists its charge",
            trigger: 'div[name="x_fc_charge_ids"] .o_data_row:contains("Map Loads")',
        },
        ...stepUtils.saveForm(),
        // The app subscribes a customer with the key, through the API.
        {
            content: "The app creates its customer and subscribes it to the plan",
            trigger: ".o_form_view",
            async run() {
                await api("POST", "/customers", { customer: {
                    external_id: "tour-maps-cus", name: "Tour Atlas Inc.",
                    email: "billing@atlas.example" } });
                const answer = await api("POST", "/subscriptions", { subscription: {
                    external_customer_id: "tour-maps-cus", plan_code: "maps_starter",
                    external_id: "tour-maps-sub" } });
                if (answer.subscription.plan_amount_cents !== 2900) {
                    throw new Error(`plan_amount_cents ${answer.subscription.plan_amount_cents}`);
                }
            },
        },
        // The subscription shows the plan's fee.
        ...menu("menu_fusion_billing_operations", "menu_fusion_billing_subscription"),
        {
            content: "Look the subscription up by the app's id",
            trigger: ".o_searchview_input",
            run: "edit tour-maps-sub",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open it",
            trigger: ".o_data_row .o_data_cell:contains('Tour Atlas Inc.')",
            run: "click",
        },
        {
            content: "Its billing plan",
            trigger: '.o_field_widget[name="x_fc_plan_id"]:contains("Maps Starter")',
        },
        {
            content: "Open its order lines",
            trigger: ".o_notebook .nav-link[name='order_lines']",
            run: "click",
        },
        {
            content: "The plan's fee is on the subscription",
            trigger: '.o_field_widget[name="order_line"] .o_data_row:contains("Maps Starter"):contains("29.00")',
        },
    ],
});
