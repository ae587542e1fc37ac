// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

// The filter a group row drills down to, per "Group By" value.
const AR_AGING_DRILL_FILTER = {
	Customer: "customer",
	"Sales Person": "sales_person",
	Territory: "territory",
	"Customer Group": "customer_group",
};

frappe.query_reports["AR Aging Analysis"] = {
	filters: [
		ar_control.filters.company(),
		ar_control.filters.as_of_date(),
		ar_control.filters.group_by(["Customer", "Sales Person", "Territory", "Customer Group", "Voucher"]),
		{
			fieldname: "ageing_based_on",
			label: __("Ageing Based On"),
			fieldtype: "Select",
			options: ["", "Due Date", "Posting Date"],
			description: __("Empty: as set in AR Control Settings"),
		},
		{
			fieldname: "range",
			label: __("Ageing Range"),
			fieldtype: "Data",
			description: __("Bucket boundaries in days, e.g. 30, 60, 90, 120. Empty: as set in AR Control Settings"),
		},
		ar_control.filters.link("Customer"),
		ar_control.filters.link("Customer Group"),
		ar_control.filters.link("Territory"),
		ar_control.filters.link("Sales Person"),
		{
			fieldname: "based_on_payment_terms",
			label: __("Based On Payment Terms"),
			fieldtype: "Check",
			description: __("Each invoice split into its payment schedule's terms, each aged by its own due date"),
		},
	],

	formatter(value, row, column, data, default_formatter) {
		if (data && column.fieldname === "group" && (data.is_total || data.not_assigned)) {
			// not a record of the grouped DocType: plain text, not a link
			return data.is_total ? `<b>${frappe.utils.escape_html(value)}</b>` : frappe.utils.escape_html(value);
		}
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (data.is_total) return `<b>${value}</b>`;
		const group_by = frappe.query_report.get_filter_value("group_by");
		if (column.fieldname === "party" && data.party) {
			return frappe.utils.get_form_link("Customer", data.party, true, frappe.utils.escape_html(data.party));
		}
		if (column.fieldname === "group" && !data.not_assigned && AR_AGING_DRILL_FILTER[group_by]) {
			// drill down: the same report at voucher level, filtered to this group
			return `<a class="ar-aging-drill" data-group-by="${encodeURIComponent(
				group_by
			)}" data-value="${encodeURIComponent(data.group)}" title="${__(
				"Show the vouchers"
			)}">${frappe.utils.escape_html(data.group)}</a>`;
		}
		return value;
	},

	onload(report) {
		report.page.wrapper.on("click", ".ar-aging-drill", function (event) {
			event.preventDefault();
			const group_by = decodeURIComponent($(this).attr("data-group-by"));
			const value = decodeURIComponent($(this).attr("data-value"));
			frappe.query_report.set_filter_value({
				[AR_AGING_DRILL_FILTER[group_by]]: value,
				group_by: "Voucher",
			});
		});
		report.page.add_inner_button(__("Accounts Receivable (ERPNext)"), () => {
			const filters = report.get_values();
			frappe.set_route("query-report", "Accounts Receivable", {
				company: filters.company,
				report_date: filters.report_date,
				ageing_based_on: filters.ageing_based_on || "Due Date",
				range: filters.range || "30, 60, 90, 120",
				calculate_ageing_with: "Report Date",
			});
		});
	},
};
