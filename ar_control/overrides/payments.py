"""Doc events of Payment Entry, Journal Entry and Sales Invoice that settle or unsettle
invoices: the affected collection cases are brought up to date at once."""

from ar_control.collection import settlement


def payment_entry(doc, method=None):
	if doc.party_type != "Customer" or not doc.party:
		return
	invoices = [r.reference_name for r in doc.references if r.reference_doctype == "Sales Invoice"]
	settlement.settle(doc, {(doc.party, doc.company)}, invoices, cancelled=method == "on_cancel")


def journal_entry(doc, method=None):
	pairs = {(row.party, doc.company) for row in doc.accounts if row.party_type == "Customer" and row.party}
	if not pairs:
		return
	invoices = [row.reference_name for row in doc.accounts if row.reference_type == "Sales Invoice"]
	settlement.settle(doc, pairs, invoices, cancelled=method == "on_cancel")


def sales_invoice(doc, method=None):
	"""A credit note settles the invoice it returns; a cancelled invoice leaves its case."""
	if doc.is_return and doc.return_against:
		settlement.settle(
			doc, {(doc.customer, doc.company)}, [doc.return_against], cancelled=method == "on_cancel"
		)
	elif method == "on_cancel":
		settlement.settle(
			doc, {(doc.customer, doc.company)}, [doc.name], cancelled=True, only_cases_of_invoices=True
		)
