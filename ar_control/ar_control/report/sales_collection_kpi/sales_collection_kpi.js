// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.query_reports["Sales Collection KPI"] = {
	filters: [
		ar_control.filters.company(),
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: ["Month", "Quarter", "Year", "Date Range"],
			default: "Month",
			reqd: 1,
		},
		{
			fieldname: "date",
			label: __("Any Day of the Period"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
			depends_on: "eval:doc.period != 'Date Range'",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -1),
			depends_on: "eval:doc.period == 'Date Range'",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.month_start(), -1),
			depends_on: "eval:doc.period == 'Date Range'",
		},
		ar_control.filters.link("Sales Person", {
			description: __("This sales person and everyone below them in the tree"),
		}),
		ar_control.filters.link("Customer Group"),
		ar_control.filters.link("Territory"),
	],

	formatter(value, row, column, data, default_formatter) {
		if (data && column.fieldname === "sales_person" && (data.is_total || data.not_assigned)) {
			// not a Sales Person record: plain text, not a link
			return data.is_total ? `<b>${frappe.utils.escape_html(value)}</b>` : frappe.utils.escape_html(value);
		}
		if (data && column.fieldname === "sales_person") {
			return frappe.utils.get_form_link(
				"Sales Person",
				data.sales_person,
				true,
				frappe.utils.escape_html(data.sales_person)
			);
		}
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (data.is_total) value = `<b>${value}</b>`;
		if (column.fieldname === "dso_gap" && data.dso_gap > 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
