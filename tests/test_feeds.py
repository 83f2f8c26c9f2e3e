"""Feeds and pages in: RSS/Atom items, HTML articles, encodings, malformed and huge inputs, streaming."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
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


# --- tagging feeds: metadata out, incremental runs, duplicates ---------------------------------------

TEXTS = [
    "Phó Chủ tịch UBND tỉnh Quảng Ninh Bùi Văn Khắng chủ trì cuộc họp về kinh tế biển.",
    "Sở Giáo dục và Đào tạo Hà Nội công bố điểm chuẩn vào lớp 10 năm học 2017-2018.",
    "Chủ tịch UBND tỉnh Bình Định Hồ Quốc Dũng trao giấy chứng nhận đầu tư cho 12 dự án.",
    "Bộ Tài chính ban hành Thông tư số 15/2017/TT-BTC ngày 15/2/2017 về quản lý ngân sách.",
    "Thủ tướng Chính phủ Nguyễn Xuân Phúc làm việc với lãnh đạo tỉnh Quảng Nam.",
    "UBND thành phố Cần Thơ khởi công xây dựng cầu Trần Hoàng Na trên sông Cần Thơ.",
    "Bí thư Tỉnh ủy Nghệ An chủ trì hội nghị sơ kết công tác 6 tháng đầu năm.",
]


def feed_file(path: Path, items: list[tuple[str, str]]) -> Path:
    """An RSS file of (guid, text) items, with links and dates; titles are the texts' first words."""
    path.write_text(rss([
        f"<item><guid>{guid}</guid><link>https://bao.example/{guid}.html</link>"
        f"<title>{' '.join(text.split()[:5])}</title>"
        f"<pubDate>Mon, 03 Jul 2017 0{n % 10}:00:00 +0700</pubDate><description>{text}</description></item>"
        for n, (guid, text) in enumerate(items)
    ]), encoding="utf-8")
    return path


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def tag(inputs, output, **kwargs):
    from vner.serving.batch import tag_inputs

    return tag_inputs([str(p) for p in inputs], output, progress=False, **kwargs)


def test_tagged_feed_lines_keep_id_url_title_published(tmp_path):
    out = tmp_path / "out.jsonl"
    summary = tag([FIXTURES / "rss2.xml", FIXTURES / "atom.xml", FIXTURES / "article.html",
                   FIXTURES / "no_article.html"], out)
    lines = lines_of(out)
    assert summary.documents == len(lines) == 7 and summary.errors == 1
    first = lines[0]
    assert (first["id"], first["url"], first["title"], first["published"]) == (
        "bao-1001", "https://bao.example/tin/1001.html", "Quảng Ninh họp về kinh tế biển", "2017-07-01T01:30:00Z")
    assert {"ORG", "PER"} <= {e["type"] for e in first["entities"]}
    for line in lines:
        assert {"id", "url", "title", "published"} <= set(line)
        assert all(line["text"][e["start"]:e["end"]] == e["text"] for e in line["entities"])
    assert lines[5]["id"] == "article" and lines[5]["url"] == "https://bao.example/tin/3001.html"
    assert lines[6]["id"] == "no_article" and lines[6]["error"] == "no article body found in the page"


