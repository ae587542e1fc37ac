"""The app's roles. Plain constants, importable without Frappe (the contract tests read them)."""

CREDIT_MANAGER = "Credit Manager"
COLLECTOR = "Collector"
ROLES = (CREDIT_MANAGER, COLLECTOR)
