"""``bench --site SITE ar-control demo``: the demo company, made through ERPNext's own documents.

The story (who buys, who pays how) is :mod:`ar_control.demo.plan`; this module acts it out day
by day: masters first, then every order, delivery, invoice, credit note, advance and payment on
its own date, the way users post them (Sales Order, Delivery Note made from it, Sales Invoice
made from the delivery, Payment Entry made from the invoice). Over the last 60 days the ladder
runs each day for the demo company alone, and the collector's work happens on the days a
collector would do it: calls logged, a promise kept, a promise broken, a dispute. Credit
assessments are approved 90 days back, so the last months run under the limits and grades
they set; targets, monthly KPI snapshots and last month-end's provision close it. Its users are
restricted by User Permissions to the demo company and its customers.

Every master hangs below a node named ``plan.ROOT`` (customer group, territory, sales person,
item group) or, for users, has the e-mail domain ``plan.EMAIL_DOMAIN``: that is how
:mod:`ar_control.demo.remove` finds what belongs to the demo and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt

from ar_control import utils
from ar_control.collection import data
from ar_control.credit.assessment import limit_row
from ar_control.demo import plan as story
from ar_control.settings import add_provision_policy

MANIFEST = "ar_control_demo"  # a default holding what the demo made outside its company
OVER_LIMIT = "DEMO-OVER-LIMIT"  # the customer's purchase order number of the draft over the limit


# The demo's users: (full name, login, roles). Each is restricted by User Permissions to the demo
# company and its customers (see restrict); the roles act within that.
USERS = (
	(*story.CREDIT_MANAGER, ("Credit Manager", "Accounts Manager", "Sales Manager")),
	(*story.COLLECTOR, ("Collector", "Accounts User")),
	*((name, login, ("Sales User",)) for name, login in story.SALES_PERSONS),
)


def exists() -> bool:
	return bool(frappe.db.exists("Company", story.COMPANY))


def user_emails() -> list[str]:
	return [f"{login}@{story.EMAIL_DOMAIN}" for _name, login, _roles in USERS]


def other_companies() -> list[str]:
	"""The companies besides the demo's that keep books on this site: those with anything posted
	(a GL Entry), ERPNext's test companies (named "_Test ...", made by its test records) aside. A
	fresh site's company, made by the setup wizard, has posted nothing and does not count."""
	entry = frappe.qb.DocType("GL Entry")
	posted = (
		frappe.qb.from_(entry)
		.select(entry.company)
		.distinct()
		.where(entry.company != story.COMPANY)
		.run(pluck=True)
	)
	return sorted(company for company in posted if company and not company.startswith("_Test"))


def what_users_see(companies: list[str]) -> str:
	"""What `ar-control demo` says before it adds the demo's users to a site that keeps books."""
	return _(
		"This site keeps the books of other companies: {0}. The demo adds {1} users who can log in"
		" with the demo's password ({2}). User Permissions restrict them to {3} and its customers:"
		" they see no document of another company and no other customer. Their roles still let them"
		" read what ERPNext keeps for every company alike: items, suppliers, contacts, sales persons,"
		" territories, customer groups, payment terms, modes of payment, e-mail templates, fiscal"
		" years, currency exchange rates and the names of the site's users."
	).format(", ".join(companies), len(USERS), ", ".join(user_emails()), story.COMPANY)


def make(today: date | None = None, password: str | None = None, echo: Callable[[str], None] = print) -> dict:
	"""Make the demo (once: a second call says it exists and changes nothing).

	``password``: the demo users' password. ``None``: the users are made without one (the desk's
	button sets it beforehand, see :mod:`ar_control.demo.api`). It is never printed or stored
	in a document (Frappe keeps its hash only)."""
	if exists():
		echo(_("The demo company {0} exists already; nothing was changed.").format(story.COMPANY))
		return {"exists": True}
	if not frappe.is_setup_complete():
		frappe.throw(
			_(
				"Complete the setup wizard first: the demo builds on the defaults it sets (units, price lists, fiscal years)."
			)
		)
	today = utils.today(today)
	the_plan = story.plan(today)
	made = Demo(the_plan, password, echo)
	try:
		made.build()
	except Exception:
		frappe.db.rollback()
		echo(_("The demo stopped halfway; `ar-control demo --remove` removes what it made."))
		raise
	finally:
		frappe.flags.current_date = None
	return made.summary()


