"""Neutralise user-provided text written into CSV files and Markdown reports.

Record names, class labels and config titles come from the user's files. In a
CSV cell, text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, CR or
LF) is run as a formula by spreadsheet programs (CSV injection); in Markdown,
``<tag>`` is raw HTML and ``[text](url)`` a link. ``report.html`` escapes such
text with :func:`html.escape`; :func:`markdown_escape` does the same for
``report.md``.
"""

from __future__ import annotations

import re

# OWASP's list, plus the full-width forms some spreadsheets also accept.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_MD_SPECIAL = re.compile(r"([\\`*_\[<>&|~])")
_MD_BLOCK_START = re.compile(r"^(#|=|-|\+|(\d+)[.)])")


def csv_safe_cell(value) -> str:
    r"""Return ``str(value)``, prefixed with ``'`` if a spreadsheet could run it.

    Follows the OWASP rule for CSV injection: a cell that starts with ``=``,
    ``+``, ``-``, ``@``, a tab, a carriage return or a line feed is prefixed
    with a single quote, so spreadsheet programs show it as text. Plain numbers
    (``-1``, ``+0.5``, ``1e-3``) are left alone, so numeric labels stay numbers.
    Quoting of commas and quotes is left to :mod:`csv`.

    Parameters
    ----------
    value : object
        A cell from user data, such as a record name or a class label.

    Returns
    -------
    cell : str
        The text to write.

    Examples
    --------
    >>> from sklearn_ecg._cli._safe_text import csv_safe_cell
    >>> csv_safe_cell("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> csv_safe_cell("@SUM(A1)"), csv_safe_cell(-1), csv_safe_cell("AF")
    ("'@SUM(A1)", '-1', 'AF')
    """
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def markdown_escape(text, *, line_start: bool = False) -> str:
    r"""Return ``text`` as literal Markdown: no HTML, links, tables or blocks.

    Whitespace runs (newlines included) become one space, so the text cannot
    start a new block, and the characters ``\ ` * _ [ < > & | ~`` are
    backslash-escaped (CommonMark renders them literally; an escaped ``[``
    opens no link or image, so ``]`` is left as it is).

    Parameters
    ----------
    text : object
        A title, heading, paragraph or table cell; converted with ``str``.
    line_start : bool, default=False
        Whether the text starts a line (a paragraph); then a leading ``#``,
        ``=``, ``-``, ``+`` or ``1.`` is escaped too, so it starts no heading
        or list.

    Returns
    -------
    escaped : str
        Markdown that renders as the original text.

    Examples
    --------
    >>> from sklearn_ecg._cli._safe_text import markdown_escape
    >>> print(markdown_escape("<img src=x onerror=alert(1)> [a](javascript:x)"))
    \<img src=x onerror=alert(1)\> \[a](javascript:x)
    >>> print(markdown_escape("# AF | NORM", line_start=True))
    \# AF \| NORM
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    match = _MD_BLOCK_START.match(escaped) if line_start else None
    if match is None:
        return escaped
    cut = match.end() - 1
    return escaped[:cut] + "\\" + escaped[cut:]
