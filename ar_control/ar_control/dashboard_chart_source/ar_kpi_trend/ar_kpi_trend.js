// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["AR KPI Trend"] = {
	method: "ar_control.ar_control.dashboard_chart_source.ar_kpi_trend.ar_kpi_trend.get",
	filters: [ar_control.filters.company(0)],
};
