"""``bench --site SITE ar-control run-ladder [--date YYYY-MM-DD] [--dry-run] [--company C]`` and
``bench --site SITE ar-control ledger [--check]`` and
``bench --site SITE ar-control benchmark --invoices N [--repeat R] [--ladder]`` and
``bench --site SITE ar-control forecast-backtest [--company C] [--from D] [--to D] [--weeks N]``."""

import click
import frappe
from frappe import _
from frappe.commands import get_site, pass_context


@click.group("ar-control")
def ar_control():
	"""AR Control: accounts-receivable control."""


@ar_control.command("run-ladder")
@click.option(
	"--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as of this day (YYYY-MM-DD)."
)
@click.option("--dry-run", is_flag=True, help="Print what would be done, change nothing.")
@click.option("--company", help="Only this company's customers (default: every company).")
@pass_context
def run_ladder(context, date=None, dry_run=False, company=None):
	"""Run the collection ladder and print what it did (or, dry, would do)."""
	from ar_control.collection import ladder

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		if company and not frappe.db.exists("Company", company):
			raise click.ClickException(_("Company {0} does not exist.").format(company))
		lines = ladder.run(date.date() if date else None, dry_run=dry_run, company=company)
		if dry_run:
			frappe.db.rollback()
		else:
			frappe.db.commit()
		for line in lines:
			click.echo(line)
	finally:
		frappe.destroy()


@ar_control.command("ledger")
@click.option("--check", is_flag=True, help="Only say what is wrong; change nothing.")
@pass_context
def receivables_ledger(context, check=False):
	"""Check what the receivables queries rely on (the app's index on ERPNext's Payment Ledger; no
	trigger or function of an earlier version) and mend what is not as it should be."""
	from ar_control.data import ledger

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		found = ledger.health()
		if not found:
			click.echo(
				"The receivables ledger is in order: the app reads ERPNext's Payment Ledger through its index."
			)
			return
		for finding in found:
			click.echo(f"- {finding.part}")
		if check:
			raise click.exceptions.Exit(1)
		ledger.repair()
		frappe.db.commit()
		left = ledger.health()
		if left:
			for finding in left:
				click.echo(f"still wrong: {finding.part}")
			raise click.exceptions.Exit(1)
		click.echo("Repaired.")
	finally:
		frappe.destroy()


@ar_control.command("benchmark")
@click.option("--invoices", type=int, default=100000, show_default=True, help="Invoices in the data set.")
@click.option("--repeat", type=int, default=3, show_default=True, help="Runs of each measurement.")
@click.option(
	"--ladder", "with_ladder", is_flag=True, help="Also the ladder's catch-up and a run with nothing due."
)
@click.option(
	"--keep/--remove", default=True, help="Keep the data set for the next run (default) or remove it."
)
@click.option(
	"--shape",
	"shapes",
	multiple=True,
	help="Data set shape (repeatable; 'all' for every one): standard, many-small, few-large, "
	"partly-paid, credits-journals, advances, changing. Default: standard.",
)
@click.option(
	"--cold-command",
	help="A shell command that restarts MariaDB (e.g. 'sudo service mariadb restart'): each aging is "
	"then also measured right after a restart.",
)
@click.option("--yes", is_flag=True, help="Run also on a site without allow_tests in its site config.")
@pass_context
def benchmark(
	context, invoices=100000, repeat=3, with_ladder=False, keep=True, shapes=(), cold_command=None, yes=False
):
	"""ERPNext's receivables reports and credit check against the app's, on a built data set.

	It builds a company with customers, invoices and payments on the site (and keeps them unless
	--remove): a test site's job. A site without allow_tests in its site config is refused
	unless --yes."""
	from ar_control.benchmarks import dataset, scale

	shapes = tuple(dataset.SHAPES) if "all" in shapes else (shapes or ("standard",))
	unknown = [shape for shape in shapes if shape not in dataset.SHAPES]
	if unknown:
		raise click.ClickException(f"no shape {', '.join(unknown)}: one of {', '.join(dataset.SHAPES)}")
	frappe.init(site=get_site(context))
	if not frappe.conf.allow_tests and not yes:
		site = frappe.local.site
		frappe.destroy()
		raise click.ClickException(
			_(
				"{0} is not a test site (no allow_tests in its site_config.json): the benchmark would add a company of {1} invoices with their customers and payments to it. Run it on a test site, or pass --yes."
			).format(site, invoices)
		)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		scale.run(invoices, repeat, shapes=shapes, cold_command=cold_command)
		if with_ladder:
			scale.ladder(invoices)
		if not keep:
			dataset.remove()
	finally:
		frappe.destroy()


