app_name = "ar_control"
app_title = "AR Control"
app_publisher = "ar_control developers"
app_description = (
	"Accounts-receivable control for ERPNext: credit assessment, credit-limit block, "
	"collection ladder, collection KPIs"
)
app_email = "ar-control@example.com"
app_license = "mit"

required_apps = ["erpnext"]

# Installation
# ------------

after_install = "ar_control.install.after_install"
after_migrate = "ar_control.install.after_migrate"

# Uninstallation
# ------------

before_uninstall = "ar_control.install.before_uninstall"
