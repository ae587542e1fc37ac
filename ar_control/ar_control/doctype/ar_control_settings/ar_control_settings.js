// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("AR Control Settings", {
	setup(frm) {
		// the provision policy's accounts: ledger accounts of the row's company, of the right kind
		frm.set_query("allowance_account", "provision_policies", (doc, cdt, cdn) => ({
			filters: {
				company: locals[cdt][cdn].company,
				is_group: 0,
				root_type: "Asset",
				account_type: ["not in", ["Receivable", "Payable", "Bank", "Cash", "Stock"]],
			},
		}));
		frm.set_query("expense_account", "provision_policies", (doc, cdt, cdn) => ({
			filters: { company: locals[cdt][cdn].company, is_group: 0, root_type: "Expense" },
		}));
		frm.set_query("cost_center", "provision_policies", (doc, cdt, cdn) => ({
			filters: { company: locals[cdt][cdn].company, is_group: 0 },
		}));
	},
	refresh(frm) {
		if (!frappe.user.has_role("System Manager")) return;
		const call = (method) =>
			frappe.call({ method, freeze: true }).then((r) => frappe.msgprint(r.message));
		frm.add_custom_button(__("Make Demo Company"), () => call("ar_control.demo.api.make_demo"), __("Demo"));
		frm.add_custom_button(
			__("Remove Demo Company"),
			() =>
				frappe.confirm(
					__("Delete the demo company and everything that belongs to it?"),
					() => call("ar_control.demo.api.remove_demo")
				),
			__("Demo")
		);
	},
});
