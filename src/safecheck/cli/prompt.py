"""The guided session in a terminal: the question screens and the keys.

Every prompt accepts `q` (and Ctrl-C, and end of input) to leave at once.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule

from safecheck.checkup.checklist.model import Kind
from safecheck.checkup.checklist.outcomes import outcome
from safecheck.checkup.checklist.runner import BACK, Response, Step
from safecheck.cli.common import quick_exit
from safecheck.cli.keys import BACK as BACK_KEY
from safecheck.cli.keys import HELP, QUIT, Keys
from safecheck.core.errors import QuickExit
from safecheck.core.i18n import Translator
from safecheck.core.model import Answer, Outcome

QUIT_WORDS = {"q", "quit", "quitter", "exit"}
SECONDS_PER_QUESTION = 40  # reading, finding the setting, answering: a rough average


def install_quick_exit_on_interrupt() -> None:
    """Ctrl-C at any moment of the guided session leaves at once, even between prompts."""

    def handler(signum: int, frame: FrameType | None) -> None:
        quick_exit()

    signal.signal(signal.SIGINT, handler)


def read_line(console: Console, prompt: str, meanwhile: Callable[[], object] | None = None) -> str:
    """One line from the person; `q`, Ctrl-C or end of input leaves at once. `meanwhile` runs
    once the prompt is shown, while the person reads: what it takes is not waited for on
    screen (a key pressed meanwhile waits in the terminal)."""
    console.print(prompt, end="", markup=False)
    if meanwhile is not None:
        meanwhile()
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


def minutes_left(remaining: int) -> int:
    """A rounded estimate: whole minutes up to ten, then steps of five, so it reads calmly."""
    minutes = round(remaining * SECONDS_PER_QUESTION / 60)
    return minutes if minutes <= 10 else 5 * round(minutes / 5)


class TerminalAsker:
    """Shows one question at a time on standard error and reads the answer from standard input."""

    def __init__(self, console: Console, t: Translator, advocate: bool = False) -> None:
        self.console = console
        self.t = t
        self.advocate = advocate
        self.keys = Keys.of(t, advocate)
        self.legend_shown = False

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
        self.console.print(self.progress(step), style="dim", markup=False)
        self.console.print(f"[bold]{escape(t.pick(item.question))}[/bold]")
        if item.where:
            self._block(t("prompt.where"), t.pick(item.where))
        if self.advocate and item.detail:
            self._block(t("prompt.detail"), t.pick(item.detail), "dim")
        if step.previous is not None:
            word = t(f"answer.{step.previous.answer.value}")
            self.console.print(t("prompt.previous", answer=word), style="dim")
            if self.advocate and step.previous.note:
                self.console.print(
                    t("keys.note_current", note=step.previous.note), style="dim", markup=False
                )

    def progress(self, step: Step) -> str:
        """Where the person is in this section, and about how long is left in all."""
        values = {
            "section": self.t.pick(step.checklist.title),
            "number": step.number_in_checklist,
            "total": step.total_in_checklist,
        }
        minutes = minutes_left(step.remaining)
        if minutes < 1:
            return self.t("prompt.section_progress_last", **values)
        return self.t("prompt.section_progress", minutes=minutes, **values)

    def show_legend(self) -> None:
        self.console.print(self.t("keys.legend", keys=self.keys.legend()), markup=False)

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
        self.show_legend()

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

    def ask_note(self, typed: str, current: str | None) -> str | None:
        """A note typed after the note key (`* text`), or on its own line when asked."""
        note = typed
        if not note:
            note = read_line(self.console, self.t("keys.note_prompt") + " ")
        if note:
            self.console.print(self.t("keys.note_saved"), style="dim", markup=False)
        return note or current

    def ask(self, step: Step) -> Response:
        if not self.legend_shown:  # once at the start; `h` shows it again
            self.show_legend()
            self.legend_shown = True
        self.show_question(step)
        note = step.previous.note if step.previous is not None else None
        prompt = f"{self.t('prompt.answer')} {self.keys.hint()} "
        while True:
            text = read_line(self.console, prompt)
            typed_note = self.keys.note_text(text)
            if typed_note is not None:
                note = self.ask_note(typed_note, note)
                continue
            key = self.keys.parse(text)
            if key == QUIT:  # a language whose quit key is not one of QUIT_WORDS
                raise QuickExit
            if key == BACK_KEY:
                if step.number == 1:
                    self.console.print(self.t("prompt.no_back"), style="dim")
                    continue
                return BACK
            if key == HELP:
                self.show_help(step)
                continue
            if not isinstance(key, Answer):
                self.console.print(
                    self.t("keys.invalid", keys=self.keys.legend()), style="red", markup=False
                )
                continue
            self.show_consequence(step, key)
            return Response(answer=key, note=note)
