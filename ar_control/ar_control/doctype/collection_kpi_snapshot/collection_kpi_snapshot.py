# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from ar_control.records import Record


class CollectionKPISnapshot(Record):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alerts: DF.SmallText | None
		alerts_sent: DF.SmallText | None
		average_days_delinquent: DF.Float
		bad_debt_ratio: DF.Percent
		best_possible_dso: DF.Float
		cei: DF.Percent
		closing_ar: DF.Currency
		collection_rate: DF.Percent
		collections: DF.Currency
		company: DF.Link
		credit_sales: DF.Currency
		currency: DF.Link | None
		current_ar: DF.Currency
		dso_count_back: DF.Float
		dso_gap: DF.Float
		dso_simple: DF.Float
		opening_ar: DF.Currency
		over_90_ar: DF.Currency
		over_90_share: DF.Percent
		overdue_ar: DF.Currency
		overdue_ratio: DF.Percent
		period_end: DF.Date
		period_start: DF.Date
		provision_allowance: DF.Currency
		sales_person: DF.Link | None
		superseded_by: DF.Link | None
		supersedes: DF.Link | None
		target_collection_rate: DF.Percent
		target_dso: DF.Float
		undefined_figures: DF.SmallText | None
		written_off: DF.Currency
	# end: auto-generated types
	pass
