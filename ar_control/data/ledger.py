"""The receivables ledger the app reads: ERPNext's Payment Ledger, through a copy kept by triggers.

ERPNext's Payment Ledger Entry holds every receivable row the Accounts Receivable report reads,
but its table is wide and its indexes cannot cover the aging query (eight text columns, more
than InnoDB's 3,072-byte key limit), so every report reads the rows themselves. The app keeps
**AR Ledger Entry**: the same rows of customer receivables that are not delinked, narrowed to
the columns the reports and the credit check read, with two covering indexes, and with two
columns worked out once per row: ``own_row`` (the voucher's own row, against itself) and
``kind`` (what the KPI flows count it as).

Database triggers on ``tabPayment Ledger Entry`` keep the copy: every insert, update and delete
of a Payment Ledger row, by any path (a submission, a cancellation that delinks, Payment
Reconciliation, which has no document event, reposting, exchange-rate revaluation, deleting a
company's transactions), changes the copy in the same statement and the same transaction. So the
copy is always exactly the ledger, on every date. ``rebuild`` fills it from the ledger (at
install and migration, or by hand with ``bench --site SITE ar-control ledger --rebuild``);
``check`` compares the two per company (the daily job runs it and rebuilds what differs, so a
change made behind the triggers' back, such as a TRUNCATE, cannot last).

Where the triggers cannot be created (a MariaDB with binary logging and no privilege for stored
programs) the app reads ERPNext's Payment Ledger Entry directly: the same figures, more slowly.
:func:`source` says which one a query reads.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import NamedTuple

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Sum

from ar_control.utils import commit, log_error

MIRROR = "AR Ledger Entry"
LEDGER = "Payment Ledger Entry"
READY = "ar_control_ledger_ready"  # site default: the triggers are in place and the copy is full

# kind: what the collection KPIs count a row as (see ar_control.data.kpi_figures)
KIND_EXCLUDED, KIND_SALES, KIND_WRITE_OFF, KIND_COLLECTION = 0, 1, 2, 3
NOT_SALES_NOR_COLLECTIONS = ("Exchange Rate Revaluation", "Exchange Gain Or Loss")

# Each within InnoDB's key limit (four 140-character columns); each covers its queries
INDEXES = {
	# aging and exposure: a company's rows per customer and voucher, in the order they are grouped
	"ar_ledger_aging": [
		"company",
		"party",
		"against_voucher_no",
		"against_voucher_type",
		"posting_date",
		"own_row",
		"due_date",
		"amount",
		"amount_in_account_currency",
	],
	# KPI flows: a company's rows up to a date
	"ar_ledger_flows": [
		"company",
		"posting_date",
		"kind",
		"own_row",
		"amount",
		"against_voucher_type",
		"against_voucher_no",
		"party",
	],
}

COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"company",
	"party",
	"posting_date",
	"due_date",
	"voucher_type",
	"voucher_no",
	"against_voucher_type",
	"against_voucher_no",
	"amount",
	"amount_in_account_currency",
	"own_row",
	"kind",
)

# The rows of the Payment Ledger that are customer receivables, as ERPNext's AR report reads them
QUALIFIES = "{row}.party_type = 'Customer' AND {row}.account_type = 'Receivable' AND {row}.delinked = 0"


def _values(row: str) -> str:
	"""The copy's column values from a Payment Ledger row named ``row`` (``NEW`` in a trigger)."""
	return (
		f"{row}.name, {row}.creation, {row}.modified, {row}.owner, {row}.modified_by, 1, {row}.company, "
		f"{row}.party, {row}.posting_date, "
		f"ar_control_ledger_due_date({row}.voucher_type, {row}.voucher_no, {row}.due_date), "
		f"{row}.voucher_type, {row}.voucher_no, "
		f"{row}.against_voucher_type, {row}.against_voucher_no, {row}.amount, "
		f"{row}.amount_in_account_currency, "
		f"({row}.voucher_type <=> {row}.against_voucher_type AND {row}.voucher_no <=> {row}.against_voucher_no), "
		f"ar_control_ledger_kind({row}.voucher_type, {row}.voucher_no, {row}.against_voucher_type, "
		f"{row}.against_voucher_no, {row}.amount)"
	)


