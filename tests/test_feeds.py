"""Feeds and pages in: RSS/Atom items, HTML articles, encodings, malformed and huge inputs, streaming."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from vner.serving import feeds
from vner.serving.feeds import choose_encoding, html_to_text, iter_feed, page_document, sniff_format
from vner.serving.readers import iter_inputs

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SENTENCE = "Phó Chủ tịch UBND tỉnh Quảng Ninh Nguyễn Văn Đọc chủ trì cuộc họp về phát triển kinh tế biển."
SECOND = "Sở Kế hoạch và Đầu tư đề nghị các huyện đẩy nhanh tiến độ giải ngân vốn đầu tư công."


def cp1258(text: str) -> bytes:
    """``text`` in windows-1258: precomposed letters where the code page has them, tone marks combining."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for index, mark in enumerate(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            try:
                composed.encode("cp1258")
            except UnicodeEncodeError:
                continue
            base = composed
            del marks[index]
            break
        out.append((base + "".join(marks)).encode("cp1258"))
    return b"".join(out)


def rss(items: list[str], declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    head = f'{declaration}\n<rss version="2.0"><channel><title>Báo</title>\n'
    return head + "\n".join(items) + "\n</channel></rss>\n"


def item(guid: str, title: str, description: str, extra: str = "") -> str:
    return f"<item><guid>{guid}</guid><title>{title}</title><description>{description}</description>{extra}</item>"


def read_feed(data: bytes, source: str = "feed.xml") -> list:
    return list(iter_feed(io.BytesIO(data), source))


# --- RSS and Atom ----------------------------------------------------------------------------


def test_rss2_items_keep_id_url_title_date_and_text():
    docs = list(iter_inputs([str(FIXTURES / "rss2.xml")]))
    assert [d.id for d in docs] == ["bao-1001", "https://bao.example/tin/1002.html", f"{FIXTURES / 'rss2.xml'}:item 3"]
    first = docs[0]
    assert first.meta == {"url": "https://bao.example/tin/1001.html", "title": "Quảng Ninh họp về kinh tế biển",
                          "published": "2017-07-01T01:30:00Z"}
    # content:encoded wins over the description; markup and scripts are gone; the title leads
    lines = first.text.splitlines()
    assert lines[0] == "Quảng Ninh họp về kinh tế biển"
    assert lines[1].startswith("Phó Chủ tịch UBND tỉnh Quảng Ninh Bùi Văn Khắng")
    assert "trackView" not in first.text and "<p>" not in first.text
    assert "does not end the item" in first.text  # a </item> inside CDATA did not cut the item
    assert docs[1].meta["published"] == "2017-07-02T03:00:00Z"
    assert docs[2].meta == {"url": None, "title": "Tin không có đường dẫn", "published": None}
    assert all(d.error is None for d in docs)
    assert "Tin đã gỡ" not in " ".join(d.text for d in docs)  # the commented-out item


def test_atom_entries():
    docs = list(iter_inputs([str(FIXTURES / "atom.xml")]))
    assert [d.id for d in docs] == ["urn:bao-example:2001", "urn:bao-example:2002"]
    assert docs[0].meta == {"url": "https://bao.example/tin/2001.html",
                            "title": "Thủ tướng làm việc với tỉnh Quảng Nam", "published": "2017-07-03T01:00:00Z"}
    assert docs[0].text.splitlines() == ["Thủ tướng làm việc với tỉnh Quảng Nam",
                                         "Thủ tướng Chính phủ làm việc với lãnh đạo tỉnh Quảng Nam.",
                                         "Bí thư Tỉnh ủy báo cáo tình hình kinh tế."]
    assert docs[1].meta["published"] == "2017-07-04T07:15:00Z"  # updated when there is no published
    assert docs[1].text.endswith("cầu Trần Hoàng Na.")


def test_rss1_rdf_items():
    data = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<channel rdf:about="https://r/"><title>c</title><items><rdf:Seq><rdf:li resource="https://r/1"/>'
            '</rdf:Seq></items></channel><item rdf:about="https://r/1"><title>Đà Nẵng</title><link>https://r/1</link>'
            "<description>Mưa lớn ở Đà Nẵng.</description><dc:date>2017-07-02T10:00:00+07:00</dc:date></item>"
            "</rdf:RDF>")
    [doc] = read_feed(data.encode())
    assert (doc.id, doc.text, doc.meta["published"]) == ("https://r/1", "Đà Nẵng\nMưa lớn ở Đà Nẵng.",
                                                         "2017-07-02T03:00:00Z")


def test_feed_without_items_and_xml_that_is_no_feed():
    assert read_feed(rss([]).encode()) == []  # an empty feed is no error
    [doc] = read_feed(b'<?xml version="1.0"?><urlset><url><loc>https://a/</loc></url></urlset>', "map.xml")
    assert doc.id == "map.xml" and "not an RSS or Atom feed" in doc.error


