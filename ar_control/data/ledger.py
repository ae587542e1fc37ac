"""The receivables ledger the app reads: ERPNext's own Payment Ledger Entry, through an index.

Every receivables figure of the app (aging, exposure, cases and the ladder, KPIs, provision,
forecast) is read from ``tabPayment Ledger Entry`` itself, the table ERPNext's Accounts Receivable
report reads, with the same selection: the company's receivable accounts (by account, as the
report selects them), customer rows, not delinked, posted on or before the date. The app keeps no
copy of it and no database trigger or stored function on it, so nothing of the app stands
between ERPNext and its books: a backup restores into any site, ERPNext posts right after, and
the figures can never be stale.

The speed comes from one covering index on the ledger (:data:`ar_control.data.indexes.RECEIVABLES`):
account, party type, delinked, customer, the voucher a row is against, its own voucher, the dates
and the amounts. A report reads the index alone, in its order, and MariaDB adds the rows up. The
index cannot hold the voucher *types* as well (InnoDB's key limit), so vouchers are told apart
by name: a row is its voucher's own row when it is against itself (``voucher_no =
against_voucher_no``), and the type of an open voucher is looked up once it is known to be open.
ERPNext's naming series keep voucher names apart across voucher types; a site that named a
Journal Entry like a Sales Invoice would see the two netted together.

Without the index (a migrate in progress, a failed ``ALTER``) the same queries read the table
without it: the same figures, slower. :func:`health` says what is missing or left over (the
workspace shows it; ``bench --site SITE ar-control ledger`` prints it); :func:`repair` mends it
and runs after every migrate, in the daily job, and when a report meets a missing index (in the
background). Versions before 0.2 kept a copy (*AR Ledger Entry*) through triggers and stored
functions; :func:`repair` removes whatever of it a restored backup brings back.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce

from ar_control.data import indexes
from ar_control.utils import log_error

LEDGER = "Payment Ledger Entry"

# kind: what the collection KPIs count a row as (see ar_control.data.kpi_figures)
KIND_EXCLUDED, KIND_SALES, KIND_WRITE_OFF, KIND_COLLECTION = 0, 1, 2, 3
NOT_SALES_NOR_COLLECTIONS = ("Exchange Rate Revaluation", "Exchange Gain Or Loss")

# What earlier versions kept in the database and a backup of theirs may bring back: database
# triggers on the Payment Ledger (which stop every ERPNext posting once their stored functions
# are gone), the functions, and the copy's table.
LEGACY_TRIGGERS = (
	"ar_control_ple_after_insert",
	"ar_control_ple_after_update",
	"ar_control_ple_after_delete",
)
LEGACY_FUNCTIONS = ("ar_control_ledger_kind", "ar_control_ledger_due_date")
LEGACY_TABLE = "AR Ledger Entry"
LEGACY_DEFAULT = "ar_control_ledger_ready"
REPAIR_JOB = "ar_control_ledger_repair"


# --- what the queries read --------------------------------------------------------------------------


def receivable_accounts(company: str) -> tuple[str, ...]:
	"""The company's accounts of type Receivable, as ERPNext's Accounts Receivable selects them
	(a never-matching name when there are none, so that ``IN`` stays valid)."""
	names = receivable_accounts_query(company).orderby("name").run(pluck=True)
	return tuple(names) or ("",)


def receivable_accounts_query(company):
	"""The company's receivable accounts as a sub-query (``company`` may be a query parameter)."""
	account = frappe.qb.DocType("Account")
	return (
		frappe.qb.from_(account)
		.select(account.name)
		.where((account.company == company) & (account.account_type == "Receivable"))
	)


class Receivables(NamedTuple):
	"""The Payment Ledger as the receivables queries read it, and the terms they share."""

	table: object  # a frappe.qb table
	indexed: bool  # the app's covering index is in place

	def reading(self):
		"""``FROM`` the ledger, through the covering index when it is in place (the planner,
		seeing ERPNext's single-column indexes, might take one that covers nothing)."""
		query = frappe.qb.from_(self.table)
		return query.force_index(indexes.RECEIVABLES.name) if self.indexed else query

	def conditions(self, company: str, as_of=None, customers=None) -> list:
		"""Customer receivables of ``company`` posted on or before ``as_of`` (any date when
		``None``), of some ``customers`` when given. ``company`` may be a query parameter (then
		the accounts are a sub-query)."""
		t = self.table
		accounts = (
			receivable_accounts(company) if isinstance(company, str) else receivable_accounts_query(company)
		)
		conditions = [
			t.account.isin(accounts),
			t.party_type == "Customer",
			t.delinked == 0,
		]
		if as_of is not None:
			conditions.append(t.posting_date <= as_of)
		if customers is not None:
			conditions.append(t.party.isin(list(customers) or [""]))
		return conditions

	@property
	def own_row(self):
		"""The voucher's own row: the invoice's debit, the payment's unallocated part."""
		return self.table.voucher_no == self.table.against_voucher_no

	def voucher_keys(self) -> list:
		"""What open items are grouped by, in the order of the covering index."""
		t = self.table
		return [t.account, t.party, t.against_voucher_no]

	def with_kind(self, query):
		"""``(query, kind)``: the KPI kind of each row (see ``KIND_*``), from the row's own voucher
		(a Sales Invoice or a Journal Entry of that name; anything else is a collection)."""
		t = self.table
		invoice = frappe.qb.DocType("Sales Invoice").as_("row_invoice")
		journal = frappe.qb.DocType("Journal Entry").as_("row_journal")
		query = (
			query.left_join(invoice)
			.on(invoice.name == t.voucher_no)
			.left_join(journal)
			.on(journal.name == t.voucher_no)
		)
		journal_type = Coalesce(journal.voucher_type, "")
		excluded = (Coalesce(invoice.is_opening, journal.is_opening, "No") == "Yes") | journal_type.isin(
			NOT_SALES_NOR_COLLECTIONS
		)
		credit_note = (Coalesce(invoice.is_return, 0) == 1) | (journal_type == "Credit Note")
		invoiced = self.own_row & (t.amount > 0) & (invoice.name.isnotnull() | journal.name.isnotnull())
		kind = (
			Case()
			.when(excluded, KIND_EXCLUDED)
			.when(credit_note | invoiced, KIND_SALES)
			.when(journal_type == "Write Off Entry", KIND_WRITE_OFF)
			.else_(KIND_COLLECTION)
		)
		return query, kind