_INSERT = "REPLACE INTO `tabAR Ledger Entry` ({columns}) {values}"

# The KPI classification, the one place it is written: a stored function, so the triggers and a
# rebuild classify a row the same way.
KIND_FUNCTION = """
CREATE OR REPLACE FUNCTION ar_control_ledger_kind(
	p_voucher_type VARCHAR(140), p_voucher_no VARCHAR(140),
	p_against_type VARCHAR(140), p_against_no VARCHAR(140), p_amount DECIMAL(21, 9)
) RETURNS TINYINT READS SQL DATA
BEGIN
	DECLARE v_opening VARCHAR(140) DEFAULT NULL;
	DECLARE v_return INT DEFAULT 0;
	DECLARE v_journal VARCHAR(140) DEFAULT '';
	IF p_voucher_type = 'Sales Invoice' THEN
		SELECT is_opening, is_return INTO v_opening, v_return
			FROM `tabSales Invoice` WHERE name = p_voucher_no LIMIT 1;
	ELSEIF p_voucher_type = 'Journal Entry' THEN
		SELECT is_opening, voucher_type INTO v_opening, v_journal
			FROM `tabJournal Entry` WHERE name = p_voucher_no LIMIT 1;
	END IF;
	IF COALESCE(v_opening, 'No') = 'Yes'
		OR COALESCE(v_journal, '') IN ('Exchange Rate Revaluation', 'Exchange Gain Or Loss') THEN
		RETURN 0;
	END IF;
	IF COALESCE(v_return, 0) = 1 OR v_journal = 'Credit Note' OR (
		p_voucher_type <=> p_against_type AND p_voucher_no <=> p_against_no AND p_amount > 0
		AND p_voucher_type IN ('Sales Invoice', 'Journal Entry')
	) THEN
		RETURN 1;
	END IF;
	IF v_journal = 'Write Off Entry' THEN
		RETURN 2;
	END IF;
	RETURN 3;
END
"""

# The due date ERPNext's Accounts Receivable report ages a voucher by: a Sales Invoice's, a Journal
# Entry's when it carries a bill number; every other voucher is aged from its posting date.
DUE_DATE_FUNCTION = """
CREATE OR REPLACE FUNCTION ar_control_ledger_due_date(
	p_voucher_type VARCHAR(140), p_voucher_no VARCHAR(140), p_due_date DATE
) RETURNS DATE READS SQL DATA
BEGIN
	DECLARE v_bill VARCHAR(140) DEFAULT NULL;
	IF p_voucher_type = 'Sales Invoice' THEN
		RETURN p_due_date;
	END IF;
	IF p_voucher_type = 'Journal Entry' THEN
		SELECT bill_no INTO v_bill FROM `tabJournal Entry` WHERE name = p_voucher_no LIMIT 1;
		IF COALESCE(v_bill, '') <> '' THEN
			RETURN p_due_date;
		END IF;
	END IF;
	RETURN NULL;
END
"""
FUNCTIONS = {"ar_control_ledger_kind": KIND_FUNCTION, "ar_control_ledger_due_date": DUE_DATE_FUNCTION}
# Bumped whenever what the copy holds changes: a site whose copy was made otherwise is rebuilt
VERSION = "2"

TRIGGERS = {
	"ar_control_ple_after_insert": f"""
CREATE OR REPLACE TRIGGER ar_control_ple_after_insert AFTER INSERT ON `tabPayment Ledger Entry`
FOR EACH ROW BEGIN
	IF {QUALIFIES.format(row="NEW")} THEN
		{_INSERT.format(columns=", ".join(COLUMNS), values="VALUES (" + _values("NEW") + ")")};
	END IF;
END""",
	"ar_control_ple_after_update": f"""
CREATE OR REPLACE TRIGGER ar_control_ple_after_update AFTER UPDATE ON `tabPayment Ledger Entry`
FOR EACH ROW BEGIN
	DELETE FROM `tabAR Ledger Entry` WHERE name = OLD.name;
	IF {QUALIFIES.format(row="NEW")} THEN
		{_INSERT.format(columns=", ".join(COLUMNS), values="VALUES (" + _values("NEW") + ")")};
	END IF;
END""",
	"ar_control_ple_after_delete": """
CREATE OR REPLACE TRIGGER ar_control_ple_after_delete AFTER DELETE ON `tabPayment Ledger Entry`
FOR EACH ROW BEGIN
	DELETE FROM `tabAR Ledger Entry` WHERE name = OLD.name;
END""",
}


