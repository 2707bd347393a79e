"""Any Python str, made safe for each format the report writes, in one place.

Submissions are untrusted, and what they say reaches the report's files: names and metadata, scripts, the file
names themselves. A Python str can hold what no UTF-8 file can (a lone surrogate: a JSON ``"\\ud800"`` escape, or
a file name's undecodable bytes under surrogateescape), and text can mean something to a format's reader that its
writer did not intend (a formula to a spreadsheet, a tag to a Markdown renderer, the end of a script element to
an HTML parser). One hostile entry must cost at most its own text, never the whole board.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The writers live with atomic_file, for every part of omniact that writes what a submission or an agent said.
from omniact.atomic import json_bytes, text_bytes, write_json, write_text, write_text_parts
from omniact.errors import escape_bidi

__all__ = ["csv_cell", "json_bytes", "md_cell", "script_json", "text_bytes", "write_json", "write_text",
           "write_text_parts"]

# Inside <script>, the HTML parser ends the element at "</script", and after "<!--<script" it no longer does (the
# "double escaped" state: the element then runs on over the page's own scripts). With no "<" left, neither can
# happen; ">" and "&" go too, so that no parser state reads markup in it. U+2028/U+2029 end a line in older
# JavaScript. All five only occur inside JSON strings, where the \u escape stands for the same character.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


# What GitHub's Markdown would turn into a link by itself: a scheme's "://" and a "www." (GFM's extended autolinks).
_AUTOLINK = re.compile(r"([A-Za-z0-9])(:(?=//)|\.(?<=(?<![A-Za-z0-9])[Ww]{3}\.))")


def script_json(obj: Any) -> str:
    """`obj` as JSON to embed in an HTML ``<script>`` element (e.g. ``type='application/json'``), where no string in
    it can end the element or start another."""
    text = json.dumps(obj)  # ASCII: surrogates and other non-ASCII text as \\u escapes
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group()], text)


def csv_cell(value: Any) -> Any:
    """A text cell of a CSV file, kept as text by spreadsheets: one starting with ``= + - @``, a tab or a carriage
    return would be read as a formula (``=HYPERLINK(...)`` is a live link), so it gets a leading ``'``, as OWASP
    advises. For text columns only: numbers are ours, and a leading minus there is a sign."""
    if value is None or isinstance(value, bool):
        return value
    text = escape_bidi(str(value))
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def md_cell(text: Any) -> str:
    """Text for a Markdown table cell or list item: shown as it is, never as HTML (Markdown passes raw tags
    through, so ``<img onerror=...>`` would run on a site that renders the file), never splitting the row."""
    s = escape_bidi("" if text is None else str(text))
    s = s.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    # No link or image either: ``![](https://tracker.example/p.png)`` in a name would load on every view of a
    # rendered board. Escaped brackets are shown as brackets.
    s = s.replace("[", "\\[").replace("]", "\\]")
    # Nor emphasis, strike-through or code: ``*best*`` would show in italics, and ``&lt;`` in a code span as it is.
    s = s.replace("`", "\\`").replace("*", "\\*").replace("_", "\\_").replace("~", "\\~")
    # Nor a bare address, which GitHub's Markdown links by itself ("https://", "www."): a backslash before the ":"
    # or the "." is shown as nothing. (An e-mail address is still linked, as mailto:, which loads nothing.)
    s = _AUTOLINK.sub(lambda m: m.group(1) + "\\" + m.group(2), s)
    return s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