# --- malformed and huge -------------------------------------------------------------------------


def test_malformed_items_are_repaired_or_become_errors_and_reading_goes_on():
    data = rss([
        item("ok-1", "Một", SENTENCE),
        item("nbsp", "Hai&nbsp;lỗi", "Nội dung hai."),              # an HTML entity XML does not know
        item("unclosed", "Ba <b>không đóng", "Nội dung ba."),        # a tag left open
        "<item/>",                                                   # nothing in it
        "junk between items & < stray",
        item("ok-2", "Bốn", SENTENCE),
        "<item><guid>cut</guid><title>Năm</title><description>bị cắt",  # the file ends inside it
    ]).replace("\n</channel></rss>\n", "")
    docs = read_feed(data.encode())
    by_id = {d.id: d for d in docs}
    assert [d.id for d in docs] == ["ok-1", "nbsp", "unclosed", "feed.xml:item 4", "ok-2", "cut"]
    assert by_id["ok-1"].error is None and "warning" not in by_id["ok-1"].meta
    assert by_id["nbsp"].error is None and by_id["nbsp"].text.startswith("Hai lỗi")
    assert "malformed XML" in by_id["nbsp"].meta["warning"]
    assert by_id["unclosed"].error is None and "malformed XML" in by_id["unclosed"].meta["warning"]
    assert "no text" in by_id["feed.xml:item 4"].error
    assert by_id["ok-2"].error is None and by_id["ok-2"].text.endswith(SENTENCE)
    assert "ends inside this item" in by_id["cut"].error


def test_not_xml_at_all_with_format_feed(tmp_path):
    (tmp_path / "notes.txt").write_text("Chỉ là văn bản.", encoding="utf-8")
    [doc] = iter_inputs([str(tmp_path / "notes.txt")], fmt="feed")
    assert "not an RSS or Atom feed" in doc.error


