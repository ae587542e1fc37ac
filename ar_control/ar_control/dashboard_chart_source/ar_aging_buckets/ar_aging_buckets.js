// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["AR Aging Buckets"] = {
	method: "ar_control.ar_control.dashboard_chart_source.ar_aging_buckets.ar_aging_buckets.get",
	filters: [ar_control.filters.company(0)],
};
