/** A quantity shows the digits it needs ("218.85", "26"), never the column's trailing
 * zeros ("26.000000"): in list and form cells, in group totals and in pivot cells. */
import { registry } from "@web/core/registry";
import { floatField } from "@web/views/fields/float/float_field";
import { formatFloat } from "@web/views/fields/formatters";

export function formatQuantity(value, options = {}) {
    return formatFloat(value, { ...options, trailingZeros: false });
}
formatQuantity.extractOptions = (fieldInfo) => ({
    ...formatFloat.extractOptions(fieldInfo),
    trailingZeros: false,
});

registry.category("formatters").add("fc_quantity", formatQuantity);
registry.category("fields").add("fc_quantity", {
    ...floatField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...floatField.extractProps(fieldInfo, dynamicInfo),
        trailingZeros: false,
    }),
});