def test_an_item_too_large_is_an_error_and_the_next_one_is_read():
    huge = "Hà Nội. " * (feeds.MAX_ITEM_CHARS // 8 + 1000)
    docs = read_feed(rss([item("big", "Lớn", huge), item("after", "Sau", SENTENCE)]).encode())
    assert [d.id for d in docs] == ["feed.xml:item 1", "after"]
    assert "item too large" in docs[0].error and docs[1].error is None


def test_a_page_too_large_is_an_error(tmp_path):
    page = tmp_path / "big.html"
    filler = "<p>" + "Hà Nội mưa to. " * 1000 + "</p>\n"
    page.write_text("<html><body><article>" + filler * (feeds.MAX_PAGE_BYTES // len(filler.encode()) + 2)
                    + "</article></body></html>", encoding="utf-8")
    [doc] = iter_inputs([str(page)])
    assert doc.id == "big" and "page too large" in doc.error


def test_undecodable_bytes_make_only_their_item_an_error():
    data = rss([item("good", "Tốt", SENTENCE), item("bad", "Xấu", "XX")]).encode().replace(b"XX", b"\xff\xfe")
    docs = read_feed(data)  # UTF-8 declared, valid but for two bytes
    assert docs[0].error is None
    assert docs[1].id == "bad" and "not valid in the detected encoding" in docs[1].error


# --- encodings -----------------------------------------------------------------------------------


def test_feed_declared_windows_1258():
    text = rss([item("w1", "Tin Quảng Ninh", SENTENCE)], '<?xml version="1.0" encoding="windows-1258"?>')
    [doc] = read_feed(cp1258(text))
    assert doc.error is None and doc.text == "Tin Quảng Ninh\n" + SENTENCE  # NFC again


def test_feed_in_utf16_with_and_without_bom():
    text = rss([item("u1", "Tin", SENTENCE)], '<?xml version="1.0" encoding="utf-16"?>')
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        [doc] = read_feed(data)
        assert doc.text == "Tin\n" + SENTENCE


def test_feed_declared_latin1_but_written_in_utf8():
    [doc] = read_feed(rss([item("l1", "Tin", SENTENCE)], '<?xml version="1.0" encoding="ISO-8859-1"?>').encode())
    assert doc.text == "Tin\n" + SENTENCE


def test_feed_with_no_declaration_in_windows_1258():
    [doc] = read_feed(cp1258(rss([item("n1", "Tin", SENTENCE + " " + SENTENCE)], "")))
    assert doc.error is None and doc.text == f"Tin\n{SENTENCE} {SENTENCE}"


def html_page(head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{head}<title>Tin Quảng Ninh</title></head><body><article>"
            f"<h1>Tin Quảng Ninh</h1><p>{SENTENCE}</p><p>{SECOND}</p></article></body></html>")


@pytest.mark.parametrize(
    "data",
    [
        cp1258(html_page('<meta charset="windows-1258">')),
        cp1258(html_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')),
        cp1258(html_page()),
        html_page('<meta charset="iso-8859-1">').encode(),
        html_page('<meta charset="utf-16">').encode("utf-16"),
        cp1258('<?xml version="1.0" encoding="windows-1258"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
               f"<title>Tin Quảng Ninh</title></head><body><article><p>{SENTENCE}</p><p>{SECOND}</p></article>"
               "</body></html>"),
    ],
    ids=["meta-charset-1258", "http-equiv-1258", "undeclared-1258", "latin1-label-utf8-bytes", "utf16-bom",
         "xhtml-declared-1258"],
)
def test_pages_in_every_encoding_give_the_same_text(data):
    doc = page_document(data, "page")
    assert doc.error is None, doc.error
    assert doc.text.splitlines() == ["Tin Quảng Ninh", SENTENCE, SECOND]


def test_encoding_choice():
    assert choose_encoding(b'<?xml version="1.0" encoding="windows-1258"?><rss>') == "cp1258"  # ASCII so far
    assert choose_encoding('<?xml version="1.0" encoding="latin-1"?><rss>Hà'.encode()) == "utf-8-sig"
    assert choose_encoding(cp1258('<meta charset="windows-1258"><p>Hà Nội')) == "cp1258"
    assert choose_encoding(cp1258("<p>" + SENTENCE * 3)) == "cp1258"  # undeclared: detected
    assert choose_encoding("\ufeff<rss>".encode()) == "utf-8-sig"
    # A multi-byte character cut by the end of the sample is still UTF-8.
    assert choose_encoding(("<p>" + "Hà Nội " * 10).encode()[:-1]) == "utf-8-sig"


# --- HTML pages --------------------------------------------------------------------------------


def test_article_page_gives_main_text_title_date_and_url():
    [doc] = iter_inputs([str(FIXTURES / "article.html")])
    assert doc.id == "article" and doc.error is None
    assert doc.meta == {"url": "https://bao.example/tin/3001.html",
                        "title": "Bình Định tổ chức hội nghị xúc tiến đầu tư", "published": "2017-07-05"}
    assert doc.text.startswith("Bình Định tổ chức hội nghị xúc tiến đầu tư\nNgày 5/7, UBND tỉnh Bình Định")
    for boilerplate in ("Trang chủ", "Bản quyền", "Tin liên quan", "window.ads"):
        assert boilerplate not in doc.text


@pytest.mark.parametrize(
    "markup",
    [
        (FIXTURES / "no_article.html").read_text(encoding="utf-8"),  # menus, footer and a script only
        "<html><head><title>Trống</title></head><body></body></html>",
        "<html><body><script>var x = 1;</script></body></html>",
    ],
)
def test_page_without_article_is_an_error(markup):
    doc = page_document(markup.encode(), "p")
    assert doc.error == "no article body found in the page" and doc.text == ""


def test_binary_page_is_an_error():
    assert "binary" in page_document(b"<html>\x00\x01\x02</html>", "b").error


def test_html_to_text_keeps_blocks_and_drops_scripts():
    assert html_to_text("<div>Một<br>Hai</div><ul><li>Ba</li><li>Bốn&amp;năm</li></ul><style>p{}</style>") == \
        "Một\nHai\nBa\nBốn&năm"
    assert html_to_text("chỉ   văn bản\n\n dòng hai") == "chỉ văn bản\ndòng hai"


# --- format detection, folders, stdin --------------------------------------------------------------


@pytest.mark.parametrize(
    "head, expected",
    [
        (b'<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">', "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        (b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'>", "feed"),
        (b"<?xml version='1.0'?><urlset>", "feed"),
        (b"  <!DOCTYPE html>\n<html>", "html"),
        (b"<html lang='vi'><head>", "html"),
        (b"<meta charset='utf-8'><title>x</title><body><p>a</p></body>", "html"),
        ("<p>Hà Nội</p> là thủ đô".encode(), "text"),
        ("Hà Nội <b>".encode(), "text"),
        (b"", "text"),
        ('<?xml version="1.0"?><feed>'.encode("utf-16"), "feed"),
    ],
)
def test_format_is_told_from_content(head, expected):
    assert sniff_format(head) == expected


def test_content_wins_over_file_names_and_format_forces(tmp_path):
    (tmp_path / "feed.txt").write_bytes((FIXTURES / "atom.xml").read_bytes())
    (tmp_path / "page.dat").write_bytes((FIXTURES / "article.html").read_bytes())
    with gzip.open(tmp_path / "rss.xml.gz", "wb") as handle:
        handle.write((FIXTURES / "rss2.xml").read_bytes())
    docs = list(iter_inputs([str(tmp_path / "feed.txt"), str(tmp_path / "page.dat"), str(tmp_path / "rss.xml.gz")]))
    assert [d.id for d in docs][:3] == ["urn:bao-example:2001", "urn:bao-example:2002", "page"]
    assert [d.id for d in docs][3:5] == ["bao-1001", "https://bao.example/tin/1002.html"]
    [raw] = iter_inputs([str(tmp_path / "page.dat")], fmt="text")
    assert raw.text.startswith("<!DOCTYPE html>")  # --format text: the markup as it is
    with pytest.raises(ValueError, match="unknown input format"):
        next(iter_inputs([str(tmp_path / "page.dat")], fmt="pdf"))


def test_folder_of_pages_feeds_and_texts(tmp_path):
    (tmp_path / "b.txt").write_text("Bài B.", encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "pages" / "empty.htm").write_bytes((FIXTURES / "no_article.html").read_bytes())
    (tmp_path / "feed.xml").write_bytes((FIXTURES / "atom.xml").read_bytes())
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    docs = list(iter_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["b", "urn:bao-example:2001", "urn:bao-example:2002", "pages/a", "pages/empty"]
    assert docs[3].meta["title"] == "Bình Định tổ chức hội nghị xúc tiến đầu tư"
    assert docs[4].error == "no article body found in the page"


def test_stdin_feed_and_page():
    docs = list(iter_inputs(["-"], stdin=io.BytesIO((FIXTURES / "rss2.xml").read_bytes())))
    assert [d.id for d in docs][:2] == ["bao-1001", "https://bao.example/tin/1002.html"]
    assert docs[2].id == "stdin:item 3"
    [page] = iter_inputs(["-"], stdin=io.BytesIO((FIXTURES / "article.html").read_bytes()))
    assert page.id == "stdin" and page.meta["url"] == "https://bao.example/tin/3001.html"
    [forced] = iter_inputs(["-"], stdin=io.BytesIO(b"<p>just markup</p>"), fmt="html")
    assert forced.error == "no article body found in the page" or forced.text == "just markup"


# --- streaming -------------------------------------------------------------------------------------


class CountingStream(io.BytesIO):
    """A byte stream that counts how much was read from it."""

    taken = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def synthetic_feed(items: int, sentences: int = 4) -> bytes:
    body = " ".join([SENTENCE] * sentences)
    return rss([item(f"id-{n}", f"Tin số {n}", body) for n in range(items)]).encode()


def test_a_feed_of_thousands_of_items_is_read_item_by_item():
    data = synthetic_feed(5000)
    stream = CountingStream(data)
    docs = iter_feed(stream, "big.xml")
    assert next(docs).id == "id-0"
    assert stream.taken <= feeds.HEAD_BYTES + 64 * 1024 < len(data) / 10  # the first item came early
    assert [doc.id for doc in docs] == [f"id-{n}" for n in range(1, 5000)]


_PEAK_GROWTH = """
import io, re, sys
from vner.serving.feeds import iter_feed

def peak_kib():  # the process's resident high-water mark (ru_maxrss would count the parent's before exec)
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))

warm = open(sys.argv[2], "rb").read()
assert len(list(iter_feed(io.BytesIO(warm), "warm"))) > 0  # imports, caches, allocator arenas
before = peak_kib()
with open(sys.argv[1], "rb") as handle:
    items = sum(doc.error is None for doc in READ)
print(items, peak_kib() - before)
"""


def test_memory_stays_flat_as_the_feed_grows(tmp_path):
    """Peak memory (RSS, in a fresh process) while reading a 3,000-item, 15 MB feed barely moves."""
    (tmp_path / "small.xml").write_bytes(synthetic_feed(100, sentences=40))
    large = synthetic_feed(3000, sentences=40)
    (tmp_path / "large.xml").write_bytes(large)
    code = _PEAK_GROWTH.replace("READ", 'iter_feed(handle, "feed.xml")')
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "large.xml"), str(tmp_path / "small.xml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    items, growth_kib = map(int, done.stdout.split())
    assert items == 3000
    # Holding the feed (bytes, then text) would add 2 × 15 MB at least; one item at a time adds next to nothing.
    assert growth_kib * 1024 < len(large) / 8, (growth_kib, len(large))


def test_feed_readers_import_no_torch_and_parse_lazily():
    code = (
        "import sys, vner.serving.readers, vner.serving.state, vner.serving.feeds\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'trafilatura', 'feedparser')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_items_are_json_serialisable_with_their_metadata():
    docs = list(iter_inputs([str(FIXTURES / "rss2.xml"), str(FIXTURES / "article.html")]))
    for doc in docs:
        line = json.loads(doc.to_json())
        assert {"id", "url", "title", "published", "text"} <= set(line)
