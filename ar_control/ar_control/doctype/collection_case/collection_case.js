// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Collection Case", {
	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		if (frappe.model.can_create("Collection Activity")) {
			frm.add_custom_button(__("Add Activity"), () => add_activity(frm));
		}
		customer_page_buttons(frm);
		frm.add_custom_button(
			__("Activity Log"),
			() => frappe.set_route("List", "Collection Activity", { collection_case: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Ladder Steps"),
			() => frappe.set_route("List", "Collection Step Log", { collection_case: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Credit Holds"),
			() => frappe.set_route("List", "Credit Hold", { customer: frm.doc.customer }),
			__("View")
		);
		if (
			frappe.user.has_role(["Credit Manager", "Accounts Manager"]) &&
			!["Closed - Paid", "Closed - Written Off"].includes(frm.doc.status) &&
			frm.doc.outstanding_amount > 0
		) {
			frm.add_custom_button(__("Write Off Through Allowance"), () => {
				frappe.confirm(
					__(
						"Write off {0} of this case's open invoices against the allowance for doubtful accounts?",
						[format_currency(frm.doc.outstanding_amount, frm.doc.currency)]
					),
					() =>
						frm.call("write_off_through_allowance").then((r) => {
							frappe.show_alert({
								message: __("Journal Entry {0} posted.", [r.message]),
								indicator: "green",
							});
							frm.reload_doc();
						})
				);
			});
		}
		if (frappe.user.has_role("Credit Manager")) {
			frappe.db
				.count("Credit Hold", {
					filters: {
						customer: frm.doc.customer,
						company: frm.doc.company,
						source: "Collection Ladder",
						status: "Active",
					},
				})
				.then((count) => {
					if (!count) {
						return;
					}
					frm.add_custom_button(__("Release Ladder Hold"), () => {
						frappe.prompt(
							{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
							({ reason }) =>
								frm.call("release_credit_hold", { reason }).then(() => frm.reload_doc()),
							__("Release the Collection Ladder's Credit Hold"),
							__("Release")
						);
					});
				});
		}
	},
});

// An entry of the evidence file, added in a dialog: the activity is created, never edited (its
// roles may create it but not write it, so the plain form would open read-only for them).
function add_activity(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Add Activity"),
		fields: [
			{
				fieldname: "activity_type",
				fieldtype: "Select",
				label: __("Type"),
				options: ["Call", "Email", "Letter", "Visit", "Legal Step", "Note"],
				default: "Call",
				reqd: 1,
			},
			{
				fieldname: "contact",
				fieldtype: "Link",
				label: __("Contact"),
				options: "Contact",
				get_query: () => ({
					filters: { link_doctype: "Customer", link_name: frm.doc.customer },
				}),
			},
			{
				fieldname: "sales_invoice",
				fieldtype: "Select",
				label: __("Sales Invoice"),
				options: ["", ...(frm.doc.invoices || []).map((row) => row.sales_invoice)],
			},
			{ fieldname: "summary", fieldtype: "Small Text", label: __("Summary"), reqd: 1 },
			{ fieldname: "outcome", fieldtype: "Data", label: __("Outcome") },
			{ fieldname: "next_action_date", fieldtype: "Date", label: __("Next Action Date") },
		],
		primary_action_label: __("Add"),
		primary_action(values) {
			frappe
				.xcall("frappe.client.insert", {
					doc: {
						doctype: "Collection Activity",
						collection_case: frm.doc.name,
						activity_date: frappe.datetime.now_datetime(),
						user: frappe.session.user,
						...values,
					},
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("Activity added"), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

// The customer's page (ar_control.portal): a new personal link for the customer, shown once to
// copy; every link of the customer in this company revoked.
function customer_page_buttons(frm) {
	if (!frappe.user.has_role(["Collector", "Credit Manager", "Accounts Manager", "System Manager"])) {
		return;
	}
	if (frm.doc.customer_answered) {
		frm.dashboard.set_headline_alert(
			__("The customer answered on its page since the last ladder step."),
			"green"
		);
	}
	frm.add_custom_button(
		__("Copy Customer Link"),
		() =>
			frappe
				.call({ method: "ar_control.collection.links.copy_link", args: { case: frm.doc.name } })
				.then((r) => {
					frappe.utils.copy_to_clipboard(r.message);
					frappe.msgprint({
						title: __("Customer Link"),
						message: __("A new link to the customer's page, copied: {0}", [
							`<br><code>${frappe.utils.escape_html(r.message)}</code>`,
						]),
					});
				}),
		__("Customer Page")
	);
	frm.add_custom_button(
		__("Revoke Links"),
		() =>
			frappe.confirm(__("Close every link sent to this customer for {0}?", [frm.doc.company]), () =>
				frappe
					.call({ method: "ar_control.collection.links.revoke_links", args: { case: frm.doc.name } })
					.then((r) => {
						frappe.show_alert({ message: __("{0} link(s) revoked.", [r.message]), indicator: "green" });
						frm.reload_doc();
					})
			),
		__("Customer Page")
	);
}
