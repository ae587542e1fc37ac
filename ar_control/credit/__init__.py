"""Credit assessment and the credit check at order entry: the Frappe side of ``core.credit``."""
