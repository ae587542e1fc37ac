"""Errors as data.

A rule that checks user input reports *every* problem it finds, not just the first, so a user
fixing a settings form sees the whole list at once (the beancount ``ops/balance.py`` habit).

Messages are English templates with ``{0}``-style placeholders, marked with :func:`_` so that
Frappe's translation tools extract them; the Frappe layer translates the template and then
formats it (``frappe._(p.message).format(*p.args)``), which is how a translated message must be
built.
"""

from __future__ import annotations

from typing import NamedTuple

# The longest text a person may write: a reason, a note, a customer's dispute or message (a
# paragraph, not a document)
MAX_TEXT = 2000


def _(message: str) -> str:
	"""Mark ``message`` for translation. The core does not translate; the Frappe layer does."""
	return message


class Message(NamedTuple):
	"""A translatable message: a stable ``code``, an English template and its arguments.

	A :data:`Problem` is a message that says what is wrong; the same record also carries
	explanations, such as the evidence behind a computed credit score.
	"""

	code: str
	message: str
	args: tuple = ()

	def english(self) -> str:
		"""The message in English, for logs and tests."""
		return self.message.format(*self.args)


Problem = Message


class RuleError(ValueError):
	"""Raised by a core rule when its input is invalid; carries every problem found."""

	def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
		self.problems: tuple[Problem, ...] = tuple(problems)
		super().__init__("; ".join(p.english() for p in self.problems))

	@property
	def codes(self) -> tuple[str, ...]:
		return tuple(p.code for p in self.problems)


def raise_if(problems: list[Problem]) -> None:
	"""Raise :class:`RuleError` when ``problems`` is not empty."""
	if problems:
		raise RuleError(problems)
