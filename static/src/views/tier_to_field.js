/** A tier's upper bound: a To of 0 is the open last tier, which reads "and above" (the
 * charge form's tier list), not "0". Editing still takes a number. */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";

export class TierToField extends FloatField {
    get formattedValue() {
        if (this.props.readonly && !this.value) {
            return _t("and above");
        }
        return super.formattedValue;
    }
}

registry.category("fields").add("fc_tier_to", {
    ...floatField,
    component: TierToField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...floatField.extractProps(fieldInfo, dynamicInfo),
        trailingZeros: false,
    }),
});
