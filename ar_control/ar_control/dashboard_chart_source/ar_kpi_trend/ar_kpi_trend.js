// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["AR KPI Trend"] = {
	method: "ar_control.ar_control.dashboard_chart_source.ar_kpi_trend.ar_kpi_trend.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
	],
};
