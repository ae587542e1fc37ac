"""The indexes the app keeps on ERPNext's tables: declared, made, checked and removed here only.

They are disposable. Without one, every query that reads through it gives the same figures, more
slowly; nothing of ERPNext's own work depends on them. :func:`missing` tells which are not in
place (the health check of :mod:`ar_control.data.ledger` reports it on the workspace and in
``bench --site SITE ar-control ledger``) and :func:`make` puts them back.

A migrate may alter ERPNext's tables (a new column type, a longer field), and an index over a
changed column could then stop that ALTER ("key too long"). So ``before_migrate`` drops the
app's indexes and ``after_migrate`` makes them again: a migrate never meets them. A migrate that
stops halfway leaves them missing, and the daily job or the next report makes them again.
"""

from __future__ import annotations

from typing import NamedTuple

import frappe

from ar_control.utils import log_error


class Index(NamedTuple):
	doctype: str
	name: str
	columns: tuple[str, ...]


# The receivables queries (aging, exposure, cases, KPIs, forecast, provision) read ERPNext's
# Payment Ledger Entry through this index alone: a company's receivable accounts, the customer
# rows that are not delinked, per customer and the voucher each row is against, with what the
# netting, the own row and the dates need. Five text columns of 140 characters fit InnoDB's
# 3,072-byte key; the voucher types do not, so vouchers are told apart by name (see ``ledger``).
RECEIVABLES = Index(
	"Payment Ledger Entry",
	"ar_receivables",
	(
		"account",
		"party_type",
		"delinked",
		"party",
		"against_voucher_no",
		"voucher_no",
		"posting_date",
		"due_date",
		"amount",
		"amount_in_account_currency",
	),
)

# Locking reads through it lock only the customer's submitted orders and deliveries (see below)
CUSTOMER_DOCSTATUS = "ar_customer_docstatus"

INDEXES = (
	RECEIVABLES,
	# The credit check reads a customer's submitted orders and deliveries with locking reads.
	# Through these it locks only the submitted ones, never the draft another user is submitting
	# for the same customer at that moment (which would deadlock the two submissions).
	Index("Sales Order", CUSTOMER_DOCSTATUS, ("customer", "docstatus")),
	Index("Delivery Note", CUSTOMER_DOCSTATUS, ("customer", "docstatus")),
	# Sales persons' shares of a voucher, from the index alone: the KPIs and the aging by sales
	# person look one up for every ledger row they attribute
	Index("Sales Team", "ar_team_share", ("parent", "parenttype", "sales_person", "allocated_percentage")),
)


def _columns(index: Index) -> tuple[str, ...]:
	"""The columns of ``index`` as the database has them, in order (empty when it is missing)."""
	rows = frappe.db.sql(
		"""select column_name from information_schema.statistics
		where table_schema = database() and table_name = %s and index_name = %s
		order by seq_in_index""",
		(f"tab{index.doctype}", index.name),
	)
	return tuple(row[0] for row in rows)


def present(index: Index) -> bool:
	return _columns(index) == index.columns


def missing() -> list[Index]:
	"""The app's indexes that are not in place as declared."""
	return [index for index in INDEXES if not present(index)]


def make(indexes: list[Index] | tuple[Index, ...] = INDEXES) -> list[Index]:
	"""Make the indexes that are not in place (one with other columns is made again); returns
	those that could not be made (logged). Never raises: without an index the app is slower."""
	failed = []
	for index in indexes:
		columns = _columns(index)
		if columns == index.columns:
			continue
		try:
			if columns:
				_drop(index)
			column_list = ", ".join(f"`{column}`" for column in index.columns)
			# online: ERPNext keeps posting while the index is built
			frappe.db.sql_ddl(
				f"ALTER TABLE `tab{index.doctype}` ADD INDEX `{index.name}` ({column_list}),"
				" ALGORITHM=INPLACE, LOCK=NONE"
			)
		except Exception:
			log_error(f"index {index.name} on {index.doctype} could not be made; its queries read without it")
			failed.append(index)
	return failed


def _drop(index: Index) -> None:
	frappe.db.sql_ddl(f"ALTER TABLE `tab{index.doctype}` DROP INDEX `{index.name}`")


def remove() -> None:
	"""Drop every index of the app (before a migrate, at uninstall)."""
	for index in INDEXES:
		if _columns(index):
			_drop(index)
