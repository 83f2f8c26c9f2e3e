"""RSS/Atom feeds and HTML article pages as documents: formats, encodings, streaming.

Format (:func:`sniff_format`) is told from the first bytes of the content: an XML root
``<rss>``, ``<rdf:RDF>`` or ``<feed>`` (or any other XML document) is a feed, ``<!DOCTYPE
html>``, ``<html>``, ``<head>`` or ``<body>`` a page, anything else plain text.

Encoding (:func:`choose_encoding`), from the first :data:`HEAD_BYTES` bytes: a byte-order
mark wins; then UTF-16 without one (NUL bytes beside ASCII); then UTF-8 when the non-ASCII
bytes are valid UTF-8, whatever the XML declaration or ``<meta charset>`` says (a page saved
as UTF-8 under a stale ``latin-1`` label is common, valid UTF-8 by chance is not); then the
declared encoding; then UTF-8 again when nearly all of it is (a few stray bytes); then
:mod:`charset_normalizer`'s guess (it finds undeclared windows-1258). Bytes the chosen codec
cannot decode become U+FFFD, and an item or page holding one an error.

Feeds are streamed (:func:`iter_feed`): the decoded text is read 64 KiB at a time and cut
lexically at each ``<item>``/``<entry>`` element (CDATA sections and comments skipped), and
each item is parsed on its own by :mod:`feedparser`, inside a copy of the feed's root
element carrying its namespace declarations. Memory holds one item, never the feed, and a
malformed item cannot spill into the next: feedparser repairs what it can (the line gets a
``warning``), an item it cannot read, one larger than :data:`MAX_ITEM_CHARS` or one cut off
by the end of the file becomes an ``error`` line, and reading goes on.

Pages (:func:`page_document`) are read whole up to :data:`MAX_PAGE_BYTES` and their main
text extracted by :mod:`trafilatura` (precision-minded, so menus and footers alone give no
article); a page without one becomes an ``error`` line.

Every document gets ``url``, ``title`` and ``published`` in ``meta`` (``None`` when absent):
items' ids are their guid/Atom id, else their link, else ``SOURCE:item N``; pages' ids are
given by the caller (the file name). The text is the title, a line break and the body
(unless the body starts with the title), as in the project's news data, in NFC since it is
extracted from markup rather than given. Imports :mod:`vner.model` and the standard library
at load time; feedparser, trafilatura and charset_normalizer only when a feed or page is read.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import time
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from vner.model.document import Document

log = logging.getLogger(__name__)

AUTO, TEXT, JSONL, FEED, HTML = "auto", "text", "jsonl", "feed", "html"
#: Values of ``vner tag --format``.
FORMATS = (AUTO, TEXT, JSONL, FEED, HTML)

#: Bytes looked at to tell the format and the encoding.
HEAD_BYTES = 64 * 1024
#: Pages larger than this are answered with an error line (real article pages are < 2 MB).
MAX_PAGE_BYTES = 5_000_000
#: Feed items larger than this (characters of XML) are answered with an error line.
MAX_ITEM_CHARS = 2_000_000
#: Characters before the first item kept to find the root element and namespaces.
MAX_HEADER_CHARS = 1_000_000
_READ_SIZE = 64 * 1024
# No token the splitter looks for is longer than this, so it never straddles a cut.
_TOKEN_CHARS = 256
# Characters of an item kept to name it in an error line when the item itself is not kept.
_START_KEPT = 4096
_REPLACEMENT = "\ufffd"

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL | re.IGNORECASE)
_FIRST_TAG = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_HTML_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_START_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)/?>")
_NS_DECL = re.compile(r"""\s(xmlns(?::[\w.-]+)?)\s*=\s*("[^"]*"|'[^']*')""")
_ITEM_OR_SKIP = re.compile(r"<!--|<!\[CDATA\[|<(?:[A-Za-z_][\w.-]*:)?(item|entry)(?=[\s/>])")
_CLOSERS = {"<!--": "-->", "<![CDATA[": "]]>"}
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article",
           "pre", "table", "ul", "ol", "figcaption")


# --- format and encoding -------------------------------------------------------------------


def _ascii_view(head: bytes) -> str:
    """The head as text good enough to read markup: ASCII-compatible unless UTF-16/32."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return head.decode(name, errors="replace")
    utf16 = _utf16_without_bom(head)
    return head.decode(utf16 or "latin-1", errors="replace")


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the head reads as ASCII markup with a NUL byte beside each character."""
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    return None


