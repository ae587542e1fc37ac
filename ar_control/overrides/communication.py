"""Doc events of Communication (see ``doc_events`` in hooks.py)."""

from ar_control import evidence


def on_trash(doc, method=None):
	evidence.forget_communication(doc.name)
