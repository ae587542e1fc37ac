"""Doc events of Sales Order, Delivery Note and Sales Invoice (see ``doc_events`` in hooks.py)."""

from ar_control.credit import check


def validate(doc, method=None):
	check.warn_on_save(doc)


def before_submit(doc, method=None):
	check.check_on_submit(doc)


def before_update_after_submit(doc, method=None):
	check.check_on_update_after_submit(doc)
