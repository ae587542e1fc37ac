// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Collection KPI Snapshot"] = {
	onload(listview) {
		if (!frappe.user.has_role(["Credit Manager", "System Manager"])) return;
		listview.page.add_inner_button(__("Take Snapshots"), () => {
			frappe.prompt(
				[
					{
						fieldname: "company",
						fieldtype: "Link",
						options: "Company",
						label: __("Company"),
						reqd: 1,
						default: frappe.defaults.get_user_default("Company"),
					},
					{
						fieldname: "month",
						fieldtype: "Date",
						label: __("Any Day of the Month"),
						reqd: 1,
						default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
					},
				],
				(values) =>
					frappe
						.call({ method: "ar_control.kpi.snapshots.take_snapshots", args: values })
						.then((r) => frappe.show_alert({ message: r.message, indicator: "blue" })),
				__("Take Collection KPI Snapshots"),
				__("Take")
			);
		});
	},
};
