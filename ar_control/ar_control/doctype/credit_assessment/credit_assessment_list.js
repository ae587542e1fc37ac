frappe.listview_settings["Credit Assessment"] = {
	add_fields: ["status", "grade", "valid_until"],
	get_indicator(doc) {
		const colors = { Draft: "red", Approved: "green", Superseded: "gray", Expired: "orange", Cancelled: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
