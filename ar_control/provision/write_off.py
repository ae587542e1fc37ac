"""Write a collection case's invoices off through the allowance for doubtful accounts.

The Journal Entry (type *Write Off Entry*, so the KPIs count it as written off and the case
closes as *Closed - Written Off*) debits the company's allowance account and credits each
invoice's receivable, with the customer as party and the invoice as reference. The loss is then
charged against the provision already made, not a second time to expense: the next Provision
Run finds the allowance lower by the amount written off, and the invoices gone from the aging,
and books only what the remaining receivables still require.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from ar_control import evidence, user_permissions
from ar_control.data.receivables import open_items
from ar_control.roles import MANAGERS, require_role
from ar_control.settings import get_settings
from ar_control.utils import company_currency, today


class NothingToWriteOffError(frappe.ValidationError):
	"""A write-off needs invoices of the case that are still open."""


class ForeignCurrencyWriteOffError(frappe.ValidationError):
	"""The write-off through the allowance handles receivables in the company's currency."""


def write_off_case(case) -> str:
	"""Write off what is still open of the case's invoices; returns the Journal Entry."""
	require_role(
		MANAGERS,
		_("Only a Credit Manager or an Accounts Manager can write invoices off through the allowance."),
	)
	user_permissions.require_customer(case.customer)
	policy = get_settings().provision_policy(case.company)
	day = today()
	names = {row.sales_invoice for row in case.invoices}
	items = [
		item
		for item in open_items(case.company, day, [case.customer])
		if item.voucher_type == "Sales Invoice" and item.voucher_no in names and item.outstanding > 0
	]
	if not items:
		frappe.throw(
			_("Case {0} has no open invoice to write off.").format(case.name),
			title=_("Nothing to Write Off"),
			exc=NothingToWriteOffError,
		)
	currency = company_currency(case.company)
	invoices = {
		row.name: row
		for row in frappe.get_all(
			"Sales Invoice",
			filters={"name": ("in", [i.voucher_no for i in items])},
			fields=["name", "debit_to", "party_account_currency"],
		)
	}
	foreign = sorted(n for n, row in invoices.items() if (row.party_account_currency or currency) != currency)
	if foreign:
		frappe.throw(
			_("Invoices {0} are receivables in another currency; write them off by hand.").format(
				", ".join(foreign)
			),
			title=_("Other Currency"),
			exc=ForeignCurrencyWriteOffError,
		)
	total = sum(flt(item.outstanding) for item in items)
	remark = _("Written off through the allowance for doubtful accounts: collection case {0}.").format(
		case.name
	)
	je = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Write Off Entry",
			"company": case.company,
			"posting_date": day,
			"user_remark": remark,
			"accounts": [
				{"account": policy.allowance_account, "debit_in_account_currency": total},
				*(
					{
						"account": invoices[item.voucher_no].debit_to,
						"party_type": "Customer",
						"party": case.customer,
						"credit_in_account_currency": flt(item.outstanding),
						"reference_type": "Sales Invoice",
						"reference_name": item.voucher_no,
					}
					for item in items
				),
			],
		}
	)
	# with the authority of the role checked above, which need not create Journal Entries itself
	je.insert(ignore_permissions=True)
	je.submit()
	evidence.add_activity(
		case.name,
		"Note",
		_("{0} of invoices {1} written off through the allowance: {2}.").format(
			fmt_money(total, currency=currency), ", ".join(i.voucher_no for i in items), je.name
		),
		outcome=_("Written Off"),
		payment_document_type="Journal Entry",
		payment_document=je.name,
	)
	return je.name
