// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.query_reports["Cash-in Forecast"] = {
	filters: [
		ar_control.filters.company(),
		ar_control.filters.as_of_date(),
		{
			fieldname: "weeks",
			label: __("Weeks Ahead"),
			fieldtype: "Int",
			default: 13,
			reqd: 1,
		},
		ar_control.filters.group_by(["Week", "Customer", "Sales Person"]),
		ar_control.filters.link("Customer"),
	],

	formatter(value, row, column, data, default_formatter) {
		if (data && (data.is_total || data.not_assigned) && ["period", "customer", "sales_person"].includes(column.fieldname)) {
			// not a record: plain text
			const text = frappe.utils.escape_html(value);
			return data.is_total ? `<b>${text}</b>` : text;
		}
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (data.is_total) return `<b>${value}</b>`;
		if (column.fieldname === "customer" && data.customer) {
			return frappe.utils.get_form_link("Customer", data.customer, true, frappe.utils.escape_html(data.customer));
		}
		return value;
	},

	onload(report) {
		const roles = frappe.user_roles || [];
		if (!roles.includes("Accounts Manager") && !roles.includes("Credit Manager")) return;
		report.page.add_inner_button(__("Backtest"), () => {
			const filters = report.get_values() || {};
			const dialog = new frappe.ui.Dialog({
				title: __("Backtest the Cash-in Forecast"),
				fields: [
					{
						fieldname: "from_date",
						label: __("From Date"),
						fieldtype: "Date",
						description: __("Empty: the last 12 month-ends whose weeks have passed"),
					},
					{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
					{ fieldname: "weeks", label: __("Weeks Ahead"), fieldtype: "Int", default: filters.weeks || 13 },
				],
				primary_action_label: __("Run"),
				primary_action(values) {
					dialog.hide();
					frappe.call({
						method: "ar_control.forecast.backtest.run",
						args: { filters: { company: filters.company, customer: filters.customer, ...values } },
						freeze: true,
						freeze_message: __("Forecasting every month-end..."),
						callback(r) {
							if (!r.message) return;
							show_backtest(r.message);
							// over every customer it is now the accuracy shown beside the figures
							if (r.message.kept) report.refresh();
						},
					});
				},
			});
			dialog.show();
		});
	},
};

function show_backtest(result) {
	const esc = frappe.utils.escape_html;
	const head = result.headers.map((h) => `<th>${esc(h)}</th>`).join("");
	const body = result.rows
		.map((row) => `<tr>${row.map((cell) => `<td class="text-right">${esc(cell)}</td>`).join("")}</tr>`)
		.join("");
	frappe.msgprint({
		title: __("Backtest: {0} month-ends, {1} weeks", [result.origins.length, result.weeks]),
		wide: true,
		message: `<p>${esc(__("Origins: {0}", [result.origins.join(", ")]))}</p>
			<table class="table table-bordered table-condensed"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>
			<p class="text-muted">${esc(
				__("WAPE: sum of the weekly absolute errors over what was collected. Bias: the week's forecast against what was collected in it. Total error: the cumulative forecast through the week against what was collected through it; positive means too high. Collected per forecast: what came in per unit forecast, 10th to 90th percentile of the month-ends.")
			)}</p>
			${result.kept ? `<p>${esc(__("The report now shows this backtest's accuracy beside the forecast."))}</p>` : ""}`,
	});
}