def test_incremental_runs_tag_only_new_and_changed_items(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    items = [(f"g{n}", TEXTS[n]) for n in range(4)]
    first = tag([feed_file(tmp_path / "feed.xml", items)], out, state=state)
    assert (first.documents, first.skipped, first.duplicates) == (4, 0, 0)
    # The feed grows by two items and one item's text is corrected.
    grown = items[:2] + [("g2", TEXTS[2] + " Tin cập nhật."), items[3], ("g4", TEXTS[4]), ("g5", TEXTS[5])]
    second = tag([feed_file(tmp_path / "feed.xml", grown)], out, state=state)
    assert (second.documents, second.skipped, second.errors) == (3, 3, 0)
    assert "3 skipped as already done" in str(second)
    lines = lines_of(out)
    assert [line["id"] for line in lines] == ["g0", "g1", "g2", "g3", "g2", "g4", "g5"]  # appended
    assert lines[4]["text"].endswith("Tin cập nhật.") and lines[4]["entities"]
    third = tag([feed_file(tmp_path / "feed.xml", grown)], out, state=state)
    assert (third.documents, third.skipped) == (0, 6)
    records = lines_of(state)
    assert [r["id"] for r in records] == ["g0", "g1", "g2", "g3", "g2", "g4", "g5"]
    assert records[2]["hash"] != records[4]["hash"]


def test_duplicate_texts_are_tagged_once_and_linked(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    summary = tag([feed_file(tmp_path / "a.xml", [("a", TEXTS[0]), ("b", TEXTS[1]), ("c", TEXTS[0])])], out,
                  state=state)
    assert (summary.documents, summary.duplicates) == (3, 1)
    a, b, c = lines_of(out)
    assert a["entities"] and "duplicate_of" not in a
    assert c == {"id": "c", "text": a["text"], "url": "https://bao.example/c.html", "title": a["title"],
                 "published": "2017-07-02T19:00:00Z", "duplicate_of": "a"}  # its own metadata, a's annotations
    assert lines_of(state)[2] == {"id": "c", "hash": lines_of(state)[0]["hash"], "duplicate_of": "a"}
    # Next run: a new id with a text tagged before is linked across runs; c stays done.
    summary = tag([feed_file(tmp_path / "b.xml", [("c", TEXTS[0]), ("d", TEXTS[1]), ("e", TEXTS[2])])], out,
                  state=state)
    assert (summary.documents, summary.duplicates, summary.skipped) == (2, 1, 1)
    d, e = lines_of(out)[3:]
    assert d["duplicate_of"] == "b" and "entities" not in d
    assert "duplicate_of" not in e and e["entities"]


def test_duplicate_pages_in_a_folder(tmp_path):
    pages, out, state = tmp_path / "pages", tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    pages.mkdir()
    for name in ("x", "y"):
        (pages / f"{name}.html").write_bytes((FIXTURES / "article.html").read_bytes())
    tag([pages], out, state=state)
    x, y = lines_of(out)
    assert x["entities"] and y["duplicate_of"] == "x" and y["url"] == x["url"]
    (pages / "z.html").write_bytes((FIXTURES / "article.html").read_bytes())
    summary = tag([pages], out, state=state)
    assert (summary.documents, summary.duplicates, summary.skipped) == (1, 1, 2)
    assert lines_of(out)[-1] == {**y, "id": "z"}


def test_error_items_are_not_recorded_and_are_tried_again(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    feed = tmp_path / "feed.xml"
    feed.write_text(rss([item("ok", "Tin", TEXTS[0]), "<item><guid>empty</guid></item>"]), encoding="utf-8")
    first = tag([feed], out, state=state)
    assert (first.documents, first.errors) == (2, 1)
    assert [r["id"] for r in lines_of(state)] == ["ok"]
    second = tag([feed], out, state=state)
    assert (second.documents, second.errors, second.skipped) == (1, 1, 1)
    assert lines_of(out)[-1]["id"] == "empty" and lines_of(out)[-1]["error"]


def test_a_torn_state_line_is_dropped_and_its_item_tagged_again(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    feed = feed_file(tmp_path / "feed.xml", [(f"g{n}", TEXTS[n]) for n in range(5)])
    tag([feed], out, state=state)
    raw = state.read_bytes()
    state.write_bytes(raw[: raw.rstrip(b"\n").rfind(b"\n") + 20])  # killed while writing the last record
    out.write_bytes(out.read_bytes()[:-30])  # and while writing the last output line
    summary = tag([feed], out, state=state)
    assert (summary.documents, summary.skipped) == (1, 4)
    assert [line["id"] for line in lines_of(out)] == ["g0", "g1", "g2", "g3", "g4"]  # the torn line was replaced
    assert [r["id"] for r in lines_of(state)] == ["g0", "g1", "g2", "g3", "g4"]


def test_kill_9_during_an_incremental_run_loses_nothing(tmp_path):
    feed = feed_file(tmp_path / "feed.xml", [(f"g{n:03d}", f"{TEXTS[n % len(TEXTS)]} Bản tin số {n}.")
                                             for n in range(400)])
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    command = [sys.executable, "-m", "vner", "tag", str(feed), "-o", str(out), "--state", str(state), "-q",
               "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 40):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written = out.read_bytes().count(b"\n")
    assert 40 <= written < 400, "the run should have been killed part-way"
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    skipped = int(re.search(r"(\d+) skipped as already done", done.stderr).group(1))
    assert skipped >= 40
    ids = [line["id"] for line in lines_of(out)]
    assert set(ids) == {f"g{n:03d}" for n in range(400)}  # nothing lost
    assert len(ids) - 400 <= 32  # at worst the chunk between the two flushes again
    assert {r["id"] for r in lines_of(state)} == set(ids)


def test_cli_format_state_stdout_and_usage(tmp_path, capsys):
    from vner.cli import main

    page = tmp_path / "page.txt"
    page.write_bytes((FIXTURES / "article.html").read_bytes())
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(page), "-o", str(out), "--format", "text", "-q"]) == 0
    assert lines_of(out)[0]["text"].startswith("<!DOCTYPE html>")
    assert main(["tag", str(page), "-o", str(out), "--format", "html", "-q"]) == 0
    assert lines_of(out)[0]["title"] == "Bình Định tổ chức hội nghị xúc tiến đầu tư"
    capsys.readouterr()
    state = tmp_path / "state.jsonl"
    assert main(["tag", str(FIXTURES / "atom.xml"), "-o", "-", "--state", str(state), "-q"]) == 0
    printed = capsys.readouterr()
    assert [json.loads(line)["id"] for line in printed.out.splitlines()] == ["urn:bao-example:2001",
                                                                          "urn:bao-example:2002"]
    assert main(["tag", str(FIXTURES / "atom.xml"), "-o", "-", "--state", str(state), "-q"]) == 0
    printed = capsys.readouterr()
    assert printed.out == "" and "2 skipped as already done" in printed.err
    assert main(["tag", str(page), "-o", str(out), "--state", str(state), "--resume"]) == 2
    assert "not both" in capsys.readouterr().err
    help_text = subprocess.run([sys.executable, "-m", "vner", "tag", "--help"], capture_output=True, text=True).stdout
    assert "--format" in help_text and "--state FILE" in help_text and "RSS/Atom" in help_text


def test_pipe_inputs_gives_tagged_items_with_their_metadata():
    from vner.serving.batch import pipe_inputs
    from vner.serving.tagger import Tagger

    docs = list(pipe_inputs(Tagger.from_pretrained(None), [str(FIXTURES / "rss2.xml")], batch_size=8))
    assert [d.id for d in docs][:2] == ["bao-1001", "https://bao.example/tin/1002.html"]
    assert docs[0].meta["published"] == "2017-07-01T01:30:00Z" and docs[0].entities
    assert all(d.text[e.start:e.end] == e.text for d in docs for e in d.entities)


def test_workers_with_state_give_the_same_lines(tmp_path):
    items = [(f"g{n}", TEXTS[n % 4]) for n in range(12)]  # duplicates across chunks and workers
    feed = feed_file(tmp_path / "feed.xml", items)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    tag([feed], one, state=tmp_path / "s1.jsonl", chunk_size=3)
    summary = tag([feed], two, state=tmp_path / "s2.jsonl", chunk_size=3, workers=2)
    assert summary.duplicates == 8
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert (tmp_path / "s1.jsonl").read_text() == (tmp_path / "s2.jsonl").read_text()


def test_a_duplicate_of_a_text_whose_tagging_failed_is_an_error_not_a_link(tmp_path, monkeypatch):
    from vner.model.document import Document
    from vner.serving import batch

    real = batch.tag_documents

    def failing_on_a(tagger, docs, batch_size=1):
        return [Document(d.id, d.text, error="tagging failed: boom") if d.id == "a" else d
                for d in real(tagger, docs, batch_size)]

    monkeypatch.setattr(batch, "tag_documents", failing_on_a)
    out, state = tmp_path / "out.jsonl", tmp_path / "state.jsonl"
    summary = tag([feed_file(tmp_path / "f.xml", [("a", TEXTS[0]), ("b", TEXTS[0])])], out, state=state,
                  chunk_size=1)
    assert (summary.errors, summary.duplicates) == (2, 0)
    assert lines_of(out)[1]["error"] == "duplicate of a, whose tagging failed"
    assert not state.read_text()  # both are tried again next run
