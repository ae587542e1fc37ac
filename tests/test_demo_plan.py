"""The demo's story (``ar_control.demo.plan``): what the demo command acts out must hold together."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ar_control.demo import plan as story

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def the_plan() -> story.Plan:
	return story.plan(TODAY)


def test_forty_customers_with_unique_names_and_every_behaviour(the_plan):
	assert len(the_plan.customers) == 40
	assert len({c.name for c in the_plan.customers}) == 40
	assert Counter(c.behaviour for c in the_plan.customers) == dict(story.BEHAVIOURS)
	assert {c.group for c in the_plan.customers} == {g for g, _days in story.GROUPS}
	assert {c.territory for c in the_plan.customers} == set(story.TERRITORIES)
	assert {c.sales_person for c in the_plan.customers} == {p for p, _login in story.SALES_PERSONS}
	assert [c.currency for c in the_plan.customers if c.currency != story.CURRENCY] == [
		story.FOREIGN_CURRENCY
	]


def test_the_same_day_gives_the_same_plan(the_plan):
	assert story.plan(TODAY) == the_plan
	assert story.plan(TODAY + timedelta(days=1)) != the_plan


def test_eighteen_months_and_nothing_after_the_day(the_plan):
	assert the_plan.first_day == date(2025, 6, 1)
	assert min(e.day for e in the_plan.events) >= the_plan.first_day
	assert max(e.day for e in the_plan.events) <= TODAY
	assert list(the_plan.events) == sorted(
		the_plan.events, key=lambda e: (e.day, story._ORDER_OF_KINDS[e.kind], e.sale or 0, e.customer)
	)


def test_each_sale_is_ordered_then_invoiced_then_paid_never_beyond_what_it_owes(the_plan):
	for number, sale in the_plan.sales.items():
		events = [e for e in the_plan.events if e.sale == number]
		kinds = [e.kind for e in events]
		assert kinds[0] == story.ORDER
		assert sale.ordered < sale.invoiced < sale.due
		if story.INVOICE not in kinds:
			assert sale.invoiced > TODAY and kinds == [story.ORDER]
			continue
		invoiced = next(e for e in events if e.kind == story.INVOICE)
		assert all(e.day >= invoiced.day for e in events if e.kind != story.ORDER)
		credited = sum((e.amount for e in events if e.kind == story.CREDIT_NOTE), Decimal(0))
		paid = sum((e.amount for e in events if e.kind == story.PAYMENT), Decimal(0))
		assert credited in (Decimal(0), sale.amount / 10)
		assert paid <= sale.amount - credited


def test_behaviours_show_in_the_payments(the_plan):
	def days_late(kind: str) -> list[int]:
		return [
			(e.day - the_plan.sales[e.sale].due).days
			for c in the_plan.of(kind)
			for e in the_plan.events
			if e.customer == c.name and e.kind == story.PAYMENT
		]

	assert days_late("punctual") and max(days_late("punctual")) <= 2
	assert min(days_late("chronic")) >= 25
	# partial payers pay old invoices in two parts
	partial = the_plan.of("partial")[0]
	old = [
		s
		for s in the_plan.sales.values()
		if s.customer == partial.name and s.due < TODAY - timedelta(days=90)
	]
	assert all(len(the_plan.payments_of(s.number)) == 2 for s in old)
	# a defaulter stopped paying: its invoices of the last nine months are all open
	for defaulter in the_plan.of("defaulter"):
		recent = [
			s
			for s in the_plan.sales.values()
			if s.customer == defaulter.name and TODAY - timedelta(days=200) <= s.invoiced <= TODAY
		]
		assert recent and not any(the_plan.payments_of(s.number) for s in recent)
	# one advance, within the ladder's window
	advances = [e for e in the_plan.events if e.kind == story.ADVANCE]
	assert len(advances) == 1 and advances[0].sale is None
	# the new customer's first order is less than three months old
	new = the_plan.of("new")[0]
	assert min(s.ordered for s in the_plan.sales.values() if s.customer == new.name) > TODAY - timedelta(
		days=92
	)


def test_overdue_debt_is_left_on_the_day(the_plan):
	"""What the screens show: open invoices past due on the day, of several customers."""
	open_overdue = set()
	for number, sale in the_plan.sales.items():
		events = [e for e in the_plan.events if e.sale == number]
		if story.INVOICE not in [e.kind for e in events]:
			continue
		settled = sum((e.amount for e in events if e.kind in (story.PAYMENT, story.CREDIT_NOTE)), Decimal(0))
		if settled < sale.amount and sale.due < TODAY:
			open_overdue.add(sale.customer)
	assert len(open_overdue) >= 8


def test_no_document_of_the_story_carries_fen_in_yuan(the_plan):
	# sales in whole hundreds, so that the tenth a credit note returns is whole; every amount whole
	# in yuan, also a dollar amount at a two-decimal exchange rate
	currency = {c.name: c.currency for c in the_plan.customers}
	for event in the_plan.events:
		assert event.amount > 0, event
		if event.kind in (story.ORDER, story.INVOICE):
			assert event.amount % 100 == 0, event
		rate = Decimal("7.14") if currency[event.customer] != story.CURRENCY else Decimal(1)
		assert (event.amount * rate) % 1 == 0, event
