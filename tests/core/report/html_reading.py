"""Reading a report's HTML as a browser would: what it would fetch, and a table's cells (stdlib parser only)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

OUTSIDE = re.compile(r"^\s*(https?:|//|ftp:)", re.IGNORECASE)
CSS_FETCH = re.compile(r"url\(\s*['\"]?(?!data:|#)([^'\")]+)|@import", re.IGNORECASE)
FETCHING_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "background", "xlink:href"}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetches: list[str] = []
        self.links: list[str] = []  # <link> elements: style sheets, fonts, icons
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in FETCHING_ATTRIBUTES and value and OUTSIDE.match(value):
                self.fetches.append(f"<{tag} {name}={value}>")
            if name == "style" and value and CSS_FETCH.search(value):
                self.fetches.append(f"<{tag} style={value}>")
        if tag == "link":
            self.links.append(str(values))
        if tag == "style":
            self._in_style = True
        if tag == "table":
            self._table = values.get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_style and CSS_FETCH.search(data):
            self.fetches.append(f"<style> {CSS_FETCH.search(data).group(0)}")  # type: ignore[union-attr]
        if self._cell is not None:
            self._cell.append(data)


def scan(document: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(document)
    scanner.close()
    return scanner
