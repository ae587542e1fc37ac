# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe

from ar_control.kpi import dashboard


@frappe.whitelist()
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	"""Not cached: Frappe's ``cache_source`` keys the cache by chart only, and each user sees
	their own default company. The "AR Aging Buckets" chart of the AR Control workspace
	(see :func:`ar_control.kpi.dashboard.aging_buckets`)."""
	return dashboard.aging_buckets(filters)