@ar_control.command("forecast-backtest")
@click.option("--company", help="The company (default: the default company).")
@click.option(
	"--from",
	"from_date",
	type=click.DateTime(formats=["%Y-%m-%d"]),
	help="First month-end to forecast on (default: 11 before --to).",
)
@click.option(
	"--to",
	"to_date",
	type=click.DateTime(formats=["%Y-%m-%d"]),
	help="Last month-end (default: the last whose weeks have all passed).",
)
@click.option("--weeks", type=int, default=13, show_default=True, help="Weeks ahead of each month-end.")
@pass_context
def forecast_backtest(context, company=None, from_date=None, to_date=None, weeks=13):
	"""Forecast cash-in as of past month-ends and compare with what was collected."""
	from frappe.utils import strip_html

	from ar_control.forecast import accuracy, backtest, cash_in
	from ar_control.forecast.options import BacktestOptions

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		filters = {
			"company": company,
			"from_date": from_date.date() if from_date else None,
			"to_date": to_date.date() if to_date else None,
			"weeks": weeks,
		}
		try:
			options = BacktestOptions(filters)
			result = cash_in.run_backtest(options)
			accuracy.keep(options, result)  # the report shows it beside the forecast
		except frappe.ValidationError as error:
			raise click.ClickException(strip_html(str(error))) from error
		click.echo(
			f"{options.company}: {len(options.origins)} month-ends "
			f"({options.origins[0]} to {options.origins[-1]}), {options.weeks} weeks each"
		)
		for headers, rows in (backtest.horizon_table(result), backtest.origin_table(result)):
			click.echo("")
			click.echo(_table(headers, [[backtest.format_cell(v) for v in row] for row in rows]))
	finally:
		frappe.destroy()


def _table(headers: list[str], rows: list[list[str]]) -> str:
	"""A plain-text table, numbers right-aligned."""
	widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
	lines = ["  ".join(str(h).rjust(w) for h, w in zip(headers, widths, strict=True))]
	lines.append("  ".join("-" * w for w in widths))
	lines += ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
	return "\n".join(lines)


@ar_control.command("demo")
@click.option("--remove", "remove_it", is_flag=True, help="Remove the demo company and what belongs to it.")
@click.option("--password", help="The demo users' password (default: a new one, printed).")
@click.option(
	"--yes",
	is_flag=True,
	help="Make the demo also on a site that keeps other companies' books (asked otherwise).",
)
@pass_context
def demo(context, remove_it=False, password=None, yes=False):
	"""Make a demo company with 18 months of receivables, cases, assessments and KPIs.

	Its users can log in. On a site where other companies have posted anything (ERPNext's test
	companies, named "_Test ...", aside) it says what those users will see and stops unless --yes."""
	from frappe.utils import strip_html

	from ar_control.demo import make, remove

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		try:
			if remove_it:
				remove.remove(echo=click.echo)
				return
			others = [] if make.exists() else make.other_companies()
			if others and not yes:
				click.echo(make.what_users_see(others))
				raise click.ClickException(_("Nothing was made: pass --yes to make the demo on this site."))
			chosen = password or frappe.generate_hash(length=12)
			result = make.make(password=chosen, echo=click.echo)
			if not password and not result.get("exists"):
				click.echo(_("Password of the demo users: {0}").format(chosen))
		except frappe.ValidationError as error:
			raise click.ClickException(strip_html(str(error))) from None
	finally:
		frappe.destroy()


commands = [ar_control]
