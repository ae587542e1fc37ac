// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Specific Provision", {
	setup(frm) {
		frm.set_query("sales_invoice", () => ({
			filters: { customer: frm.doc.customer, company: frm.doc.company, docstatus: 1 },
		}));
		frm.set_query("collection_case", () => ({
			filters: { customer: frm.doc.customer, company: frm.doc.company },
		}));
	},
});
