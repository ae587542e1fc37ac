// The credit panel on Sales Order, Delivery Note and Sales Invoice: limit, exposure, available,
// overdue, grade and hold of the customer in the document's company.
(() => {
	const DOCTYPES = ["Sales Order", "Delivery Note", "Sales Invoice"];

	function money(value, currency) {
		return value === null || value === undefined ? __("No limit") : format_currency(value, currency);
	}

	function render(frm, data) {
		const c = data.currency;
		const row = (label, value, css = "") =>
			`<div class="col-sm-3 col-6" style="margin-bottom: var(--margin-sm)">
				<div class="text-muted small">${label}</div>
				<div class="${css}" style="font-weight: 600">${value}</div>
			</div>`;
		const state = data.allowed
			? `<span class="indicator-pill green">${__("Within credit")}</span>`
			: `<span class="indicator-pill red">${__("Blocked at submission")}</span>`;
		const reasons = data.reasons.length
			? `<ul class="small text-danger" style="margin: 0">${data.reasons
					.map((r) => `<li>${frappe.utils.escape_html(r)}</li>`)
					.join("")}</ul>`
			: "";
		const html = `
			<div class="ar-credit-panel">
				<div style="margin-bottom: var(--margin-sm)"><b>${__("Customer Credit")}</b> ${state}
					${data.on_hold ? `<span class="indicator-pill red">${__("On credit hold")}</span>` : ""}
				</div>
				<div class="row">
					${row(__("Credit Limit"), money(data.credit_limit, c))}
					${row(__("Exposure"), money(data.exposure, c))}
					${row(__("Available"), money(data.available, c), data.available < 0 ? "text-danger" : "")}
					${row(
						__("Overdue beyond {0} days", [data.grace_days ?? "-"]),
						format_currency(data.overdue, c),
						data.overdue > 0 ? "text-danger" : ""
					)}
					${row(__("Credit Grade"), frappe.utils.escape_html(data.grade || __("Not assessed")))}
					${row(__("Next Review"), data.next_review_date ? frappe.datetime.str_to_user(data.next_review_date) : "-")}
					${row(__("Open Receivables"), format_currency(data.open_receivables, c))}
					${row(__("Unbilled Orders and Deliveries"), format_currency(data.unbilled_orders + data.unbilled_deliveries, c))}
				</div>
				${reasons}
			</div>`;
		panel_host(frm).html(html).removeClass("hidden");
	}

	// Above the tabs, so it shows whichever tab is open (the form dashboard lives in Connections).
	function panel_host(frm) {
		let $host = frm.layout.wrapper.children(".ar-credit-panel-host");
		if (!$host.length) {
			$host = $(
				`<div class="ar-credit-panel-host frappe-card hidden" style="padding: var(--padding-md); margin-bottom: var(--margin-md)"></div>`
			).insertAfter(frm.layout.message);
		}
		return $host;
	}

	function refresh_panel(frm) {
		if (!frm.doc.customer || !frm.doc.company || frm.doc.is_return || frm.doc.docstatus === 2) {
			panel_host(frm).addClass("hidden");
			return;
		}
		frappe
			.call({
				method: "ar_control.api.credit_panel",
				args: {
					customer: frm.doc.customer,
					company: frm.doc.company,
					doctype: frm.is_new() ? null : frm.doctype,
					name: frm.is_new() ? null : frm.doc.name,
				},
			})
			.then((r) => r.message && render(frm, r.message));
	}

	function add_override_button(frm) {
		if (frm.doc.docstatus !== 0 || frm.is_new() || !frappe.user.has_role("Credit Manager")) {
			return;
		}
		frm.add_custom_button(__("Override Credit Check"), () => {
			frappe.prompt(
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: __("Credit Override Reason"),
					reqd: 1,
				},
				({ reason }) => {
					frm.set_value("ar_credit_override_reason", reason);
					frm.save("Submit");
				},
				__("Submit despite the credit check"),
				__("Submit")
			);
		});
	}

	const handlers = {
		refresh(frm) {
			refresh_panel(frm);
			add_override_button(frm);
		},
		customer: refresh_panel,
		company: refresh_panel,
	};
	DOCTYPES.forEach((doctype) => frappe.ui.form.on(doctype, handlers));
})();
