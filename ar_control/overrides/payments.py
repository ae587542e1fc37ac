"""Doc events of Payment Entry, Journal Entry and Sales Invoice that settle or unsettle
invoices: the affected collection cases are brought up to date right after the document is
committed.

Nothing here runs inside the payment's transaction: the hooks only note what the document
touched (``settlement.defer``), and the case update runs once the payment is committed. A
failure of the app can therefore never stop ERPNext from posting a payment, a journal entry or a
credit note; it is written to the Error Log, counted on the AR Control workspace, and the daily
ladder run brings every case in line with the ledger anyway.
"""

from ar_control.collection import settlement


def payment_entry(doc, method=None):
	if doc.party_type != "Customer" or not doc.party:
		return
	invoices = [r.reference_name for r in doc.references if r.reference_doctype == "Sales Invoice"]
	settlement.defer(doc, {(doc.party, doc.company)}, invoices, cancelled=method == "on_cancel")


def journal_entry(doc, method=None):
	pairs = {(row.party, doc.company) for row in doc.accounts if row.party_type == "Customer" and row.party}
	if not pairs:
		return
	invoices = [row.reference_name for row in doc.accounts if row.reference_type == "Sales Invoice"]
	settlement.defer(doc, pairs, invoices, cancelled=method == "on_cancel")


def sales_invoice(doc, method=None):
	"""A credit note settles the invoice it returns; a cancelled invoice leaves its case."""
	if doc.is_return and doc.return_against:
		settlement.defer(
			doc, {(doc.customer, doc.company)}, [doc.return_against], cancelled=method == "on_cancel"
		)
	elif method == "on_cancel":
		settlement.defer(
			doc, {(doc.customer, doc.company)}, [doc.name], cancelled=True, only_cases_of_invoices=True
		)
