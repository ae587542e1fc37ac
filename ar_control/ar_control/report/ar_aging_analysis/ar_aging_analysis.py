# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""AR Aging Analysis: open receivables on a date, in buckets and in the three collection stages,
grouped by customer, sales person, territory or customer group, with a drill-down to vouchers.

The database does the work (:func:`ar_control.data.aging_totals.aging_totals`); this module only
reads the filters, builds the columns and formats the rows. Its totals equal ERPNext's own
Accounts Receivable report for the same company, date, basis and range.
"""

from __future__ import annotations

import frappe
from frappe import _

from ar_control import arguments, user_permissions
from ar_control.core import aging
from ar_control.core.problems import RuleError
from ar_control.data.aging_totals import GROUP_BY, AgingGroup, aging_totals
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.messages import bucket_labels, throw
from ar_control.settings import get_settings
from ar_control.utils import company_currency, today

STAGE_FIELDS = ("credit_period", "coordination_period", "clearing_period")


class InvalidAgingFilterError(frappe.ValidationError):
	"""Bucket boundaries or a coordination period the aging rules cannot work with."""


def execute(filters=None):
	options = AgingOptions(arguments.json_object(filters, _("Filters")))
	result = aging_totals(
		options.company,
		options.as_of,
		options.buckets,
		options.basis,
		options.stages,
		group_by=options.group_by,
		customers=options.customers,
		customer_group=options.customer_group,
		territory=options.territory,
		sales_person=options.sales_person,
		based_on_payment_terms=options.based_on_payment_terms,
	)
	data = [row_of(group, options) for group in result.groups]
	if data:
		total = row_of(AgingGroup(result.total), options)
		label_field = "voucher_type" if options.group_by == "Voucher" else "group"
		total.update({label_field: _("Total"), "bold": 1, "is_total": 1})
		data.append(total)
	return columns(options), data, None, chart(result.total, options), summary(result.total, options)


class AgingOptions:
	"""The filters, checked (``ar_control.arguments``), completed from AR Control Settings and
	narrowed to the customers the user may see (``ar_control.user_permissions``)."""

	def __init__(self, filters: dict):
		get = filters.get
		self.company = arguments.company(get("company"), default=True)
		self.as_of = arguments.date(get("report_date"), _("As of Date")) or today()
		self.group_by = arguments.choice(get("group_by"), GROUP_BY, _("Group By"), "Customer")
		settings = get_settings()
		self.range = arguments.text(get("range"), _("Ageing Range"), max_length=200) or settings.aging_range
		self.basis = aging.Basis(
			arguments.choice(
				get("ageing_based_on"),
				[basis.value for basis in aging.Basis],
				_("Ageing Based On"),
				settings.aging_basis().value,
			)
		)
		try:
			self.buckets = aging.parse_buckets(self.range)
		except RuleError as error:
			throw(error, _("Invalid Aging Buckets"), InvalidAgingFilterError)
		days = arguments.integer(
			get("coordination_period_days"),
			_("Coordination Period Ends"),
			1,
			aging.MAX_DAYS,
			default=settings.stages().coordination_days,
		)
		self.stages = aging.Stages(days)
		throw(aging.check_stages(self.stages), _("Invalid Collection Stages"), InvalidAgingFilterError)
		customer = arguments.existing("Customer", get("customer"), _("Customer"), required=False)
		self.customers = user_permissions.narrow_customers([customer] if customer else None)
		self.customer_group = arguments.existing(
			"Customer Group", get("customer_group"), _("Customer Group"), required=False
		)
		self.territory = arguments.existing("Territory", get("territory"), _("Territory"), required=False)
		self.sales_person = arguments.existing(
			"Sales Person", get("sales_person"), _("Sales Person"), required=False
		)
		self.based_on_payment_terms = bool(
			arguments.integer(get("based_on_payment_terms"), _("Based On Payment Terms"), 0, 1, default=0)
		)
		self.currency = company_currency(self.company)
		# a row's amount columns, in the order of AgingRow's amounts
		self.amount_fields = (
			"outstanding",
			"not_due",
			*(f"range{i}" for i in range(1, len(self.buckets.boundaries) + 2)),
			*STAGE_FIELDS,
		)


def columns(options: AgingOptions) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 120}
	if options.group_by == "Voucher":
		cols = [
			{"fieldname": "posting_date", "label": _("Posting Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "party", "label": _("Customer"), "fieldtype": "Data", "width": 160},
			{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 160},
			{"fieldname": "voucher_type", "label": _("Voucher Type"), "fieldtype": "Data", "width": 120},
			{
				"fieldname": "voucher_no",
				"label": _("Voucher No"),
				"fieldtype": "Dynamic Link",
				"options": "voucher_type",
				"width": 170,
			},
			{"fieldname": "due_date", "label": _("Due Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "age", "label": _("Age (Days)"), "fieldtype": "Int", "width": 80},
		]
	else:
		labels = {
			"Customer": _("Customer"),
			"Sales Person": _("Sales Person"),
			"Territory": _("Territory"),
			"Customer Group": _("Customer Group"),
		}
		cols = [{"fieldname": "group", "label": labels[options.group_by], "fieldtype": "Data", "width": 200}]
		if options.group_by == "Customer":
			cols.append(
				{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 160}
			)
	cols.append({"fieldname": "outstanding", "label": _("Outstanding"), **money})
	cols.append({"fieldname": "not_due", "label": _("Not Due"), **money})
	for i, label in enumerate(bucket_labels(options.buckets), start=1):
		cols.append({"fieldname": f"range{i}", "label": label, **money})
	stage_labels = (_("Credit Period"), _("Coordination Period"), _("Clearing Period"))
	for fieldname, label in zip(STAGE_FIELDS, stage_labels, strict=True):
		cols.append({"fieldname": fieldname, "label": label, **money})
	if options.group_by != "Voucher":
		cols.append({"fieldname": "count", "label": _("Vouchers"), "fieldtype": "Int", "width": 80})
	cols.append({"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1})
	# No Link columns: Frappe would check each linked DocType's read permission for every row
	# and refuse the report to a collector, who cannot read Customers or Currencies. The query
	# already keeps to what the user may see (ar_control.user_permissions); the form links the
	# formatter draws need no permission to show.
	return cols


def row_of(group: AgingGroup, options: AgingOptions) -> dict:
	totals = group.totals
	amounts = (totals.outstanding, totals.not_due, *totals.buckets, *totals.stages)
	row = dict(zip(options.amount_fields, amounts, strict=True))
	row["count"] = totals.count
	row["currency"] = options.currency
	if isinstance(totals.key, tuple):  # a voucher
		voucher = totals.key
		posting_date = voucher.posting_date or options.as_of  # as the query does
		if options.basis is aging.Basis.POSTING_DATE:
			basis_date = posting_date
		else:
			basis_date = voucher.due_date or posting_date
		row.update(zip(voucher._fields, voucher, strict=True))
		row["customer_name"] = group.name
		row["age"] = (options.as_of - basis_date).days
	else:
		row["group"] = totals.key
		row["customer_name"] = group.name
		if options.group_by == "Sales Person" and totals.key == NOT_ASSIGNED:
			row["group"] = _("Not Assigned")
			row["not_assigned"] = 1
	return row


def chart(total: aging.AgingRow, options: AgingOptions) -> dict:
	labels = [_("Not Due"), *bucket_labels(options.buckets)]
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Outstanding"), "values": [float(total.not_due), *map(float, total.buckets)]}
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"options": options.currency,
		"colors": ["#5e64ff"],
	}


def summary(total: aging.AgingRow, options: AgingOptions) -> list[dict]:
	credit, coordination, clearing = total.stages
	return [
		{
			"value": total.outstanding,
			"label": _("Outstanding"),
			"datatype": "Currency",
			"currency": options.currency,
		},
		{"value": credit, "label": _("Credit Period"), "datatype": "Currency", "currency": options.currency},
		{
			"value": coordination,
			"label": _("Coordination Period"),
			"datatype": "Currency",
			"currency": options.currency,
			"indicator": "Orange",
		},
		{
			"value": clearing,
			"label": _("Clearing Period"),
			"datatype": "Currency",
			"currency": options.currency,
			"indicator": "Red",
		},
	]
