// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Provision Run", {
	onload(frm) {
		if (frm.is_new() && !frm.doc.as_of_date) {
			frm.set_value("as_of_date", frappe.datetime.get_today());
		}
	},
	refresh(frm) {
		if (frm.doc.journal_entry) {
			frm.add_custom_button(
				__("Journal Entry"),
				() => frappe.set_route("Form", "Journal Entry", frm.doc.journal_entry),
				__("View")
			);
		}
		if (!frm.is_new()) {
			frm.add_custom_button(
				__("Bad Debt Provision"),
				() =>
					frappe.set_route("query-report", "Bad Debt Provision", {
						company: frm.doc.company,
						as_of_date: frm.doc.as_of_date,
					}),
				__("View")
			);
		}
	},
});