def receivables() -> Receivables:
	"""The ledger to read; a missing index is put back in the background meanwhile."""
	indexed = getattr(frappe.local, "ar_control_receivables_indexed", None)
	if indexed is None:
		indexed = indexes.present(indexes.RECEIVABLES)
		frappe.local.ar_control_receivables_indexed = indexed
		if not indexed:
			enqueue_repair()
	return Receivables(frappe.qb.DocType(LEDGER), indexed)


def forget() -> None:
	"""Look at the index again on the next read (after it was made or dropped)."""
	frappe.local.ar_control_receivables_indexed = None


@contextmanager
def large_temporary_tables(size: int = 512 * 2**20):
	"""Let this connection's temporary tables stay in memory up to ``size`` bytes while a
	grouping of open items runs (the server's default, 16 MB, sends the grouping of a few
	hundred thousand open vouchers to disk, which doubles its time)."""
	previous = frappe.db.sql("select @@session.tmp_table_size, @@session.max_heap_table_size")[0]
	frappe.db.sql("set session tmp_table_size = %(size)s, max_heap_table_size = %(size)s", {"size": size})
	try:
		yield
	finally:
		frappe.db.sql(
			"set session tmp_table_size = %(tmp)s, max_heap_table_size = %(heap)s",
			{"tmp": previous[0], "heap": previous[1]},
		)


# --- health ----------------------------------------------------------------------------------------


class Finding(NamedTuple):
	part: str  # what is wrong, in English (the CLI's and the Error Log's words)
	effect: str  # what it means for the user (translated)


def _legacy_triggers() -> list[str]:
	return frappe.db.sql_list(
		"""select trigger_name from information_schema.triggers
		where trigger_schema = database() and trigger_name in %(names)s""",
		{"names": LEGACY_TRIGGERS},
	)


def _legacy_functions() -> list[str]:
	return frappe.db.sql_list(
		"""select routine_name from information_schema.routines
		where routine_schema = database() and routine_type = 'FUNCTION' and routine_name in %(names)s""",
		{"names": LEGACY_FUNCTIONS},
	)


def health() -> list[Finding]:
	"""What the receivables queries rely on and is not as it should be (empty: all is well)."""
	found = [
		Finding(
			f"index {index.name} on {index.doctype} missing",
			_("Receivables reports read the Payment Ledger without their index: same figures, slower."),
		)
		for index in indexes.missing()
	]
	found += [
		Finding(
			f"trigger {name} of an earlier version on {LEDGER}",
			_("An earlier version's database trigger is back (from a restored backup); it is removed."),
		)
		for name in _legacy_triggers()
	]
	found += [
		Finding(
			f"stored function {name} of an earlier version",
			_("An earlier version's stored function is back (from a restored backup); it is removed."),
		)
		for name in _legacy_functions()
	]
	if frappe.db.table_exists(LEGACY_TABLE, cached=False):
		found.append(
			Finding(
				f"table tab{LEGACY_TABLE} of an earlier version",
				_(
					"An earlier version's copy of the Payment Ledger is back (from a restored backup); it is removed."
				),
			)
		)
	return found


def repair() -> list[Finding]:
	"""Mend what :func:`health` finds: remove what earlier versions left, make missing indexes.
	Returns what was found (and is mended, unless an index could not be made: then logged)."""
	found = health()
	if not found:
		return found
	remove_legacy()
	indexes.make()
	forget()
	log_error("the receivables ledger was repaired", details="\n".join(finding.part for finding in found))
	return found


def remove_legacy() -> None:
	"""Drop the triggers first (they call the functions), then the functions and the copy."""
	for name in _legacy_triggers():
		frappe.db.sql_ddl(f"DROP TRIGGER IF EXISTS `{name}`")
	for name in _legacy_functions():
		frappe.db.sql_ddl(f"DROP FUNCTION IF EXISTS `{name}`")
	if frappe.db.exists("DocType", LEGACY_TABLE):
		frappe.delete_doc("DocType", LEGACY_TABLE, force=True, ignore_permissions=True)
	frappe.db.sql_ddl(f"DROP TABLE IF EXISTS `tab{LEGACY_TABLE}`")
	frappe.db.set_default(LEGACY_DEFAULT, None)


def enqueue_repair() -> None:
	"""Put missing pieces back in a background job, once however many reports ask."""
	try:
		frappe.enqueue(
			"ar_control.data.ledger.repair",
			queue="long",
			job_id=REPAIR_JOB,
			deduplicate=True,
			enqueue_after_commit=True,
		)
	except Exception:  # a full queue or a Redis away must not stop the report: it reads without
		pass
