"""The demo's story, without Frappe: who the customers are, how each pays, and every sale,
payment, credit note and advance of the 18 months before a given day, in the order they happen.

Deterministic: the same day gives the same plan (a seeded random generator per customer), so a
demo made twice on one day is the same demo, and the tests can check the story's promises
(every behaviour is there, no payment exceeds its invoice, nothing happens after the day).

Behaviours (days late = payment date - due date):
	punctual    pays every invoice in full 5 days early to 2 days late
	late        3 to 20 days late
	chronic     25 to 75 days late
	partial     pays 50-70 % 0-15 days late, the rest 30-60 days late
	defaulter   pays 10-30 days late until 9 months before the day, then nothing
	new         a customer of the last 2 months, punctual (no history to judge yet)
Invoices whose payment date falls after the day are still open on it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

COMPANY = "AR Control Demo Co."
ABBR = "ARCDEMO"
CURRENCY = "CNY"
FOREIGN_CURRENCY = "USD"
COUNTRY = "China"
# every master the demo makes hangs below these (or, for users, has this e-mail domain), which
# is how --remove finds them
ROOT = "AR Control Demo"
EMAIL_DOMAIN = "ar-control-demo.example.com"  # example.com: never delivered (RFC 2606)
MONTHS = 18
LADDER_DAYS = 60  # the ladder runs day by day over the last 60 days

GROUPS = (("Demo Key Accounts", 60), ("Demo Distributors", 45), ("Demo Retailers", 30))
TERRITORIES = ("Demo North", "Demo East", "Demo South")
SALES_PERSONS = (
	("Demo Sales Wang Li", "wang.li"),
	("Demo Sales Chen Jing", "chen.jing"),
	("Demo Sales Zhao Lei", "zhao.lei"),
)
COLLECTOR = ("Demo Collector Liu Yang", "liu.yang")
CREDIT_MANAGER = ("Demo Credit Manager Sun Mei", "sun.mei")
ITEMS = (
	("DEMO-PUMP", "Demo Centrifugal Pump"),
	("DEMO-VALVE", "Demo Control Valve"),
	("DEMO-SERVICE", "Demo Maintenance Service"),
)

_CITIES = (
	"Hangzhou", "Suzhou", "Nanjing", "Ningbo", "Wuxi", "Qingdao", "Jinan", "Tianjin", "Dalian", "Shenyang",
	"Harbin", "Changsha", "Wuhan", "Hefei", "Fuzhou", "Xiamen", "Foshan", "Dongguan", "Chengdu", "Kunming",
)  # fmt: skip
_TRADES = (
	"Machinery",
	"Electrical",
	"Trading",
	"Water Works",
	"Packaging",
	"Engineering",
	"Chemicals",
	"Automation",
)

# (behaviour, how many); the foreign-currency and the advance customer are extra kinds of "late"
# and "punctual"
BEHAVIOURS = (
	("punctual", 12),
	("late", 10),
	("chronic", 8),
	("partial", 5),
	("defaulter", 2),
	("foreign", 1),
	("advance", 1),
	("new", 1),
)


class Customer(NamedTuple):
	name: str
	group: str
	credit_days: int
	territory: str
	sales_person: str
	behaviour: str
	currency: str
	monthly: Decimal  # the usual size of an order (its currency)
	every: int  # months between orders


class Sale(NamedTuple):
	"""An order on ``ordered``, delivered and invoiced on ``invoiced``, due on ``due``."""

	number: int  # the order's number in the plan (links its payments and credit notes)
	customer: str
	item: str
	ordered: date
	invoiced: date
	due: date
	amount: Decimal


class Event(NamedTuple):
	"""One thing that happens on ``day``: ``kind`` is order, invoice, payment, credit note or
	advance; ``sale`` is the order it belongs to (``None`` for an advance)."""

	day: date
	kind: str
	customer: str
	sale: int | None
	amount: Decimal


ORDER, INVOICE, PAYMENT, CREDIT_NOTE, ADVANCE = "order", "invoice", "payment", "credit note", "advance"
_ORDER_OF_KINDS = {ORDER: 0, INVOICE: 1, CREDIT_NOTE: 2, ADVANCE: 3, PAYMENT: 4}


class Plan(NamedTuple):
	today: date
	first_day: date
	customers: tuple[Customer, ...]
	sales: dict[int, Sale]
	events: tuple[Event, ...]

	def customer(self, name: str) -> Customer:
		return next(c for c in self.customers if c.name == name)

	def of(self, behaviour: str) -> list[Customer]:
		return [c for c in self.customers if c.behaviour == behaviour]

	def payments_of(self, sale: int) -> list[Event]:
		return [e for e in self.events if e.sale == sale and e.kind == PAYMENT]


def first_day(today: date) -> date:
	"""The first of the month 18 months before ``today``'s month."""
	month = today.year * 12 + today.month - 1 - MONTHS
	return date(month // 12, month % 12 + 1, 1)


def customers() -> tuple[Customer, ...]:
	kinds = [kind for kind, count in BEHAVIOURS for _i in range(count)]
	result = []
	for index, kind in enumerate(kinds):
		rng = random.Random(f"customer {index}")
		group, credit_days = GROUPS[index % len(GROUPS)]
		city, trade = (
			_CITIES[index % len(_CITIES)],
			_TRADES[(index * 3 + index // len(_CITIES)) % len(_TRADES)],
		)
		name = f"{city} {trade} Co., Ltd." if kind != "foreign" else "Pacific Rim Imports Inc."
		size = {"Demo Key Accounts": 90000, "Demo Distributors": 40000, "Demo Retailers": 12000}[group]
		monthly = Decimal(round(size * rng.uniform(0.6, 1.5), -2))
		result.append(
			Customer(
				name=name,
				group=group,
				credit_days=credit_days,
				territory=TERRITORIES[index % len(TERRITORIES)],
				sales_person=SALES_PERSONS[index % len(SALES_PERSONS)][0],
				behaviour=kind,
				currency=FOREIGN_CURRENCY if kind == "foreign" else CURRENCY,
				monthly=(monthly / 7).quantize(Decimal(100)) if kind == "foreign" else monthly,
				every={"Demo Key Accounts": 1, "Demo Distributors": 2, "Demo Retailers": 3}[group],
			)
		)
	return tuple(result)


def _months(start: date, today: date):
	day = start
	while day <= today:
		yield day
		day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def hundreds(amount: Decimal) -> Decimal:
	"""``amount`` to whole hundreds. Every sale and payment of the story is a whole number of
	hundreds, so that a tenth of a sale (the unit a credit note returns) is whole, and so is any of
	them in yuan at a two-decimal exchange rate: the documents carry no fen (ERPNext 16.0.0-dev
	fails to write the amount in words for the fen of a currency without a fraction name, as CNY
	is shipped)."""
	return (amount / 100).quantize(Decimal(1)) * 100


def _payments(customer: Customer, sale: Sale, rng: random.Random, stop: date) -> list[tuple[date, Decimal]]:
	"""When and how much of a sale the customer pays (its full amount, or nothing after ``stop``
	for a defaulter)."""
	kind = customer.behaviour
	if kind in ("punctual", "advance", "new"):
		return [(sale.due + timedelta(days=rng.randint(-5, 2)), sale.amount)]
	if kind in ("late", "foreign"):
		return [(sale.due + timedelta(days=rng.randint(3, 20)), sale.amount)]
	if kind == "chronic":
		return [(sale.due + timedelta(days=rng.randint(25, 75)), sale.amount)]
	if kind == "partial":
		first = hundreds(sale.amount * Decimal(rng.randint(50, 70)) / 100)
		return [
			(sale.due + timedelta(days=rng.randint(0, 15)), first),
			(sale.due + timedelta(days=rng.randint(30, 60)), sale.amount - first),
		]
	# defaulter
	if sale.invoiced >= stop:
		return []
	return [(sale.due + timedelta(days=rng.randint(10, 30)), sale.amount)]


def plan(today: date) -> Plan:
	"""Everything that happens from :func:`first_day` up to and including ``today``."""
	start = first_day(today)
	stop = date(today.year, today.month, 1) - timedelta(days=270)  # defaulters stop paying
	sales: dict[int, Sale] = {}
	events: list[Event] = []
	for index, customer in enumerate(customers()):
		rng = random.Random(f"sales of {customer.name}")
		begin = (
			date(today.year, today.month, 1) - timedelta(days=60) if customer.behaviour == "new" else start
		)
		for number, month in enumerate(_months(begin.replace(day=1), today)):
			if (number + index) % customer.every:
				continue
			ordered = month + timedelta(days=rng.randint(0, 24))
			if ordered > today:
				continue
			invoiced = ordered + timedelta(days=rng.randint(1, 4))
			amount = hundreds(customer.monthly * customer.every * Decimal(rng.uniform(0.7, 1.3)))
			sale = Sale(
				len(sales) + 1,
				customer.name,
				ITEMS[rng.randrange(len(ITEMS))][0],
				ordered,
				invoiced,
				invoiced + timedelta(days=customer.credit_days),
				amount,
			)
			sales[sale.number] = sale
			events.append(Event(ordered, ORDER, customer.name, sale.number, amount))
			if invoiced > today:
				continue  # ordered, not yet delivered
			events.append(Event(invoiced, INVOICE, customer.name, sale.number, amount))
			owed = amount
			# some customers return one of the ten units delivered: a credit note a week later
			if customer.behaviour in ("late", "partial") and rng.random() < 0.15:
				credit = amount / 10
				events.append(
					Event(invoiced + timedelta(days=7), CREDIT_NOTE, customer.name, sale.number, credit)
				)
				owed -= credit
			for day, paid in _payments(customer, sale._replace(amount=owed), rng, stop):
				if day <= today and paid > 0:
					events.append(Event(max(day, invoiced), PAYMENT, customer.name, sale.number, paid))
		if customer.behaviour == "advance":
			events.append(
				Event(
					today - timedelta(days=20), ADVANCE, customer.name, None, hundreds(customer.monthly / 2)
				)
			)
	events = [e for e in events if e.day <= today]
	events.sort(key=lambda e: (e.day, _ORDER_OF_KINDS[e.kind], e.sale or 0, e.customer))
	return Plan(today, start, customers(), sales, tuple(events))
