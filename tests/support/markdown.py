"""The pull-request comment as GitHub renders it: GitHub's own fork of cmark (`cmarkgfm`).

Rendered with raw HTML allowed (GitHub keeps `<details>` and `<br>`), so a campaign name that
could inject HTML would show up in the tests' HTML as a tag, not as escaped text.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
from cmarkgfm.cmark import Options


def render(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def table_rows(rendered: str) -> list[list[str]]:
    """Every body row of every table: its cells' text, tags removed and entities decoded."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", rendered, re.S)
    rows = [row for body in bodies for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def tags(rendered: str) -> set[str]:
    """The element names the HTML holds."""
    return {name.lower() for name in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", rendered)}
