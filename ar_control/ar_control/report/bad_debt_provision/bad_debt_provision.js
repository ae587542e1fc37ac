// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.query_reports["Bad Debt Provision"] = {
	filters: [
		ar_control.filters.company(),
		ar_control.filters.as_of_date("as_of_date"),
		ar_control.filters.group_by(["Customer", "Band", "Sales Person"]),
		ar_control.filters.link("Customer"),
	],
	formatter(value, row, column, data, default_formatter) {
		// the total row adds up amounts; a rate has no total
		if (data && data.is_total && column.fieldname === "rate_percent") return "";
		value = default_formatter(value, row, column, data);
		return data && data.is_total ? `<b>${value}</b>` : value;
	},
};