# --- installing, rebuilding, checking --------------------------------------------------------------


def install() -> bool:
	"""Create the classification function and the triggers, fill the copy; returns whether the
	app now reads its copy. A database that refuses stored programs leaves the app on the
	Payment Ledger itself, with an Error Log entry saying why."""
	try:
		for statement in (*FUNCTIONS.values(), *TRIGGERS.values()):
			frappe.db.sql_ddl(statement)
	except Exception:
		frappe.db.rollback()
		remove()
		log_error("the receivables ledger copy could not be installed; reading the Payment Ledger")
		return False
	rebuild()
	frappe.db.set_default(READY, VERSION)
	# the DDL above committed already; so does the state that says the copy is in place
	frappe.db.commit()
	return True


def remove() -> None:
	"""Drop the triggers and the function (before the copy's table goes, at uninstall)."""
	for name in TRIGGERS:
		frappe.db.sql_ddl(f"DROP TRIGGER IF EXISTS {name}")
	for name in FUNCTIONS:
		frappe.db.sql_ddl(f"DROP FUNCTION IF EXISTS {name}")
	frappe.db.set_default(READY, None)
	frappe.db.commit()  # as the DDL did


def current() -> bool:
	"""The copy is in place and made by this version of the app."""
	return frappe.db.get_default(READY) == VERSION and triggers_present()


def triggers_present() -> bool:
	found = frappe.db.sql(
		"""select count(*) from information_schema.triggers
		where trigger_schema = database() and trigger_name in %(names)s""",
		{"names": tuple(TRIGGERS)},
	)[0][0]
	return found == len(TRIGGERS)


def rebuild(companies: list[str] | None = None) -> int:
	"""Fill the copy from the Payment Ledger (every company, or some); returns the rows copied."""
	condition = QUALIFIES.format(row="ple")
	params = {}
	if companies is not None:
		if not companies:
			return 0
		condition += " AND ple.company IN %(companies)s"
		params["companies"] = tuple(companies)
		frappe.db.sql("DELETE FROM `tabAR Ledger Entry` WHERE company IN %(companies)s", params)
	else:
		frappe.db.sql("DELETE FROM `tabAR Ledger Entry`")
	# one set-based copy through the same function the triggers use
	frappe.db.sql(
		_INSERT.format(
			columns=", ".join(COLUMNS),
			values=f"SELECT {_values('ple')} FROM `tabPayment Ledger Entry` ple WHERE {condition}",
		),
		params,
	)
	commit()  # the copy is the ledger's now; a failure later must not undo it
	return sum(rows for rows, _amount, _in_account in totals(MIRROR).values())


def totals(doctype: str) -> dict[str, tuple]:
	"""(rows, sum of amount, sum in account currency) per company, of the ledger or the copy."""
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select(
		table.company, Count("*"), Sum(table.amount), Sum(table.amount_in_account_currency)
	)
	if doctype == LEDGER:
		query = query.where(
			(table.party_type == "Customer") & (table.account_type == "Receivable") & (table.delinked == 0)
		)
	return {row[0]: tuple(row[1:]) for row in query.groupby(table.company).run()}


def check() -> list[str]:
	"""The companies whose copy differs from the Payment Ledger (row count or sums)."""
	ledger, copy = totals(LEDGER), totals(MIRROR)
	return sorted(company for company in set(ledger) | set(copy) if ledger.get(company) != copy.get(company))


