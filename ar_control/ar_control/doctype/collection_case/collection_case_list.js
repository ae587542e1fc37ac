// The collector's worklist: the cases still to work (every status but the closed ones), highest
// priority first (the DocType's sort order). Frappe applies these filters when the list opens
// without filters the user saved.
frappe.listview_settings["Collection Case"] = {
	add_fields: ["status", "priority_score", "overdue_amount", "customer_answered"],
	filters: [["status", "not in", ["Closed - Paid", "Closed - Written Off"]]],
	get_indicator(doc) {
		const colors = {
			Open: "orange",
			"Promise to Pay": "blue",
			Disputed: "purple",
			Legal: "red",
			"Closed - Paid": "green",
			"Closed - Written Off": "gray",
		};
		// the customers who answered on their page since the ladder's last step stand out
		const label = doc.customer_answered
			? `${__(doc.status)} · ${__("Customer Answered")}`
			: __(doc.status);
		return [label, colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
