"""Scheduled job entry points (see ``scheduler_events`` in hooks.py).

Each job is thin: load rows with set-based queries, hand plain records to ``ar_control.core``,
apply the answer. "Today" is ``frappe.flags.current_date or getdate()`` so tests can move time.
"""
