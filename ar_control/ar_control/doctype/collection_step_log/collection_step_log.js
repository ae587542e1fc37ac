// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

// A step record is never changed or deleted; a Credit Manager may have the step done again,
// which is itself recorded.
frappe.ui.form.on("Collection Step Log", {
	refresh(frm) {
		if (frm.doc.outcome === "Redo Requested" || !frappe.user.has_role("Credit Manager")) {
			return;
		}
		frm.add_custom_button(__("Redo This Step"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				({ reason }) =>
					frappe
						.call({
							method: "ar_control.collection.ladder.redo_step",
							args: { step: frm.doc.name, reason },
						})
						.then((r) => frappe.set_route("Form", "Collection Step Log", r.message)),
				__("Do this step again on the next ladder run"),
				__("Redo")
			);
		});
	},
});
