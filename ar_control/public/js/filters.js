// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

// The filters the app's reports (AR Aging Analysis, Bad Debt Provision, Cash-in Forecast, Sales
// Collection KPI) and dashboard charts share, each defined once. Loaded on every desk page
// (hooks.py app_include_js); each is a function, so that its default is read when the report or
// chart opens.
frappe.provide("ar_control.filters");

$.extend(ar_control.filters, {
	// the user's default company (required unless told otherwise)
	company(reqd = 1) {
		return {
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			reqd,
			default: frappe.defaults.get_user_default("Company"),
		};
	},

	// the day the receivables are read on, today by default
	as_of_date(fieldname = "report_date") {
		return {
			fieldname,
			label: __("As of Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		};
	},

	// how the rows are grouped: the first option is the default
	group_by(options) {
		return {
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options,
			default: options[0],
			reqd: 1,
		};
	},

	// an optional filter on one record of a DocType (Customer, Customer Group, Territory,
	// Sales Person), named after it
	link(doctype, extra = {}) {
		return {
			fieldname: frappe.scrub(doctype),
			label: __(doctype),
			fieldtype: "Link",
			options: doctype,
			...extra,
		};
	},
});
