"""Specific provisions: a customer or one of its invoices provided for individually (a rate or an
amount, with a reason). It replaces the matrix for what it covers (``core.provision``)."""

from __future__ import annotations

import frappe
from frappe import _

from ar_control import user_permissions
from ar_control.core import provision
from ar_control.core.money import to_decimal
from ar_control.messages import throw


class InvalidSpecificProvisionError(frappe.ValidationError):
	"""A specific provision needs a reason and either a rate of 0-100 % or an amount of at least
	0, on an invoice of its customer and company."""


class DuplicateSpecificProvisionError(frappe.ValidationError):
	"""A customer, or an invoice, has at most one active specific provision."""


def as_specific(doc) -> provision.Specific:
	rate = to_decimal(doc.rate_percent) if doc.basis == "Rate" else None
	amount = to_decimal(doc.amount) if doc.basis == "Amount" else None
	return provision.Specific(
		customer=doc.customer or "",
		reason=doc.reason or "",
		rate_percent=rate,
		amount=amount,
		voucher_no=doc.sales_invoice or "",
	)


def validate(doc) -> None:
	user_permissions.require_company(doc.company)
	user_permissions.require_customer(doc.customer)
	if doc.basis == "Rate":
		doc.amount = 0
	else:
		doc.rate_percent = 0
	throw(
		provision.check_specifics([as_specific(doc)]),
		_("Invalid Specific Provision"),
		InvalidSpecificProvisionError,
	)
	if doc.sales_invoice:
		invoice = frappe.db.get_value(
			"Sales Invoice", doc.sales_invoice, ["customer", "company", "docstatus"], as_dict=True
		)
		if not invoice or invoice.customer != doc.customer or invoice.company != doc.company:
			frappe.throw(
				_("Sales Invoice {0} is not an invoice of {1} in {2}.").format(
					doc.sales_invoice, doc.customer, doc.company
				),
				title=_("Invalid Specific Provision"),
				exc=InvalidSpecificProvisionError,
			)
		if invoice.docstatus != 1:
			frappe.throw(
				_("Sales Invoice {0} is not submitted.").format(doc.sales_invoice),
				title=_("Invalid Specific Provision"),
				exc=InvalidSpecificProvisionError,
			)
	if doc.active:
		other = frappe.db.get_value(
			"Specific Provision",
			{
				"company": doc.company,
				"customer": doc.customer,
				"sales_invoice": doc.sales_invoice or ("is", "not set"),
				"active": 1,
				"name": ("!=", doc.name or ""),
			},
		)
		if other:
			frappe.throw(
				_("{0} already has an active specific provision: {1}. Deactivate it first.").format(
					doc.sales_invoice or doc.customer, other
				),
				title=_("Duplicate Specific Provision"),
				exc=DuplicateSpecificProvisionError,
			)
