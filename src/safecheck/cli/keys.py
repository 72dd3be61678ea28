"""The keys of the guided checkup in the session's language, read from the i18n catalog
(`key.*` for the key, `key.word.*` for what it means), so a translation brings its own keys:
French answers o/n/?/i/p, English y/n/?/c/s. The note key is offered in advocate mode only."""

from __future__ import annotations

from dataclasses import dataclass

from safecheck.core.i18n import Translator
from safecheck.core.model import Answer

# What a key can do besides answering, in the order the legend lists them.
BACK, HELP, NOTE, QUIT = "back", "help", "note", "quit"
ANSWER_ORDER = (Answer.YES, Answer.NO, Answer.UNSURE, Answer.CANT_FIND, Answer.SKIP)
ACTIONS = (*(a.value for a in ANSWER_ORDER), BACK, HELP, NOTE, QUIT)


@dataclass(frozen=True)
class Keys:
    """One language's keys: action -> key, and the typed texts each action accepts."""

    keys: dict[str, str]
    words: dict[str, str]
    advocate: bool
    lang: str = ""

    @classmethod
    def of(cls, t: Translator, advocate: bool = False) -> Keys:
        return cls(
            keys={action: t(f"key.{action}") for action in ACTIONS},
            words={action: t(f"key.word.{action}") for action in ACTIONS},
            advocate=advocate,
            lang=t.lang,
        )

    def fold(self, text: str) -> str:
        """Lower case as the language writes it (Turkish I/ı, İ/i); the Arabic question mark
        is the "?" key."""
        text = text.strip().replace("\u061f", "?")
        if self.lang == "tr":
            text = text.replace("I", "\u0131").replace("\u0130", "i")
        return text.lower()

    def shown(self) -> tuple[str, ...]:
        """The actions offered: every one, but the note only to an advocate."""
        return tuple(a for a in ACTIONS if a != NOTE or self.advocate)

    def hint(self) -> str:
        """The short list at each prompt: [y/n/?/c/s/b/h/q]."""
        return "[" + "/".join(self.keys[a] for a in self.shown()) + "]"

    def legend(self) -> str:
        """Every key with its meaning: y yes · n no · ..."""
        return " · ".join(f"{self.keys[a]} {self.words[a]}" for a in self.shown())

    def parse(self, text: str) -> Answer | str | None:
        """The answer or action a typed text stands for: its key or its word, any case."""
        typed = self.fold(text)
        for action in self.shown():
            if typed in (self.fold(self.keys[action]), self.fold(self.words[action])):
                return Answer(action) if action not in (BACK, HELP, NOTE, QUIT) else action
        return None

    def note_text(self, typed: str) -> str | None:
        """The note in `* text` (or "" for the key alone); None when the text is not a note.
        A letter key needs a space before the note, so words that start with it stay words."""
        if not self.advocate:
            return None
        key = self.keys[NOTE]
        text = typed.strip()
        if text.lower() == key.lower():
            return ""
        if text.lower().startswith(key.lower() + " ") or (
            not key.isalnum() and text.startswith(key)
        ):
            return text[len(key) :].strip()
        return None

    def clashes(self) -> list[str]:
        """Texts that would mean two things in this language (a test keeps this empty)."""
        seen: dict[str, str] = {}
        out: list[str] = []
        for action in ACTIONS:
            for text in {self.keys[action].lower(), self.words[action].lower()}:
                if not text.strip() or seen.get(text, action) != action:
                    out.append(f"{text!r}: {seen.get(text)} and {action}")
                seen[text] = action
        return out