def _first_element(text: str) -> str | None:
    """The name of the first element after the prolog (declaration, comments, DOCTYPE), lower case.

    An HTML DOCTYPE counts as an ``html`` element.
    """
    position = 0
    while match := _PROLOG.match(text, position):
        if match.group(0).strip().lower().startswith("<!doctype html"):
            return "html"
        position = match.end()
    first = _FIRST_TAG.match(text, position)
    return first.group(1).lower() if first else None


def sniff_format(head: bytes) -> str:
    """:data:`FEED`, :data:`HTML` or :data:`TEXT` for the first bytes of a file.

    >>> sniff_format(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    'feed'
    >>> sniff_format(b"<!doctype html><title>x</title>")
    'html'
    >>> sniff_format("Hà Nội, ngày 1/7".encode())
    'text'
    """
    text = _ascii_view(head[:HEAD_BYTES]).lstrip("\ufeff")
    first = _first_element(text)
    if first is not None:
        local = first.rsplit(":", 1)[-1]
        if local in ("html", "head", "body"):
            return HTML
        if local in ("rss", "rdf", "feed") or text.lstrip().startswith("<?xml"):
            return FEED
    return HTML if text.lstrip().startswith("<") and _HTML_TAG.search(text) else TEXT


def _codec(name: str | None) -> str | None:
    """Python's name for an encoding label, or None when Python does not know it."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        log.debug("unknown encoding label %r", name)
        return None


def _utf8_evidence(head: bytes) -> tuple[int, int]:
    """Non-ASCII characters that decode as UTF-8, and bytes that do not (a sequence cut by the sample's end is fine)."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    bad = text.count(_REPLACEMENT)
    return sum(1 for char in text if char > "\x7f") - bad, bad


def declared_encoding(head: bytes) -> str | None:
    """The encoding an XML declaration or an HTML ``<meta charset>`` names, as Python calls it.

    HTML's ``latin-1``/``ascii`` labels mean windows-1252 (as in browsers).

    >>> declared_encoding(b'<?xml version="1.0" encoding="windows-1258"?><rss>')
    'cp1258'
    >>> declared_encoding(b'<html><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    'cp1252'
    """
    match = _XML_DECLARED.match(head)
    if match:
        return _codec(match.group(1).decode("ascii"))
    match = _META_CHARSET.search(head[:HEAD_BYTES])
    if match:
        name = _codec(match.group(1).decode("ascii"))
        return "cp1252" if name in ("latin_1", "iso8859-1", "ascii") else name
    return None


def choose_encoding(head: bytes) -> str:
    """The codec to decode a feed or page with, from its first bytes (see the module's docstring).

    >>> choose_encoding('<?xml version="1.0" encoding="iso-8859-1"?><rss>Hà Nội'.encode())
    'utf-8-sig'
    >>> choose_encoding('<html><meta charset="windows-1258">Ha'.encode())
    'cp1258'
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    declared = declared_encoding(head)
    if declared and declared.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        declared = None  # a UTF-16 label over bytes without NULs is wrong: they are ASCII-compatible
    if head.isascii():
        return declared or "utf-8-sig"
    good, bad = _utf8_evidence(head)
    if not bad:
        return "utf-8-sig"
    if declared and declared not in ("utf-8", "utf_8"):
        return declared
    if good >= 10 * bad:  # UTF-8 with a few stray bytes: they become U+FFFD, their items errors
        return "utf-8-sig"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    guess = _codec(best.encoding) if best is not None else None
    log.debug("undeclared encoding: charset_normalizer guesses %s", guess)
    return guess or "utf-8-sig"


# --- text from markup ------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """One space between words, no blank or padded lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment, a line per block element.

    >>> html_to_text("<p>Hà&nbsp;Nội</p><script>x()</script><p>Huế <b>đẹp</b></p>")
    'Hà Nội\\nHuế đẹp'
    """
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(markup)
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return _tidy(root.text_content())


def compose_text(title: str | None, body: str | None) -> str:
    """The title, a line break and the body, in NFC; the title once when the body starts with it.

    >>> compose_text("Tin mới", "Nội dung.")
    'Tin mới\\nNội dung.'
    >>> compose_text("Tin mới", "Tin mới\\nNội dung.")
    'Tin mới\\nNội dung.'
    """
    title, body = (title or "").strip(), (body or "").strip()
    if title and body.startswith(title):
        title = ""
    return unicodedata.normalize("NFC", "\n".join(part for part in (title, body) if part))


def _document(doc_id: str, text: str, meta: dict[str, Any]) -> Document:
    """A document of extracted text, or one with ``error`` set when nothing usable is left."""
    if not text.strip():
        return Document(id=doc_id, text="", error="no text: no title, summary, content or article body", meta=meta)
    if _REPLACEMENT in text:
        return Document(id=doc_id, text="", error="text holds bytes that are not valid in the detected encoding",
                        meta=meta)
    if "\x00" in text:
        return Document(id=doc_id, text="", error="binary content (NUL characters)", meta=meta)
    return Document(id=doc_id, text=text, meta=meta)


def _meta(url: str | None = None, title: str | None = None, published: str | None = None) -> dict[str, Any]:
    return {"url": url or None, "title": title or None, "published": published or None}


# --- HTML pages ------------------------------------------------------------------------------


def page_document(data: bytes, doc_id: str) -> Document:
    """The article of one HTML page (see the module's docstring), or a document with ``error`` set."""
    if len(data) > MAX_PAGE_BYTES:
        return Document(id=doc_id, text="", meta=_meta(),
                        error=f"page too large (over the limit of {MAX_PAGE_BYTES} bytes)")
    encoding = choose_encoding(data[:HEAD_BYTES])
    markup = data.decode(encoding, errors="replace")
    if "\x00" in markup:
        return Document(id=doc_id, text="", error="binary content (NUL bytes)", meta=_meta())
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False,
                                                favor_precision=True)
    except Exception as exc:  # the extractor must not end a run over one page
        log.debug("extraction failed for %s", doc_id, exc_info=True)
        return Document(id=doc_id, text="", error=f"cannot extract the page: {type(exc).__name__}: {exc}",
                        meta=_meta())
    if extracted is None or not (extracted.text or "").strip():
        return Document(id=doc_id, text="", error="no article body found in the page", meta=_meta(
            title=getattr(extracted, "title", None)))
    meta = _meta(extracted.url, extracted.title, extracted.date)
    return _document(doc_id, compose_text(extracted.title, extracted.text), meta)


def read_capped(stream: IO[bytes], limit: int = MAX_PAGE_BYTES) -> bytes:
    """At most ``limit + 1`` bytes of a stream: enough to tell a page is too large without holding it."""
    return stream.read(limit + 1)


# --- feeds -----------------------------------------------------------------------------------


@dataclass
class _Piece:
    """What the splitter cut: an item's XML, or why an item has none (``xml`` then holds its start)."""

    name: str  # "item" or "entry"
    kind: str  # "item", "oversize" or "truncated"
    xml: str = ""
    size: int = 0


class _Feed:
    """A feed's decoded text, cut into items as it streams by (see the module's docstring).

    Outside items and inside them the buffer is cut behind the scan as it goes, except for the
    header (up to :data:`MAX_HEADER_CHARS`) and an item being collected (up to ``max_item_chars``).
    """

    def __init__(self, chunks: Iterable[str], max_item_chars: int) -> None:
        self._chunks = iter(chunks)
        self._max = max_item_chars
        self.buffer = ""
        #: The text before the first item (None until it is known).
        self.header: str | None = None

    def _more(self) -> bool:
        """Append the next chunk; False at the end of the stream."""
        for chunk in self._chunks:
            if chunk:
                self.buffer += chunk
                return True
        return False

    def _drop(self, upto: int) -> None:
        self.buffer = self.buffer[upto:]

    def _close_header(self, upto: int) -> None:
        if self.header is None:
            self.header = self.buffer[:upto]

    def _scan(self, pattern: re.Pattern, position: int, inside: str | None
              ) -> tuple[re.Match | None, int, str | None]:
        """The next match of ``pattern`` in the buffer from ``position``, outside comments and CDATA.

        Returns ``(match, position, inside)``; with no match yet, ``position`` is where to look
        again once more text has come and ``inside`` the closer of the comment or CDATA being
        skipped (``pattern`` must match their openers, :data:`_CLOSERS`).
        """
        while True:
            if inside:
                found = self.buffer.find(inside, position)
                if found < 0:
                    return None, max(position, len(self.buffer) - len(inside)), inside
                position, inside = found + len(inside), None
                continue
            match = pattern.search(self.buffer, position)
            if match is None:
                return None, max(position, len(self.buffer) - _TOKEN_CHARS), None
            if match.group(0) not in _CLOSERS:
                return match, position, None
            position, inside = match.end(), _CLOSERS[match.group(0)]

    def pieces(self) -> Iterator[_Piece]:
        """Items in stream order; :attr:`header` is set once the first one is met."""
        position, inside = 0, None
        while True:
            match, position, inside = self._scan(_ITEM_OR_SKIP, position, inside)
            if match is not None:
                self._close_header(match.start())
                self._drop(match.start())
                yield self._item(match.group(1))
                position = 0
                continue
            if self.header is not None or position > MAX_HEADER_CHARS:
                self._close_header(position)
                self._drop(position)
                position = 0
            if not self._more():
                self._close_header(len(self.buffer))
                return

    def _item(self, name: str) -> _Piece:
        """Cut the item that starts the buffer; the buffer then starts after it."""
        while len(self.buffer) < _TOKEN_CHARS and self._more():
            pass
        start_tag = re.match(r"<[^<>]*>", self.buffer)
        if start_tag is not None and start_tag.group(0).endswith("/>"):  # <entry/>: an empty item
            self._drop(start_tag.end())
            return _Piece(name, "item", start_tag.group(0))
        end_tag = re.compile(rf"<!--|<!\[CDATA\[|</(?:[A-Za-z_][\w.-]*:)?{name}\s*>")
        position, inside, dropped, start = 0, None, 0, self.buffer[:_START_KEPT]
        while True:
            match, position, inside = self._scan(end_tag, position, inside)
            if match is not None:
                size = dropped + match.end()
                piece = (_Piece(name, "item", self.buffer[: match.end()]) if size <= self._max
                         else _Piece(name, "oversize", start, size))
                self._drop(match.end())
                return piece
            if dropped or position > self._max:  # too large to parse: find its end without holding it
                self._drop(position)
                dropped, position = dropped + position, 0
            if not self._more():
                size, self.buffer = dropped + len(self.buffer), ""
                return _Piece(name, "truncated", start, size)


def _decoded_chunks(stream: IO[bytes], encoding: str, head: bytes) -> Iterator[str]:
    """The stream's text, ``head`` (already read) first, decoded as it is read."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    yield decoder.decode(head)
    while data := stream.read(_READ_SIZE):
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


@dataclass
class _Envelope:
    """The root element an item is parsed in: the feed's own, with its namespace declarations."""

    opening: str
    closing: str

    @classmethod
    def from_header(cls, header: str, item_name: str) -> _Envelope:
        tags = [m for m in _START_TAG.finditer(header) if not m.group(1).startswith(("?", "!"))]
        namespaces: dict[str, str] = {}
        for tag in tags:
            for name, value in _NS_DECL.findall(tag.group(2)):
                namespaces.setdefault(name, value)
        root = tags[0].group(1) if tags else ""
        local = root.rsplit(":", 1)[-1].lower()
        if local not in ("rss", "rdf", "feed"):
            root, local = ("feed", "feed") if item_name == "entry" else ("rss", "rss")
        if local == "feed":
            namespaces.setdefault("xmlns", '"http://www.w3.org/2005/Atom"')
        declarations = "".join(f" {name}={value}" for name, value in namespaces.items())
        if local == "rss":
            return cls(f'<rss version="2.0"{declarations}><channel>', "</channel></rss>")
        return cls(f"<{root}{declarations}>", f"</{root}>")

    def wrap(self, item_xml: str) -> bytes:
        return f'<?xml version="1.0" encoding="utf-8"?>{self.opening}{item_xml}{self.closing}'.encode()


def _plain(detail: Any, fallback: str | None) -> str:
    """Plain text of a feedparser text construct (HTML ones are stripped of markup)."""
    if not detail:
        return fallback or ""
    value = detail.get("value") or ""
    return html_to_text(value) if "html" in (detail.get("type") or "") else _tidy(value)


def _published(entry: Any) -> str | None:
    """ISO 8601 in UTC when feedparser could read the date, else the date as written."""
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
        if entry.get(key):
            return str(entry.get(key))
    return None


def _entry_body(entry: Any) -> str:
    """The longest of the item's contents, else its summary/description, as text."""
    bodies = [_plain(content, None) for content in entry.get("content") or []]
    body = max(bodies, key=len, default="")
    return body or _plain(entry.get("summary_detail"), entry.get("summary"))


def item_document(item_xml: str, envelope: _Envelope, fallback_id: str) -> Document:
    """One feed item's document (the XML of one ``<item>`` or ``<entry>``), or one with ``error`` set."""
    import feedparser

    # Only text is kept (html_to_text drops scripts and styles), so feedparser's sanitiser would be wasted work;
    # a stream, not bytes or str, so that feedparser never takes the item for a URL or a file name.
    parsed = feedparser.parse(io.BytesIO(envelope.wrap(item_xml)), resolve_relative_uris=False,
                              sanitize_html=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception") or "no item found"
        return Document(id=fallback_id, text="", error=f"malformed item: {problem}", meta=_meta())
    entry = parsed.entries[0]
    doc_id = str(entry.get("id") or entry.get("link") or "").strip() or fallback_id
    title = _plain(entry.get("title_detail"), entry.get("title"))
    meta = _meta(entry.get("link"), title, _published(entry))
    if parsed.get("bozo"):
        meta["warning"] = f"malformed XML, read by feedparser's lenient parser: {parsed.get('bozo_exception')}"
        log.warning("%s: %s", doc_id, meta["warning"])
    return _document(doc_id, compose_text(title, _entry_body(entry)), meta)


def _safe_item(item_xml: str, envelope: _Envelope, fallback_id: str) -> Document:
    try:
        return item_document(item_xml, envelope, fallback_id)
    except Exception as exc:  # one item must not end the feed
        log.debug("item %s failed", fallback_id, exc_info=True)
        return Document(id=_peek_id(item_xml) or fallback_id, text="", meta=_meta(),
                        error=f"cannot read the item: {type(exc).__name__}: {exc}")


def _peek_id(xml: str) -> str | None:
    """The guid/id/link of a piece of item XML that cannot be parsed, found by pattern."""
    match = re.search(r"<(?:\w+:)?(?:guid|id)\b[^>]*>\s*([^<\s][^<]*?)\s*</", xml) or re.search(
        r"<(?:\w+:)?link\b[^>]*?(?:href=[\"']([^\"']+)|>\s*([^<\s][^<]*?)\s*</)", xml)
    if match is None:
        return None
    return next(group for group in match.groups() if group)


def iter_feed(stream: IO[bytes], source: str) -> Iterator[Document]:
    """The items of an RSS or Atom feed read from ``stream``, one document each, streamed.

    ``source`` names the feed in the ids of items without guid or link (``SOURCE:item N``).
    """
    head = stream.read(HEAD_BYTES)
    encoding = choose_encoding(head)
    feed = _Feed(_decoded_chunks(stream, encoding, head), MAX_ITEM_CHARS)
    envelope: _Envelope | None = None
    count = 0
    try:
        for count, piece in enumerate(feed.pieces(), 1):
            fallback = f"{source}:item {count}"
            if piece.kind == "oversize":
                yield Document(id=fallback, text="", meta=_meta(),
                               error=f"item too large ({piece.size} characters; the limit is {MAX_ITEM_CHARS})")
                continue
            if piece.kind == "truncated":
                yield Document(id=_peek_id(piece.xml) or fallback, text="", meta=_meta(),
                               error="the feed ends inside this item (a truncated file?)")
                continue
            if envelope is None:
                envelope = _Envelope.from_header(feed.header or "", piece.name)
            yield _safe_item(piece.xml, envelope, fallback)
    except (OSError, EOFError, zlib.error) as exc:  # a file that cannot be read, a corrupt gzip stream
        yield Document(id=f"{source}:item {count + 1}", text="", meta=_meta(),
                       error=f"cannot read {source} past item {count}: {exc}")
        return
    if count == 0:
        root = _first_element(feed.header or "")
        log.warning("%s: no items", source)
        if root is None or root.rsplit(":", 1)[-1] not in ("rss", "rdf", "feed"):
            what = f"<{root}> document" if root else "document without XML elements"
            yield Document(id=source, text="", meta=_meta(), error=f"not an RSS or Atom feed: a {what} with no items")
