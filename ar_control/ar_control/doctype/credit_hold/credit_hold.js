// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Credit Hold", {
	refresh(frm) {
		frm.page.set_indicator(__(frm.doc.status), frm.doc.status === "Active" ? "red" : "green");
		if (frm.doc.status !== "Active" || !frappe.user.has_role("Credit Manager")) {
			return;
		}
		frm.add_custom_button(__("Release"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				({ reason }) =>
					frappe
						.call({
							method: "ar_control.credit.holds.release_hold",
							args: { hold: frm.doc.name, reason },
						})
						.then(() => frm.reload_doc()),
				__("Release Credit Hold"),
				__("Release")
			);
		});
	},
});
