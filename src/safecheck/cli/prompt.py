"""The guided session in a terminal: the question screens and the keys.

Every prompt accepts `q` (and Ctrl-C, and end of input) to leave at once.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule

from safecheck.checkup.checklist.model import ANSWER_KEYS, Kind
from safecheck.checkup.checklist.outcomes import outcome
from safecheck.checkup.checklist.runner import BACK, Response, Step
from safecheck.cli.common import quick_exit
from safecheck.core.errors import QuickExit
from safecheck.core.i18n import Translator
from safecheck.core.model import Answer, Outcome

QUIT_WORDS = {"q", "quit", "quitter", "exit"}
ANSWER_ALIASES: dict[str, Answer] = {
    "yes": Answer.YES,
    "oui": Answer.YES,
    "o": Answer.YES,
    "no": Answer.NO,
    "non": Answer.NO,
    "skip": Answer.SKIP,
    "passer": Answer.SKIP,
}
KEYS_HINT = "[y/n/?/c/s/b/h/q]"


def install_quick_exit_on_interrupt() -> None:
    """Ctrl-C at any moment of the guided session leaves at once, even between prompts."""

    def handler(signum: int, frame: FrameType | None) -> None:
        quick_exit()

    signal.signal(signal.SIGINT, handler)


def read_line(console: Console, prompt: str) -> str:
    """One line from the person; `q`, Ctrl-C or end of input leaves at once."""
    console.print(prompt, end="", markup=False)
    try:
        line = sys.stdin.readline()
    except KeyboardInterrupt:
        raise QuickExit from None
    if not line:
        raise QuickExit
    text = line.strip()
    if text.lower() in QUIT_WORDS:
        raise QuickExit
    return text


def parse_key(text: str) -> Answer | str | None:
    """An answer, or 'b' / 'h', or None when the input means nothing."""
    lowered = text.lower()
    if lowered in ANSWER_KEYS:
        return ANSWER_KEYS[lowered]
    if lowered in ANSWER_ALIASES:
        return ANSWER_ALIASES[lowered]
    if lowered in ("b", "back", "retour"):
        return "b"
    if lowered in ("h", "help", "aide"):
        return "h"
    return None


class TerminalAsker:
    """Shows one question at a time on standard error and reads the answer from standard input."""

    def __init__(self, console: Console, t: Translator, advocate: bool = False) -> None:
        self.console = console
        self.t = t
        self.advocate = advocate

    def _block(self, label: str, text: str, style: str = "") -> None:
        self.console.print(f"[bold]{escape(label)}[/bold]")
        self.console.print(escape(text), style=style or None)

    def show_question(self, step: Step) -> None:
        t, item = self.t, step.item
        if step.first_of_checklist:
            self.console.print()
            self.console.print(Rule(escape(t.pick(step.checklist.title))))
            if step.checklist.intro:
                self.console.print(escape(t.pick(step.checklist.intro)))
        self.console.print()
        self.console.print(t("prompt.progress", number=step.number, total=step.total), style="dim")
        self.console.print(f"[bold]{escape(t.pick(item.question))}[/bold]")
        if item.where:
            self._block(t("prompt.where"), t.pick(item.where))
        if self.advocate and item.detail:
            self._block(t("prompt.detail"), t.pick(item.detail), "dim")
        if step.previous is not None:
            word = t(f"answer.{step.previous.answer.value}")
            self.console.print(t("prompt.previous", answer=word), style="dim")

    def show_help(self, step: Step) -> None:
        t, item = self.t, step.item
        self._block(t("prompt.why"), t.pick(item.why))
        if item.do:
            self._block(t("prompt.what_to_do"), t.pick(item.do))
        if item.safety:
            self._block(t("prompt.before_you_act"), t.pick(item.safety), "yellow")
        sources = step.checklist.source_texts(item)
        if sources:
            self._block(t("prompt.sources"), "\n".join(sources), "dim")
        self.console.print(t("prompt.keys_legend"), style="dim")

    def show_consequence(self, step: Step, answer: Answer) -> None:
        """Right after a concerning answer: what can be done, and what doing it may reveal."""
        t, item = self.t, step.item
        result = outcome(item, answer)
        if result is Outcome.REVIEW:
            self.console.print(t("prompt.noted_review"), style="cyan")
            return
        if result is not Outcome.ACT:
            return
        if step.checklist.kind is Kind.SITUATION:
            if item.risk:
                self.console.print(Panel(escape(t.pick(item.risk)), border_style="yellow"))
            return
        parts = []
        if item.do:
            parts.append(
                f"[bold]{escape(t('prompt.what_to_do'))}[/bold]\n{escape(t.pick(item.do))}"
            )
        if item.safety:
            parts.append(
                f"[bold yellow]{escape(t('prompt.before_you_act'))}[/bold yellow]\n"
                f"{escape(t.pick(item.safety))}"
            )
        if parts:
            self.console.print(Panel("\n\n".join(parts), border_style="yellow"))
        self.console.print(t("prompt.noted_act"), style="dim")

    def ask(self, step: Step) -> Response:
        self.show_question(step)
        while True:
            text = read_line(self.console, f"{self.t('prompt.answer')} {KEYS_HINT} ")
            key = parse_key(text)
            if key == "b":
                if step.number == 1:
                    self.console.print(self.t("prompt.no_back"), style="dim")
                    continue
                return BACK
            if key == "h":
                self.show_help(step)
                continue
            if not isinstance(key, Answer):
                self.console.print(self.t("prompt.invalid"), style="red")
                continue
            self.show_consequence(step, key)
            note = None
            if self.advocate:
                note = read_line(self.console, self.t("prompt.note") + " ") or None
            return Response(answer=key, note=note)
