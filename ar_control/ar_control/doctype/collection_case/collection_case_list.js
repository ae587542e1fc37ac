frappe.listview_settings["Collection Case"] = {
	add_fields: ["status", "priority_score", "overdue_amount"],
	get_indicator(doc) {
		const colors = {
			Open: "orange",
			"Promise to Pay": "blue",
			Disputed: "purple",
			Legal: "red",
			"Closed - Paid": "green",
			"Closed - Written Off": "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
