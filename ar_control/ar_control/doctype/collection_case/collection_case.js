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
		if (frappe.user.has_role("Credit Manager")) {
			frappe.db.get_value("Customer", frm.doc.customer, "ar_credit_hold").then(({ message }) => {
				if (message && message.ar_credit_hold) {
					frm.add_custom_button(__("Release Credit Hold"), () => {
						frappe.prompt(
							{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
							({ reason }) =>
								frm.call("release_credit_hold", { reason }).then(() => frm.reload_doc()),
							__("Release Credit Hold"),
							__("Release")
						);
					});
				}
			});
		}
	},
});
