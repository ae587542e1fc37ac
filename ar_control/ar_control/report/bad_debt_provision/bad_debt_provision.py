# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""Bad Debt Provision: the allowance the aging requires on a date, by customer, band or sales
person, against what is booked, and the movement since the last submitted Provision Run.

The figures are a Provision Run's, computed without saving one
(:func:`ar_control.provision.run.compute`: the open items of AR Aging Analysis, the company's
policy, its specific provisions). Booked is the allowance account's balance on the date; it is
the company's, so it is shown only to users who see every customer.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import frappe
from frappe import _

from ar_control import arguments, user_permissions
from ar_control.core.money import HUNDRED, ZERO, round_money
from ar_control.core.provision import Coverage
from ar_control.data import provision as provision_data
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.provision import run
from ar_control.utils import today

GROUP_BY = ("Customer", "Band", "Sales Person")
FIGURES = ("outstanding", "credit_applied", "net", "provision", "specific")


def execute(filters=None):
	filters = arguments.json_object(filters, _("Filters"))
	company = arguments.company(filters.get("company"), default=True)
	as_of = arguments.date(filters.get("as_of_date"), _("As of Date")) or today()
	group_by = arguments.choice(filters.get("group_by"), GROUP_BY, _("Group By"), "Customer")
	customer = arguments.existing("Customer", filters.get("customer"), _("Customer"), required=False)
	customers = user_permissions.narrow_customers([customer] if customer else None)
	if as_of > today():
		arguments.invalid(_("{0} must not be after today.").format(_("As of Date")))

	computed = run.compute(company, as_of, customers)
	result, labels = computed.result, computed.used_matrix.labels
	last = provision_data.last_run(company, before=as_of)
	previous = previous_by_group(last, group_by, customers)

	groups: dict[object, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(FIGURES, ZERO))
	if group_by == "Sales Person":
		shares = provision_data.sales_shares(
			line.voucher_no for line in result.lines if line.voucher_type == "Sales Invoice"
		)
	for line in result.lines:
		specific = line.provision if line.coverage is not Coverage.MATRIX else ZERO
		values = (line.outstanding, line.credit_applied, line.net, line.provision, specific)
		if group_by == "Sales Person":
			team = shares.get(line.voucher_no) if line.voucher_type == "Sales Invoice" else None
			for person, percent in team or [(NOT_ASSIGNED, HUNDRED)]:
				acc = groups[person]
				for field, value in zip(FIGURES, values, strict=True):
					acc[field] += value * percent / HUNDRED
		else:
			acc = groups[line.customer if group_by == "Customer" else line.band]
			for field, value in zip(FIGURES, values, strict=True):
				acc[field] += value

	names = customer_names(groups) if group_by == "Customer" else {}
	currency = computed.currency
	data = []
	for key in sorted(groups, key=lambda k: (k is NOT_ASSIGNED or k == "", k)):
		acc = {field: round_money(value, computed.quantum) for field, value in groups[key].items()}
		row = {"currency": currency, **acc}
		if group_by == "Band":
			row["group"] = _(labels[key])
			row["rate_percent"] = computed.used_matrix.bands[key].rate_percent
		elif group_by == "Sales Person" and key == NOT_ASSIGNED:
			row["group"] = _("Not Assigned")
		else:
			row["group"] = key
			row["customer_name"] = names.get(key, "")
		if previous is not None:
			row["last_run"] = previous.get(key, ZERO)
			row["movement"] = acc["provision"] - row["last_run"]
		data.append(row)
	if previous is not None:  # what the last run held for groups that are gone now
		for key in sorted(set(previous) - set(groups), key=str):
			label = _(labels[key]) if group_by == "Band" and key < len(labels) else key
			data.append(
				{"group": label, "currency": currency, "last_run": previous[key], "movement": -previous[key]}
			)
	if data:
		total = {"group": _("Total"), "bold": 1, "is_total": 1, "currency": currency}
		for field in (*FIGURES, "last_run", "movement"):
			total[field] = sum((row.get(field) or ZERO for row in data), ZERO)
		data.append(total)
	return (
		columns(group_by, previous is not None),
		data,
		None,
		chart(result, labels, currency),
		summary(computed, last, customers is None, company, as_of),
	)


def previous_by_group(last, group_by: str, customers) -> dict | None:
	"""What the last submitted run provided per customer or band (no sales persons: a run keeps
	its lines per customer and band)."""
	if not last or group_by == "Sales Person":
		return None
	found: dict[object, Decimal] = defaultdict(lambda: ZERO)
	allowed = set(customers) if customers is not None else None
	for line in provision_data.run_lines(last.name):
		if allowed is not None and line.customer not in allowed:
			continue
		key = line.customer if group_by == "Customer" else int(line.band_index) - 1
		found[key] += Decimal(str(line.provision))
	return dict(found)


def customer_names(groups) -> dict[str, str]:
	if not groups:
		return {}
	customer = frappe.qb.DocType("Customer")
	return dict(
		frappe.qb.from_(customer)
		.select(customer.name, customer.customer_name)
		.where(customer.name.isin(list(groups)))
		.run()
	)


def columns(group_by: str, with_last_run: bool) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 130}
	labels = {"Customer": _("Customer"), "Band": _("Band"), "Sales Person": _("Sales Person")}
	cols = [{"fieldname": "group", "label": labels[group_by], "fieldtype": "Data", "width": 200}]
	if group_by == "Customer":
		cols.append(
			{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 160}
		)
	if group_by == "Band":
		cols.append({"fieldname": "rate_percent", "label": _("Rate"), "fieldtype": "Percent", "width": 80})
	cols += [
		{"fieldname": "outstanding", "label": _("Outstanding"), **money},
		{"fieldname": "credit_applied", "label": _("Credits Applied"), **money},
		{"fieldname": "net", "label": _("Net Outstanding"), **money},
		{"fieldname": "provision", "label": _("Required Provision"), **money},
		{"fieldname": "specific", "label": _("Of Which Specific"), **money},
	]
	if with_last_run:
		cols += [
			{"fieldname": "last_run", "label": _("Last Run"), **money},
			{"fieldname": "movement", "label": _("Movement"), **money},
		]
	cols.append({"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1})
	return cols


def chart(result, labels, currency: str) -> dict:
	return {
		"data": {
			"labels": [_(label) for label in labels],
			"datasets": [
				{"name": _("Required Provision"), "values": [float(b.provision) for b in result.bands]}
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"options": currency,
	}


def summary(computed, last, unrestricted: bool, company: str, as_of) -> list[dict]:
	currency = computed.currency
	result = computed.result
	cards = [
		{
			"value": result.required,
			"label": _("Required Provision"),
			"datatype": "Currency",
			"currency": currency,
		}
	]
	if unrestricted:
		cards += [
			{
				"value": result.booked,
				"label": _("Allowance Booked"),
				"datatype": "Currency",
				"currency": currency,
			},
			{
				"value": result.adjustment,
				"label": _("To Book"),
				"datatype": "Currency",
				"currency": currency,
				"indicator": "Red" if result.adjustment > 0 else "Green",
			},
		]
	if last:
		cards.append(
			{
				"value": last.required_amount,
				"label": _("Last Run ({0})").format(frappe.format(last.as_of_date, "Date")),
				"datatype": "Currency",
				"currency": currency,
			}
		)
	cards.append({"value": _(computed.policy.method), "label": _("Method"), "datatype": "Data"})
	return cards
