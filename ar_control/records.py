"""Records, not documents: the Credit Override Log, the Collection Step Log, the Collection KPI
Snapshots and the Credit Holds.

They are written by the app's own code only and are never edited or deleted through the desk
or the REST API, by anyone: their DocTypes grant nobody write, create or delete, and
:class:`Record` refuses an insert that does not come from the app, any save of an existing
record and any delete that reach it anyway (a permission added by hand, a script). A correction
is a new record that names the one it corrects; the app changes a status field of a record (a
hold released, a snapshot superseded) with ``db_set``, never its figures.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document


class RecordError(frappe.PermissionError):
	"""An attempt to write or delete a record outside the app's own code."""


def new(values: dict) -> Document:
	"""A record the app is about to insert."""
	doc = frappe.get_doc(values)
	doc.flags.ar_control_record = True
	return doc


class Record(Document):
	def before_insert(self):
		if not self.flags.ar_control_record:
			frappe.throw(
				_("{0} records are made by AR Control itself, not by hand.").format(_(self.doctype)),
				title=_("Not Permitted"),
				exc=RecordError,
			)

	def validate(self):
		if not self.is_new():
			frappe.throw(
				_("{0} {1} is a record: it cannot be changed. A correction is a new record.").format(
					_(self.doctype), self.name
				),
				title=_("Not Permitted"),
				exc=RecordError,
			)

	def on_trash(self):
		frappe.throw(
			_("{0} {1} is a record: it cannot be deleted.").format(_(self.doctype), self.name),
			title=_("Not Permitted"),
			exc=RecordError,
		)
