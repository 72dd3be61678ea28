"""Right-to-left text that stays readable: command names, paths, package names, addresses and
numbers with punctuation inside Arabic text are wrapped in Unicode isolates (FSI ... PDI,
U+2068/U+2069), so that the bidirectional algorithm lays each out left to right as one block
and does not reorder its parts ("0800 30 030" must not become "030 30 0800", nor
"safecheck indicators update" "update indicators safecheck").

Only applied when the language is written right to left, and last, on text already made
visible (`visible()` shows any isolate or override character read from a device as an escape, so
every isolate in the output is ours): left-to-right output never changes.
"""

from __future__ import annotations

import re

FSI = "\u2068"  # first strong isolate: the run takes the direction of its first letter
PDI = "\u2069"  # pop directional isolate
_ISOLATES = "\u2066\u2067\u2068\u2069"
# Letters of right-to-left scripts (Arabic and its supplements, Hebrew, presentation forms).
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
# A run: words without right-to-left letters, joined by single spaces.
_RUN = re.compile(rf"[^\s{_RTL}{_ISOLATES}]+(?: [^\s{_RTL}{_ISOLATES}]+)*")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")


def has_rtl(text: str) -> bool:
    return re.search(f"[{_RTL}]", text) is not None


def isolate(text: str) -> str:
    """One piece of text as a block of its own direction."""
    return f"{FSI}{text}{PDI}"


_PROSE = re.compile(r"[A-Z][a-z']+(?: [\w'’,-]+){2,}")
_OPEN = "([{«"
_CLOSE = ")]}»"
_PUNCTUATION = ".,;:!?\"'،؛ "


def _trim(run: str) -> tuple[str, str, str]:
    """(punctuation before, the run, punctuation after): sentence punctuation and unmatched
    brackets belong to the surrounding right-to-left sentence."""
    start, end = 0, len(run)
    while start < end:
        char = run[start]
        if char in _OPEN and _CLOSE[_OPEN.index(char)] in run[start + 1 : end]:
            break
        if char not in _PUNCTUATION + _OPEN + _CLOSE:
            break
        start += 1
    # an English sentence (a text not yet translated) keeps its own full stop or question mark
    prose = _PROSE.match(run[start:end]) is not None
    while end > start:
        char = run[end - 1]
        if prose and char in ".?!" and _LATIN.search(run[end - 2 : end - 1]):
            break
        if char in _CLOSE and _OPEN[_CLOSE.index(char)] in run[start : end - 1]:
            break
        if char not in _PUNCTUATION + _OPEN + _CLOSE:
            break
        end -= 1
    return run[:start], run[start:end], run[end:]


def _needs_isolate(run: str) -> bool:
    if _LATIN.search(run):
        return True
    # a bare number lays out right; digits with spaces or punctuation may be reordered
    return bool(_DIGIT.search(run)) and not run.isdigit()


def isolate_ltr_runs(text: str, force: bool = False) -> str:
    """`text` with every left-to-right run (commands, paths, URLs, numbers with punctuation)
    isolated. Text without right-to-left letters is returned as it is unless `force` (a piece
    of a right-to-left line, such as a phone number printed on its own); isolating twice adds
    nothing."""
    if not force and not has_rtl(text):
        return text

    def wrap(match: re.Match[str]) -> str:
        before, run, after = _trim(match.group(0))
        already = match.string[match.start() - 1 : match.start()] == FSI
        if not run or already or not _needs_isolate(run):
            return match.group(0)
        return f"{before}{FSI}{run}{PDI}{after}"

    return _RUN.sub(wrap, text)


# What starts a Markdown line and must stay first: indentation, list markers, headings, quotes,
# table bars.
MARKDOWN_PREFIX = re.compile(r"^[ \t]*(?:#{1,6} |[-*+] |\d+\. |> |\|)*")


def isolate_lines(text: str, keep_prefix: re.Pattern[str] | None = None) -> str:
    """`isolate_ltr_runs` line by line (every line is a paragraph of a right-to-left
    document), leaving each line's markup prefix (a Markdown list marker or heading) in place."""
    out = []
    for line in text.split("\n"):
        prefix = ""
        if keep_prefix is not None:
            found = keep_prefix.match(line)
            prefix = found.group(0) if found else ""
        out.append(prefix + isolate_ltr_runs(line[len(prefix) :], force=True))
    return "\n".join(out)


_TAG = re.compile(r"(<[^>]*>)")


_LEFT_ALONE = ("style", "code")  # CSS; <code> is isolated by the style sheet, copied as is


def isolate_html_text(document: str) -> str:
    """`isolate_ltr_runs` on the text between the tags of a right-to-left HTML document (not
    inside tags, <style> or <code>); entities are decoded and encoded again around it."""
    import html  # noqa: PLC0415

    parts = _TAG.split(document)
    inside: str | None = None
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = part[1:-1].split(None, 1)[0].lower() if len(part) > 2 else ""
            if inside is None and name in _LEFT_ALONE:
                inside = name
            elif inside is not None and name == f"/{inside}":
                inside = None
            continue
        if inside is not None or not part.strip():
            continue
        parts[index] = html.escape(isolate_ltr_runs(html.unescape(part), force=True), quote=False)
    return "".join(parts)
