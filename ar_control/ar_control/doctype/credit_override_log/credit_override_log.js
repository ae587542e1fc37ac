// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

// An override record is never changed; a Credit Manager adds a correction that names it.
frappe.ui.form.on("Credit Override Log", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role("Credit Manager")) {
			return;
		}
		frm.add_custom_button(__("Add Correction"), () => {
			frappe.prompt(
				{ fieldname: "note", fieldtype: "Small Text", label: __("Correction"), reqd: 1 },
				({ note }) =>
					frappe
						.call({
							method: "ar_control.credit.check.correct_override",
							args: { log: frm.doc.name, note },
						})
						.then((r) => frappe.set_route("Form", "Credit Override Log", r.message)),
				__("Correct this override record"),
				__("Add")
			);
		});
	},
});