def repair() -> list[str]:
	"""The daily check: triggers in place, every company's copy equal to the ledger; what was
	missing is put back (and logged, since something changed the ledger behind the triggers)."""
	if not triggers_present():
		if install():
			log_error("the receivables ledger triggers were missing and were put back", details="")
		return ["*"]
	differing = check()
	if differing:
		log_error(
			"the receivables ledger copy differed from the Payment Ledger and was rebuilt",
			details=", ".join(differing),
		)
		rebuild(differing)
	return differing


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


# --- what the queries read ------------------------------------------------------------------------


class Source(NamedTuple):
	"""The table receivables queries read, and the terms that differ between the two."""

	table: object  # a frappe.qb table
	mirror: bool

	def reading(self, index: str):
		"""``FROM`` the table, through one of the copy's covering indexes (MariaDB's planner,
		seeing two indexes that both start with the company, may take the one that covers less)."""
		query = frappe.qb.from_(self.table)
		return query.force_index(index) if self.mirror else query

	def conditions(self, company: str, as_of=None, customers=None) -> list:
		"""Customer receivables of ``company`` posted on or before ``as_of`` (any date when
		``None``), of some ``customers`` when given."""
		t = self.table
		conditions = [t.company == company]
		if not self.mirror:
			conditions += [t.party_type == "Customer", t.account_type == "Receivable", t.delinked == 0]
		if as_of is not None:
			conditions.append(t.posting_date <= as_of)
		if customers is not None:
			conditions.append(t.party.isin(list(customers) or [""]))
		return conditions

	def due_date(self, vouchers, query):
		"""``(query, due date)``: the due date ERPNext ages a voucher of ``vouchers`` (the open
		items) by; the copy holds it already, the Payment Ledger needs the Journal Entry."""
		if self.mirror:
			return query, vouchers.due_date
		from ar_control.data.dimensions import erpnext_due_date

		return erpnext_due_date(vouchers, query)

	@property
	def own_row(self):
		t = self.table
		if self.mirror:
			return t.own_row == 1
		return (t.voucher_type == t.against_voucher_type) & (t.voucher_no == t.against_voucher_no)

	def voucher_keys(self) -> list:
		"""The keys open items are grouped by, in the order of the covering index."""
		t = self.table
		if self.mirror:
			return [t.party, t.against_voucher_no, t.against_voucher_type]
		# voucher number first: the order of ERPNext's index on (against_voucher_no, type)
		return [t.against_voucher_no, t.against_voucher_type, t.party]

	def with_kind(self, query):
		"""``(query, kind)``: the KPI kind of each row (see ``KIND_*``)."""
		t = self.table
		if self.mirror:
			return query, t.kind
		invoice = frappe.qb.DocType("Sales Invoice").as_("row_invoice")
		journal = frappe.qb.DocType("Journal Entry").as_("row_journal")
		query = (
			query.left_join(invoice)
			.on((t.voucher_type == "Sales Invoice") & (invoice.name == t.voucher_no))
			.left_join(journal)
			.on((t.voucher_type == "Journal Entry") & (journal.name == t.voucher_no))
		)
		journal_type = Coalesce(journal.voucher_type, "")
		excluded = (Coalesce(invoice.is_opening, journal.is_opening, "No") == "Yes") | journal_type.isin(
			NOT_SALES_NOR_COLLECTIONS
		)
		credit_note = (Coalesce(invoice.is_return, 0) == 1) | (journal_type == "Credit Note")
		invoiced = self.own_row & (t.amount > 0) & t.voucher_type.isin(["Sales Invoice", "Journal Entry"])
		kind = (
			Case()
			.when(excluded, KIND_EXCLUDED)
			.when(credit_note | invoiced, KIND_SALES)
			.when(journal_type == "Write Off Entry", KIND_WRITE_OFF)
			.else_(KIND_COLLECTION)
		)
		return query, kind


def source() -> Source:
	"""The app's copy when it is in place, else ERPNext's Payment Ledger Entry."""
	if frappe.db.get_default(READY):
		return Source(frappe.qb.DocType(MIRROR), True)
	return Source(frappe.qb.DocType(LEDGER), False)
