// Customer: its credit holds. A Credit Manager puts the customer on hold by hand (one company or
// all) with a reason; every hold, whatever set it, is released on its own Credit Hold record.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		frm.add_custom_button(
			__("Credit Holds"),
			() => frappe.set_route("List", "Credit Hold", { customer: frm.doc.name }),
			__("View")
		);
		if (!frappe.user.has_role("Credit Manager")) {
			return;
		}
		frm.add_custom_button(
			__("Put on Credit Hold"),
			() => {
				frappe.prompt(
					[
						{
							fieldname: "company",
							fieldtype: "Link",
							options: "Company",
							label: __("Company"),
							description: __("Empty: every company."),
						},
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					],
					({ company, reason }) =>
						frappe
							.call({
								method: "ar_control.credit.holds.put_on_hold",
								args: { customer: frm.doc.name, company, reason },
							})
							.then(() => frm.reload_doc()),
					__("Put on Credit Hold"),
					__("Put on Hold")
				);
			},
			__("Actions")
		);
	},
});
