// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Credit Assessment", {
	refresh(frm) {
		const colors = { Draft: "red", Approved: "green", Superseded: "gray", Expired: "orange", Cancelled: "red" };
		if (frm.doc.status) {
			frm.page.set_indicator(__(frm.doc.status), colors[frm.doc.status] || "gray");
		}
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Refresh Payment Behaviour"), () =>
				frm.call("refresh_payment_behaviour").then(() => frm.reload_doc())
			);
		}
		if (frm.doc.customer) {
			frm.add_custom_button(
				__("Customer"),
				() => frappe.set_route("Form", "Customer", frm.doc.customer),
				__("View")
			);
		}
	},
});
