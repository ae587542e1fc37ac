frappe.listview_settings["Credit Hold"] = {
	add_fields: ["status", "source"],
	get_indicator(doc) {
		return doc.status === "Active"
			? [__("Active"), "red", "status,=,Active"]
			: [__("Released"), "green", "status,=,Released"];
	},
};
