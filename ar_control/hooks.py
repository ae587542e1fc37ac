app_name = "ar_control"
app_title = "AR Control"
app_publisher = "ar_control developers"
app_description = (
	"Accounts-receivable control for ERPNext: credit assessment, credit-limit block, "
	"collection ladder, collection KPIs"
)
app_email = "ar-control@example.com"
app_license = "mit"

# ERPNext is required. Written "org/repo" as hrms writes it: Frappe's installer resolves a bare
# "erpnext" by asking GitHub which organisation owns it, which fails on an offline server.
required_apps = ["frappe/erpnext"]

# Developer mode writes type annotations into the DocType controllers
export_python_type_annotations = True

# Installation
# ------------

before_install = "ar_control.install.before_install"
after_install = "ar_control.install.after_install"
before_migrate = "ar_control.install.before_migrate"
after_migrate = "ar_control.install.after_migrate"

# Testing
# -------

# ERPNext's own test set-up (setup wizard, defaults) before the app's bench suite, so that
# `run-tests --app ar_control` also works on a site where ERPNext's tests never ran
before_tests = "ar_control.tests.utils.before_tests"

# Uninstallation
# ------------

before_uninstall = "ar_control.install.before_uninstall"

# Document events
# ---------------

_sales_document_events = {
	"validate": "ar_control.overrides.sales_documents.validate",
	"before_submit": "ar_control.overrides.sales_documents.before_submit",
}

doc_events = {
	"Sales Order": {
		**_sales_document_events,
		"before_update_after_submit": "ar_control.overrides.sales_documents.before_update_after_submit",
	},
	"Delivery Note": _sales_document_events,
	"Sales Invoice": {
		**_sales_document_events,
		"on_submit": "ar_control.overrides.payments.sales_invoice",
		"on_cancel": "ar_control.overrides.payments.sales_invoice",
	},
	"Payment Entry": {
		"on_submit": "ar_control.overrides.payments.payment_entry",
		"on_cancel": "ar_control.overrides.payments.payment_entry",
	},
	"Journal Entry": {
		"on_submit": "ar_control.overrides.payments.journal_entry",
		"on_cancel": "ar_control.overrides.payments.journal_entry",
	},
	# a deleted e-mail is no longer named by the collection activities that recorded it
	"Communication": {"on_trash": "ar_control.overrides.communication.on_trash"},
	# credit limits, holds and collection owners are changed only by the roles that own them
	"Customer": {"validate": "ar_control.overrides.customer.validate_customer"},
	"Customer Group": {"validate": "ar_control.overrides.customer.validate_credit_limits"},
	"Company": {
		"validate": "ar_control.overrides.customer.validate_company",
		"after_insert": "ar_control.credit.holds.refresh_customers_held_everywhere",
	},
}

# Who sees which collection cases; their rows, activities and ladder steps follow the case
permission_query_conditions = {
	"Collection Case": "ar_control.collection.visibility.case_query",
	"Collection Case Invoice": "ar_control.collection.visibility.case_invoice_query",
	"Collection Activity": "ar_control.collection.visibility.activity_query",
	"Collection Step Log": "ar_control.collection.visibility.step_log_query",
}

has_permission = {
	"Collection Case": "ar_control.collection.visibility.case_has_permission",
	"Collection Activity": "ar_control.collection.visibility.activity_has_permission",
	"Collection Step Log": "ar_control.collection.visibility.step_log_has_permission",
}

# The filters the app's reports and dashboard charts share (their .js build their filters from them)
app_include_js = "/assets/ar_control/js/filters.js"

# The credit panel on the sales forms; the credit holds on the Customer
doctype_js = {
	"Sales Order": "public/js/credit_panel.js",
	"Delivery Note": "public/js/credit_panel.js",
	"Sales Invoice": "public/js/credit_panel.js",
	"Customer": "public/js/customer.js",
}

# Scheduled Tasks
# ---------------

scheduler_events = {
	"daily_long": [
		"ar_control.tasks.check_receivables_ledger",
		"ar_control.tasks.review_credit_assessments",
		"ar_control.tasks.run_collection_ladder",
	],
	"monthly_long": [
		"ar_control.tasks.write_monthly_kpi_snapshots",
	],
}
