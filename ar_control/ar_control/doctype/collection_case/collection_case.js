// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Collection Case", {
	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		frm.add_custom_button(__("Add Activity"), () => {
			frappe.new_doc("Collection Activity", { collection_case: frm.doc.name });
		});
		frm.add_custom_button(
			__("Activity Log"),
			() => frappe.set_route("List", "Collection Activity", { collection_case: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Ladder Steps"),
			() => frappe.set_route("List", "Collection Step Log", { collection_case: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Credit Holds"),
			() => frappe.set_route("List", "Credit Hold", { customer: frm.doc.customer }),
			__("View")
		);
		if (
			frappe.user.has_role(["Credit Manager", "Accounts Manager"]) &&
			!["Closed - Paid", "Closed - Written Off"].includes(frm.doc.status) &&
			frm.doc.outstanding_amount > 0
		) {
			frm.add_custom_button(__("Write Off Through Allowance"), () => {
				frappe.confirm(
					__(
						"Write off {0} of this case's open invoices against the allowance for doubtful accounts?",
						[format_currency(frm.doc.outstanding_amount, frm.doc.currency)]
					),
					() =>
						frm.call("write_off_through_allowance").then((r) => {
							frappe.show_alert({
								message: __("Journal Entry {0} posted.", [r.message]),
								indicator: "green",
							});
							frm.reload_doc();
						})
				);
			});
		}
		if (frappe.user.has_role("Credit Manager")) {
			frappe.db
				.count("Credit Hold", {
					filters: {
						customer: frm.doc.customer,
						company: frm.doc.company,
						source: "Collection Ladder",
						status: "Active",
					},
				})
				.then((count) => {
					if (!count) {
						return;
					}
					frm.add_custom_button(__("Release Ladder Hold"), () => {
						frappe.prompt(
							{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
							({ reason }) =>
								frm.call("release_credit_hold", { reason }).then(() => frm.reload_doc()),
							__("Release the Collection Ladder's Credit Hold"),
							__("Release")
						);
					});
				});
		}
	},
});
