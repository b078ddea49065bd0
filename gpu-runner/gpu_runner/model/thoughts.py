"""Remove the thinking block that MedGemma 1.5 may write before its answer.

MedGemma 1.5 opens a thought with the token `<unused94>`, writes the word
"thought" and its reasoning, and closes it with `<unused95>` before the answer:
`<unused94>thought\\n...reasoning...<unused95>The lungs are clear.` Both
markers are ordinary vocabulary entries, so they can survive decoding, but a
tokenizer that marks them special drops them and leaves "thought\\n..." in front.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

THOUGHT_START = "<unused94>"
THOUGHT_END = "<unused95>"

_LEADING_THOUGHT_WORD = re.compile(r"^\s*thought\s*\n", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def strip_thought_ids(token_ids: Sequence[int], start_id: int | None, end_id: int | None) -> list[int]:
    """Return the token ids after the last thought-end token.

    A thought that was opened but never closed (generation hit its token limit
    while thinking) leaves no answer, so the result is empty.
    """
    ids = list(token_ids)
    if end_id is not None and end_id in ids:
        last_end = len(ids) - 1 - ids[::-1].index(end_id)
        return ids[last_end + 1 :]
    if start_id is not None and start_id in ids:
        return ids[: ids.index(start_id)]
    return ids


def strip_thought(text: str) -> str:
    """Return the answer part of a decoded response, without any thinking block.

    Rules, in order: text after the last `<unused95>`; nothing when `<unused94>`
    opens a thought that never closes; when the markers were removed by decoding
    and the text starts with a line that is just "thought", everything up to the
    first blank line is the thought. Otherwise the text is returned stripped.
    """
    if THOUGHT_END in text:
        return text.rsplit(THOUGHT_END, 1)[1].strip()
    if THOUGHT_START in text:
        return text.split(THOUGHT_START, 1)[0].strip()

    match = _LEADING_THOUGHT_WORD.match(text)
    if match is None:
        return text.strip()
    # NOTE: without the end marker, the first blank line is taken as the end of the
    # thought. A thought that itself contains blank lines leaves a tail behind.
    rest = text[match.end() :]
    parts = _PARAGRAPH_BREAK.split(rest, maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
