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
		frm.add_custom_button(__("Make Demo Company"), () => make_demo(), __("Demo"));
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

// The demo users' password is chosen here; the server keeps only its hash. On a site that keeps
// other companies' books the server first says what the demo's users will see, and asks.
function make_demo() {
	const dialog = new frappe.ui.Dialog({
		title: __("Make Demo Company"),
		fields: [
			{
				fieldname: "password",
				fieldtype: "Password",
				label: __("Password of the Demo Users"),
				reqd: 1,
				description: __("The demo's users log in with it. It is not shown or stored anywhere again."),
			},
		],
		primary_action_label: __("Make"),
		primary_action({ password }) {
			const send = (confirm) =>
				frappe
					.call({
						method: "ar_control.demo.api.make_demo",
						args: { password, confirm },
						freeze: true,
					})
					.then(({ message }) => {
						if (message.confirm) {
							frappe.confirm(frappe.utils.escape_html(message.confirm), () => send(1));
							return;
						}
						dialog.hide();
						frappe.msgprint(message.message);
					});
			send(0);
		},
	});
	dialog.show();
}