class Demo:
	def __init__(self, the_plan: story.Plan, password: str | None, echo: Callable[[str], None]):
		self.plan = the_plan
		self.password = password
		self.echo = echo
		self.orders: dict[int, str] = {}  # plan sale number -> Sales Order
		self.invoices: dict[int, str] = {}  # plan sale number -> Sales Invoice
		self.sales: dict[str, int] = {}  # Sales Invoice -> plan sale number
		self.users: dict[str, str] = {}
		self.manifest: dict[str, list[str]] = {"Currency Exchange": [], "Fiscal Year": []}
		self.counts: dict[str, int] = {}

	# --- the whole run ----------------------------------------------------------------------------

	def build(self) -> None:
		self.echo(_("Making the demo company {0}…").format(story.COMPANY))
		self.masters()
		frappe.db.set_default(MANIFEST, json.dumps(self.manifest))
		frappe.db.commit()
		ladder_from = self.plan.today - timedelta(days=story.LADDER_DAYS)
		assessed_on = self.plan.today - timedelta(days=90)
		by_day: dict[date, list[story.Event]] = {}
		for event in self.plan.events:
			by_day.setdefault(event.day, []).append(event)
		day = self.plan.first_day
		while day <= self.plan.today:
			frappe.flags.current_date = day
			for event in by_day.get(day, []):
				self.post(event)
			if day == assessed_on:
				self.assess(day)
			if day >= ladder_from:
				self.collector_work(day)
				self.run_ladder(day)
			frappe.db.commit()
			if day.day == 1:
				self.echo(_("… {0}").format(day.strftime("%Y-%m")))
			day += timedelta(days=1)
		frappe.flags.current_date = None
		self.month_end()
		self.provision()
		self.blocked_order()
		frappe.db.commit()

	def summary(self) -> dict:
		"""What was made and who logs in (never the password)."""
		lines = [
			_("Demo company {0} made.").format(story.COMPANY),
			*(f"  {doctype}: {count}" for doctype, count in sorted(self.counts.items())),
			_("Users, restricted to {0} (log in with the demo's password):").format(story.COMPANY),
			*(f"  {user} ({role})" for role, user in self.users.items()),
		]
		for line in lines:
			self.echo(line)
		return {"exists": False, "counts": self.counts, "users": self.users}

	def count(self, doctype: str, made: int = 1) -> None:
		self.counts[doctype] = self.counts.get(doctype, 0) + made

	# --- masters ----------------------------------------------------------------------------------

	def masters(self) -> None:
		abbr = story.ABBR
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": story.COMPANY,
				"abbr": abbr,
				"default_currency": story.CURRENCY,
				"country": story.COUNTRY,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
		self.fiscal_years()
		self.exchange_rates()
		self.foreign_receivable = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": f"Debtors {story.FOREIGN_CURRENCY}",
					"parent_account": frappe.db.get_value(
						"Account",
						{"company": story.COMPANY, "account_type": "Receivable", "is_group": 0},
						"parent_account",
					),
					"company": story.COMPANY,
					"account_type": "Receivable",
					"account_currency": story.FOREIGN_CURRENCY,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

		tree("Customer Group", "customer_group_name", story.ROOT, "All Customer Groups")
		for group, _days in story.GROUPS:
			tree("Customer Group", "customer_group_name", group, story.ROOT, is_group=0)
		tree("Territory", "territory_name", story.ROOT, "All Territories")
		for territory in story.TERRITORIES:
			tree("Territory", "territory_name", territory, story.ROOT, is_group=0)
		tree("Item Group", "item_group_name", story.ROOT, "All Item Groups", is_group=0)
		for code, name in story.ITEMS:
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": name,
					"item_group": story.ROOT,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
				}
			).insert(ignore_permissions=True)
		for currency in (story.CURRENCY, story.FOREIGN_CURRENCY):
			frappe.get_doc(
				{
					"doctype": "Price List",
					"price_list_name": f"{story.ROOT} {currency}",
					"currency": currency,
					"selling": 1,
				}
			).insert(ignore_permissions=True)

		credit_manager, collector, *sales = USERS
		self.users["Credit Manager"] = self.user(*credit_manager)
		self.users["Collector"] = self.user(*collector)
		tree("Sales Person", "sales_person_name", story.ROOT, "Sales Team")
		for name, login, roles in sales:
			user = self.user(name, login, roles)
			self.users[name] = user
			employee = frappe.get_doc(
				{
					"doctype": "Employee",
					"first_name": name.removeprefix("Demo Sales "),
					"company": story.COMPANY,
					"user_id": user,
					"gender": "Female" if frappe.db.exists("Gender", "Female") else None,
					"date_of_birth": "1990-05-01",
					"date_of_joining": str(self.plan.first_day),
					"status": "Active",
				}
			).insert(ignore_permissions=True)
			tree("Sales Person", "sales_person_name", name, story.ROOT, is_group=0, employee=employee.name)

		for customer in self.plan.customers:
			doc = frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": customer.name,
					"customer_type": "Company",
					"customer_group": customer.group,
					"territory": customer.territory,
					"default_currency": customer.currency,
					"default_price_list": f"{story.ROOT} {customer.currency}",
					"ar_collector": self.users["Collector"],
					"ar_finance_owner": self.users["Credit Manager"],
				}
			)
			if customer.currency == story.FOREIGN_CURRENCY:
				doc.append("accounts", {"company": story.COMPANY, "account": self.foreign_receivable})
			doc.insert(ignore_permissions=True)
			frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": "Accounts Payable",
					"last_name": customer.name[:30],
					"is_billing_contact": 1,
					"email_ids": [
						{
							"email_id": f"ap.{doc.name[:20].lower().replace(' ', '-').replace(',', '').replace('.', '')}@customers.{story.EMAIL_DOMAIN}",
							"is_primary": 1,
						}
					],
					"links": [{"link_doctype": "Customer", "link_name": doc.name}],
				}
			).insert(ignore_permissions=True)
		for user in self.users.values():
			restrict(user, [customer.name for customer in self.plan.customers])
		for person, _login in story.SALES_PERSONS:
			frappe.get_doc(
				{
					"doctype": "Collection Target",
					"company": story.COMPANY,
					"sales_person": person,
					"target_dso": 45,
					"target_collection_rate": 85,
				}
			).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Collection Target",
				"company": story.COMPANY,
				"target_dso": 50,
				"target_collection_rate": 85,
			}
		).insert(ignore_permissions=True)

	def user(self, full_name: str, login: str, roles: tuple[str, ...]) -> str:
		"""A demo user with ``roles`` (restricted to the demo once its customers exist, see
		:func:`restrict`: whatever the roles allow, they allow it there only)."""
		email = f"{login}@{story.EMAIL_DOMAIN}"
		first, _sep, last = full_name.removeprefix("Demo ").rpartition(" ")
		doc = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
				"roles": [{"role": role} for role in roles if frappe.db.exists("Role", role)],
			}
		)
		if self.password:
			doc.new_password = self.password
		doc.flags.no_welcome_mail = True
		doc.insert(ignore_permissions=True)
		frappe.db.set_default("company", story.COMPANY, parent=email)
		return email

	def fiscal_years(self) -> None:
		from erpnext.accounts.utils import get_fiscal_year

		for year in range(self.plan.first_day.year, self.plan.today.year + 2):
			if all(
				get_fiscal_year(day, company=story.COMPANY, boolean=True)
				for day in (f"{year}-01-01", f"{year}-12-31")
			):
				continue
			name = (
				frappe.get_doc(
					{
						"doctype": "Fiscal Year",
						"year": f"{story.ROOT} {year}",
						"year_start_date": f"{year}-01-01",
						"year_end_date": f"{year}-12-31",
						"companies": [{"company": story.COMPANY}],
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			self.manifest["Fiscal Year"].append(name)

	def exchange_rates(self) -> None:
		"""A USD rate on the first of every month (ERPNext never asks the internet for one)."""
		month = self.plan.first_day
		index = 0
		while month <= self.plan.today:
			rate = 7.10 + (index % 5) * 0.04
			if not frappe.db.exists(
				"Currency Exchange",
				{"date": month, "from_currency": story.FOREIGN_CURRENCY, "to_currency": story.CURRENCY},
			):
				doc = frappe.get_doc(
					{
						"doctype": "Currency Exchange",
						"date": month,
						"from_currency": story.FOREIGN_CURRENCY,
						"to_currency": story.CURRENCY,
						"exchange_rate": rate,
						"for_buying": 1,
						"for_selling": 1,
					}
				).insert(ignore_permissions=True)
				self.manifest["Currency Exchange"].append(doc.name)
			month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
			index += 1

	# --- the documents ----------------------------------------------------------------------------

	def rate(self, customer: story.Customer, day: date) -> float:
		if customer.currency == story.CURRENCY:
			return 1.0
		from erpnext.setup.utils import get_exchange_rate

		return flt(get_exchange_rate(customer.currency, story.CURRENCY, str(day)))

	def post(self, event: story.Event) -> None:
		customer = self.plan.customer(event.customer)
		if event.kind == story.ORDER:
			self.order(customer, self.plan.sales[event.sale])
		elif event.kind == story.INVOICE and event.sale in self.orders:
			self.deliver_and_invoice(customer, self.plan.sales[event.sale])
		elif event.kind == story.PAYMENT and event.sale in self.invoices:
			self.payment(customer, event)
		elif event.kind == story.CREDIT_NOTE and event.sale in self.invoices:
			self.credit_note(event)
		elif event.kind == story.ADVANCE:
			self.advance(customer, event)

	def order(self, customer: story.Customer, sale: story.Sale) -> None:
		doc = sales_order(
			customer, sale.item, sale.amount, sale.ordered, sale.invoiced, self.rate(customer, sale.ordered)
		)
		doc.insert(ignore_permissions=True)
		frappe.db.savepoint("ar_demo_order")
		try:
			doc.submit()
		except frappe.ValidationError:
			# blocked by the credit check (on hold, over the limit, overdue): the credit manager
			# lets a customer that pays, if late, go on; a defaulter's order stays a draft
			frappe.db.rollback(save_point="ar_demo_order")
			frappe.clear_messages()
			if customer.behaviour == "defaulter" or not self.override(doc.name):
				self.count("Sales Order (blocked, draft)")
				return
		self.orders[sale.number] = doc.name
		self.count("Sales Order")

	def override(self, order: str) -> bool:
		"""The credit manager submits the blocked order with a reason (Credit Override Log)."""
		doc = frappe.get_doc("Sales Order", order)
		doc.ar_credit_override_reason = _(
			"Long-standing customer; the overdue invoices are in its next payment run."
		)
		frappe.db.savepoint("ar_demo_override")
		frappe.set_user(self.users["Credit Manager"])
		try:
			doc.submit()
		except frappe.ValidationError:
			frappe.db.rollback(save_point="ar_demo_override")
			frappe.clear_messages()
			return False
		finally:
			frappe.set_user("Administrator")
		self.count("Sales Order (credit check overridden)")
		return True

	def deliver_and_invoice(self, customer: story.Customer, sale: story.Sale) -> None:
		from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

		note = make_delivery_note(self.orders[sale.number])
		note.set_posting_time = 1
		note.posting_date = sale.invoiced
		note.insert(ignore_permissions=True)
		note.submit()
		self.count("Delivery Note")
		invoice = make_sales_invoice(note.name)
		invoice.set_posting_time = 1
		invoice.posting_date = sale.invoiced
		invoice.conversion_rate = self.rate(customer, sale.invoiced)
		invoice.payment_terms_template = None
		invoice.payment_schedule = []
		invoice.due_date = sale.due
		invoice.insert(ignore_permissions=True)
		invoice.submit()
		self.invoices[sale.number] = invoice.name
		self.sales[invoice.name] = sale.number
		self.count("Sales Invoice")

	def payment(self, customer: story.Customer, event: story.Event) -> None:
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		invoice = self.invoices[event.sale]
		outstanding = flt(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount"))
		amount = min(flt(event.amount), outstanding)
		if amount <= 0:
			return
		if not [e for e in self.plan.payments_of(event.sale) if e.day > event.day]:
			amount = outstanding  # the last payment settles what the invoice still owes
		entry = get_payment_entry("Sales Invoice", invoice, party_amount=amount)
		entry.posting_date = event.day
		entry.reference_no = f"DEMO-{event.day:%Y%m%d}-{event.sale}"
		entry.reference_date = event.day
		rate = self.rate(customer, event.day)
		entry.source_exchange_rate = rate
		entry.paid_amount = amount
		entry.received_amount = flt(amount * rate, 2)
		entry.base_paid_amount = flt(amount * rate, 2)
		for reference in entry.references:
			reference.allocated_amount = amount
		entry.insert(ignore_permissions=True)
		entry.submit()
		self.count("Payment Entry")

	def credit_note(self, event: story.Event) -> None:
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		note = make_sales_return(self.invoices[event.sale])
		note.set_posting_time = 1
		note.posting_date = event.day
		note.due_date = event.day
		note.payment_schedule = []
		note.items = note.items[:1]
		note.items[0].qty = -1  # one of the ten units, at the invoice's rate
		note.update_outstanding_for_self = 0
		note.insert(ignore_permissions=True)
		note.submit()
		self.count("Sales Invoice (credit note)")

	def advance(self, customer: story.Customer, event: story.Event) -> None:
		company = frappe.get_cached_doc("Company", story.COMPANY)
		frappe.get_doc(
			{
				"doctype": "Payment Entry",
				"payment_type": "Receive",
				"company": story.COMPANY,
				"posting_date": event.day,
				"party_type": "Customer",
				"party": customer.name,
				"paid_from": company.default_receivable_account,
				"paid_to": company.default_cash_account,
				"paid_amount": flt(event.amount),
				"received_amount": flt(event.amount),
				"source_exchange_rate": 1,
				"target_exchange_rate": 1,
				"reference_no": f"DEMO-ADVANCE-{event.day:%Y%m%d}",
				"reference_date": event.day,
			}
		).insert(ignore_permissions=True).submit()
		self.count("Payment Entry (advance)")

	# --- credit, collection, month-end ------------------------------------------------------------

	def assess(self, day: date) -> None:
		"""Every customer with history assessed and approved: the manual factors scored by how the
		customer has behaved (a credit manager's judgement), the payment behaviour from the ledger."""
		scores = {
			"punctual": 85,
			"advance": 80,
			"late": 70,
			"foreign": 70,
			"partial": 60,
			"chronic": 50,
			"defaulter": 30,
		}
		for customer in self.plan.customers:
			if customer.behaviour not in scores:
				continue
			doc = frappe.get_doc(
				{
					"doctype": "Credit Assessment",
					"customer": customer.name,
					"company": story.COMPANY,
					"assessment_date": day,
				}
			)
			doc.insert(ignore_permissions=True)
			for row in doc.factors:
				if row.basis == "Manual" or not row.score:
					row.score = scores[customer.behaviour]
			doc.save(ignore_permissions=True)
			doc.submit()
			self.count("Credit Assessment")

	def run_ladder(self, day: date) -> None:
		from ar_control.collection import ladder

		ladder.run(day, company=story.COMPANY)

	def open_case(self, customer: str):
		found = data.open_cases([(customer, story.COMPANY)]).get((customer, story.COMPANY))
		return frappe.get_doc("Collection Case", found.name) if found else None

	def call(self, case, day: date, summary: str, outcome: str, next_action: date | None) -> None:
		frappe.get_doc(
			{
				"doctype": "Collection Activity",
				"collection_case": case.name,
				"customer": case.customer,
				"activity_type": "Call",
				"activity_date": f"{day} 10:30:00",
				"user": self.users["Collector"],
				"summary": summary,
				"outcome": outcome,
				"next_action_date": next_action,
			}
		).insert(ignore_permissions=True)
		self.count("Collection Activity (call)")

	def collector_work(self, day: date) -> None:
		"""What the collector does on some days of the last 60: the story's calls, promises and
		dispute, each on the case the ladder opened."""
		back = (self.plan.today - day).days
		if back == 45:
			for customer in self.plan.of("chronic")[:4]:
				if case := self.open_case(customer.name):
					self.call(
						case,
						day,
						_("Called accounts payable: the invoices are in their next payment run."),
						_("Payment expected"),
						day + timedelta(days=7),
					)
		if back == 35:
			self.promise(day, kept=True)
		if back == 30:
			self.promise(day, kept=False)
		if back == 20:
			self.dispute(day)
		if back == 5:
			for customer in self.plan.of("defaulter"):
				if case := self.open_case(customer.name):
					self.call(
						case,
						day,
						_("No answer from the customer's finance department; left a message."),
						_("No contact"),
						self.plan.today + timedelta(days=2),
					)

	def promise(self, day: date, kept: bool) -> None:
		"""A promise on an overdue invoice: one the customer will pay on the promised day (kept),
		or a defaulter's (broken)."""
		kinds = ("chronic", "late") if kept else ("defaulter",)
		for customer in [c for kind in kinds for c in self.plan.of(kind)]:
			case = self.open_case(customer.name)
			if not case:
				continue
			for row in case.invoices:
				sale = self.sales.get(row.sales_invoice)
				payments = self.plan.payments_of(sale) if sale else []
				if kept:
					coming = [
						e
						for e in payments
						if day + timedelta(days=3) <= e.day <= self.plan.today - timedelta(days=3)
					]
					if not coming:
						continue
					promised_on = coming[0].day
				else:
					if payments:
						continue
					promised_on = day + timedelta(days=5)
				row.promised_date = promised_on
				row.promised_amount = row.outstanding_amount
				case.save(ignore_permissions=True)
				self.call(
					case,
					day,
					_("The customer promised to pay {0} by {1}.").format(row.sales_invoice, promised_on),
					_("Promise to pay"),
					promised_on,
				)
				self.count("Promise to pay")
				return

	def dispute(self, day: date) -> None:
		for customer in self.plan.of("partial"):
			case = self.open_case(customer.name)
			if case and case.invoices:
				row = case.invoices[0]
				row.disputed = 1
				row.dispute_reason = _("Ten units delivered short; the customer asks for a credit note.")
				case.save(ignore_permissions=True)
				self.count("Dispute")
				return

	def month_end(self) -> None:
		"""KPI snapshots of the last 12 complete months."""
		from ar_control.core.period import month_of
		from ar_control.kpi.snapshots import write_snapshots

		month = month_of(self.plan.today).start
		for _i in range(12):
			month = month_of(month - timedelta(days=1)).start
			self.count("Collection KPI Snapshot", len(write_snapshots(story.COMPANY, month_of(month))))
		frappe.db.commit()

	def provision(self) -> None:
		"""Month-end: the demo company's provision policy (an allowance account under Accounts
		Receivable, a bad-debt expense account), a specific provision for each customer handed over
		to legal, and last month-end's Provision Run posted."""
		from ar_control.core.period import month_of

		frappe.flags.current_date = self.plan.today
		receivables = frappe.db.get_value(
			"Account",
			{"company": story.COMPANY, "account_type": "Receivable", "is_group": 0},
			"parent_account",
		)
		indirect = frappe.db.get_value(
			"Account",
			{
				"company": story.COMPANY,
				"root_type": "Expense",
				"is_group": 1,
				"account_name": "Indirect Expenses",
			},
		) or frappe.db.get_value(
			"Account", {"company": story.COMPANY, "root_type": "Expense", "is_group": 1}, order_by="lft"
		)
		accounts = {}
		for key, name, parent in (
			("allowance_account", "Allowance for Doubtful Accounts", receivables),
			("expense_account", "Bad Debt Expense", indirect),
		):
			accounts[key] = (
				frappe.get_doc(
					{
						"doctype": "Account",
						"account_name": name,
						"parent_account": parent,
						"company": story.COMPANY,
						"is_group": 0,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		add_provision_policy(story.COMPANY, **accounts)

		for case in frappe.get_all(
			"Collection Case",
			filters={"company": story.COMPANY, "status": "Legal"},
			fields=["name", "customer"],
		):
			frappe.get_doc(
				{
					"doctype": "Specific Provision",
					"company": story.COMPANY,
					"customer": case.customer,
					"basis": "Rate",
					"rate_percent": 50,
					"collection_case": case.name,
					"reason": _("Handed over to legal: half of it is expected back."),
					"active": 1,
				}
			).insert(ignore_permissions=True)
			self.count("Specific Provision")
		last_month_end = month_of(self.plan.today).start - timedelta(days=1)
		run = frappe.get_doc(
			{"doctype": "Provision Run", "company": story.COMPANY, "as_of_date": last_month_end}
		).insert(ignore_permissions=True)
		run.submit()
		self.count("Provision Run (posted)")
		frappe.flags.current_date = None
		frappe.db.commit()

	def blocked_order(self) -> None:
		"""A draft order of a key account over its credit limit: what the credit panel blocks."""
		for customer in self.plan.of("punctual"):
			row = limit_row(customer.name, story.COMPANY)
			limit = flt(row.credit_limit) if row else 0
			if customer.group != story.GROUPS[0][0] or not limit:
				continue
			frappe.flags.current_date = self.plan.today
			amount = story.hundreds(Decimal(str(limit)) * Decimal("1.2"))  # ten units, 1.2 times the limit
			doc = sales_order(
				customer, story.ITEMS[0][0], amount, self.plan.today, self.plan.today + timedelta(days=7)
			)
			doc.po_no = OVER_LIMIT
			doc.insert(ignore_permissions=True)
			frappe.flags.current_date = None
			self.count("Sales Order (over the limit, draft)")
			return


def sales_order(
	customer: story.Customer, item: str, amount: Decimal, ordered: date, delivery: date, rate: float = 1.0
):
	"""A draft (not inserted) order of ten units worth ``amount``, with the customer's sales person."""
	return frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": story.COMPANY,
			"customer": customer.name,
			"transaction_date": ordered,
			"delivery_date": delivery,
			"currency": customer.currency,
			"conversion_rate": rate,
			"selling_price_list": f"{story.ROOT} {customer.currency}",
			"plc_conversion_rate": rate,
			"items": [{"item_code": item, "qty": 10, "rate": flt(amount / 10, 2), "delivery_date": delivery}],
			"sales_team": [{"sales_person": customer.sales_person, "allocated_percentage": 100}],
		}
	)


def restrict(user: str, customers: list[str]) -> None:
	"""User Permissions that keep a demo user to the demo, for every DocType: the demo company
	(also the user's default company) and the demo's customers. A Customer Group permission would
	not do: ERPNext leaves an invoice's customer group at its default, outside the demo's tree."""
	wanted = [("Company", story.COMPANY, 1), *(("Customer", customer, 0) for customer in customers)]
	have = {
		(allow, value)
		for allow, value in frappe.get_all(
			"User Permission", filters={"user": user}, fields=["allow", "for_value"], as_list=True
		)
	}
	for allow, value, default in wanted:
		if (allow, value) not in have:
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": user,
					"allow": allow,
					"for_value": value,
					"apply_to_all_doctypes": 1,
					"is_default": default,
				}
			).insert(ignore_permissions=True)
	frappe.db.set_default("company", story.COMPANY, parent=user)


def tree(doctype: str, name_field: str, name: str, parent: str, is_group: int = 1, **fields) -> str:
	parent_field = f"parent_{frappe.scrub(doctype)}"
	if not frappe.db.exists(doctype, name):
		frappe.get_doc(
			{"doctype": doctype, name_field: name, parent_field: parent, "is_group": is_group, **fields}
		).insert(ignore_permissions=True)
	return name
