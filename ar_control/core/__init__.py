"""Framework-free receivables rules for ar_control.

Everything in this package is plain Python on ``decimal.Decimal`` and ``datetime.date`` with
immutable records. It never imports frappe or erpnext: the Frappe layer loads plain records,
calls these functions and applies their answer. That keeps every rule a user can argue about
testable with plain ``pytest`` on any machine.

Modules:
	money       Decimal conversion, rounding and exact allocation to the cent
	problems    "errors as data": validation problems and the exception that carries them
	credit      factor scoring, grades, recommended limits, the credit decision
	aging       aging buckets, the three collection stages, totals per group
	escalation  the collection ladder and the daily step planner
	kpi         DSO, Best Possible DSO, ADD, CEI, overdue ratio, collection rate, bad-debt ratio
	provision   the bad-debt allowance: aging-rate matrix, historical loss rates, specific provisions
	forecast    expected receipts per week (usual days late, the collection profile), the naive
	            due-date forecast
	collection_profile  weekly collection rates by weeks from the customer's habit, learnt from
	            the company's month-ends
	backtest    the forecast's errors per horizon against what was collected, and their band
"""
