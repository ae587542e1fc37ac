"""Collection cases and the daily escalation ladder: the Frappe side of ``core.escalation``."""
