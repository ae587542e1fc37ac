// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Collection Case", {
	refresh(frm) {
		fold_paid_invoices(frm);
		if (frm.is_new()) {
			return;
		}
		show_evidence(frm);
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

// The invoices still owed come first (the server keeps that order); the paid ones, kept on the
// case at 0 until it closes, are folded away behind a toggle. A style rule hides them by row
// name, so they stay hidden however often the grid redraws itself.
function fold_paid_invoices(frm) {
	const grid = frm.fields_dict.invoices.grid;
	const paid = (frm.doc.invoices || []).filter((row) => !(row.outstanding_amount > 0));
	const key = "ar-paid-invoices-" + (frm.doc.name || "new").replace(/[^A-Za-z0-9_-]/g, "_");
	$(`style[data-ar-fold="${key}"]`).remove();
	const button = grid.add_custom_button(__("Paid Invoices"), () => {
		frm.ar_show_paid = !frm.ar_show_paid;
		fold_paid_invoices(frm);
	}, "top");
	if (!paid.length) {
		button.addClass("hidden");
		return;
	}
	button
		.removeClass("hidden")
		.text(
			frm.ar_show_paid
				? __("Hide Paid Invoices")
				: __("Show {0} Paid Invoices", [paid.length])
		);
	if (frm.ar_show_paid) return;
	const selectors = paid.map(
		(row) => `[data-fieldname="invoices"] .grid-row[data-name="${CSS.escape(row.name)}"]`
	);
	$(`<style data-ar-fold="${key}">${selectors.join(",\n")} { display: none; }</style>`).appendTo(
		document.head
	);
}

// The evidence file in the form: the case's activities, newest first (read through a
// permission-checked method; the entries follow the case).
function show_evidence(frm) {
	const field = frm.fields_dict.evidence_html;
	if (!field) return;
	const name = frm.doc.name;
	frappe
		.xcall("ar_control.ar_control.doctype.collection_case.collection_case.evidence", { case: name })
		.then(({ entries, more }) => {
			if (frm.doc.name !== name) return; // the form moved on to another case meanwhile
			field.$wrapper.html(evidence_html(entries, more));
			field.$wrapper
				.find(".ar-evidence-all")
				.on("click", () =>
					frappe.set_route("List", "Collection Activity", { collection_case: name })
				);
		});
}

function evidence_html(entries, more) {
	const esc = frappe.utils.escape_html;
	if (!entries.length) {
		return `<p class="text-muted">${esc(__("No activity yet."))}</p>`;
	}
	const colors = {
		Call: "blue",
		Email: "cyan",
		Letter: "purple",
		Visit: "green",
		"Legal Step": "red",
		Note: "gray",
		"System Step": "gray",
		"Customer Page": "orange",
	};
	const link = (doctype, name) =>
		name
			? `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${esc(
					__(doctype)
			  )} ${esc(name)}</a>`
			: "";
	const items = entries.map((entry) => {
		const refs = [
			link("Sales Invoice", entry.sales_invoice),
			link("Dunning", entry.dunning),
			link("Communication", entry.communication),
			link("ToDo", entry.todo),
			entry.payment_document_type ? link(entry.payment_document_type, entry.payment_document) : "",
		].filter(Boolean);
		const facts = [
			entry.outcome ? `${esc(__("Outcome"))}: <b>${esc(entry.outcome)}</b>` : "",
			entry.next_action_date
				? `${esc(__("Next Action Date"))}: <b>${esc(frappe.datetime.str_to_user(entry.next_action_date))}</b>`
				: "",
			entry.contact ? `${esc(__("Contact"))}: ${esc(entry.contact)}` : "",
		].filter(Boolean);
		return `<div class="ar-evidence-entry" data-activity="${esc(entry.name)}"
				style="border-left: 2px solid var(--border-color); padding: 0 0 12px 12px; margin-left: 4px;">
			<div class="ar-evidence-head">
				<span class="indicator-pill ${colors[entry.activity_type] || "gray"}">${esc(
					__(entry.activity_type || "Note")
				)}</span>
				<b class="ar-evidence-who">${esc(entry.user_fullname || entry.user || __("System"))}</b>
				<span class="text-muted ar-evidence-when">${esc(
					entry.activity_date ? frappe.datetime.str_to_user(entry.activity_date) : ""
				)}</span>
			</div>
			<div class="ar-evidence-what" style="margin-top: 4px; white-space: pre-wrap;">${esc(entry.summary || "")}</div>
			${facts.length ? `<div class="small ar-evidence-facts">${facts.join(" · ")}</div>` : ""}
			${refs.length ? `<div class="small text-muted">${refs.join(" · ")}</div>` : ""}
		</div>`;
	});
	const all = more
		? `<p><button type="button" class="btn btn-xs btn-default ar-evidence-all">${esc(
				__("Show Every Entry")
		  )}</button></p>`
		: "";
	return `<div class="ar-evidence">${items.join("")}</div>${all}`;
}
