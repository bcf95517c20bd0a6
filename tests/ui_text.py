"""Reading a page's Markdown as a person sees it: `ui.present.md` escapes every punctuation mark, writes a
colon as `&#58;` and breaks bare addresses with an invisible word joiner; this undoes all three."""

from __future__ import annotations

import re

from ui.present import WORD_JOINER


def as_read(markdown: str) -> str:
    """The text Streamlit shows for `markdown` that holds escaped text (markup characters of its own kept)."""
    return re.sub(r"\\(.)", r"\1", str(markdown).replace("&#58;", ":"), flags=re.S).replace(WORD_JOINER, "")
