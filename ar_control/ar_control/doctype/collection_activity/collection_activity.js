// Copyright (c) 2026, ar_control developers and contributors
// For license information, please see license.txt

// frappe.ui.form.on("Collection Activity", {
// 	refresh(frm) {

// 	},
// });
