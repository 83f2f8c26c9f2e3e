"""Feed and page throughput: items/s through the readers alone and through reader + tagger, and memory.

Builds, in a temporary folder, from ``../shared/data/news_mixed_feed.jsonl.gz``:

- an RSS 2.0 feed of every article (``--repeat`` times over, with new guids each time),
  the body as escaped HTML paragraphs in ``<description>``, every other item also with a
  ``<content:encoded>`` CDATA copy, as news sites publish them;
- ``--pages`` HTML article pages with menus, related links and a footer around the article.

Then reports:

- reader only: feed items/s and pages/s, and the process's peak resident memory before and
  after reading the feed (flat when items are streamed one at a time);
- reader + tagger (the default model, ``vner tag``'s own path): items/s on a feed of the
  first ``--tag-limit`` articles and on the pages, against the tagger alone on the same texts;
- an incremental re-run with ``--state``: every item skipped, items/s.

    OMP_NUM_THREADS=1 python benchmarks/feed_throughput.py [--repeat 5] [--pages 200] [--tag-limit 300]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from vner.serving.batch import pipe_documents, pipe_inputs, tag_inputs
from vner.serving.readers import iter_inputs
from vner.serving.tagger import Tagger

REPO = Path(__file__).resolve().parents[1]
FEED = REPO.parent / "shared" / "data" / "news_mixed_feed.jsonl.gz"


def read_articles() -> list[dict]:
    with gzip.open(FEED, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def paragraphs(text: str) -> list[str]:
    """Body paragraphs: the text without its first line (the title)."""
    return [line for line in text.splitlines()[1:] if line.strip()]


def rss_item(article: dict, guid: str, n: int) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(article["text"]))
    content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if n % 2 else ""
    return (f"<item><title>{html.escape(article['title'])}</title><link>https://bao.example/{guid}.html</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>Sat, 01 Jul 2017 {n % 24:02d}:00:00 +0700</pubDate>'
            f"<description>{html.escape(body)}</description>{content}</item>\n")


def write_feed(articles: list[dict], repeat: int, path: Path) -> int:
    """The RSS file, written item by item; returns the number of items."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                     'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Tin</title>\n')
        n = 0
        for round_ in range(repeat):
            for article in articles:
                handle.write(rss_item(article, f"{article['id']}-{round_}", n))
                n += 1
        handle.write("</channel></rss>\n")
    return n


def page(article: dict) -> str:
    title = html.escape(article["title"])
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(article["text"]))
    menu = "".join(f'<li><a href="/{s}">{s}</a></li>' for s in ("Thời sự", "Thế giới", "Kinh doanh", "Thể thao"))
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Báo</title>'
            f'<link rel="canonical" href="https://bao.example/{article["id"]}.html">'
            '<meta property="article:published_time" content="2017-07-01T08:00:00+07:00">'
            f"<script>window.ads=[];</script></head><body><nav><ul>{menu}</ul></nav><article><h1>{title}</h1>"
            f"{body}</article><aside><h3>Tin liên quan</h3><ul>{menu}</ul></aside>"
            "<footer><p>Bản quyền © Báo. Giấy phép số 123/GP-BTTTT.</p></footer></body></html>")


def peak_rss_mb() -> float:
    """The process's resident high-water mark (Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def timed_count(docs: Iterator) -> tuple[int, int, float]:
    started = time.perf_counter()
    count = errors = 0
    for doc in docs:
        count += 1
        errors += doc.error is not None
    return count, errors, time.perf_counter() - started


def bench_readers(feed: Path, pages: Path) -> None:
    before = peak_rss_mb()
    items, errors, seconds = timed_count(iter_inputs([str(feed)]))
    after = peak_rss_mb()
    size = feed.stat().st_size / 1e6
    print(f"reader, RSS feed: {items} items ({size:.1f} MB) in {seconds:.1f} s = {items / seconds:.0f} items/s, "
          f"{errors} errors; peak RSS {before:.0f} MB before, {after:.0f} MB after (+{after - before:.1f} MB)")
    count, errors, seconds = timed_count(iter_inputs([str(pages)]))
    print(f"reader, HTML pages: {count} pages in {seconds:.1f} s = {count / seconds:.0f} pages/s, {errors} errors")


def bench_tagging(articles: list[dict], pages: Path, limit: int, tmp: Path) -> None:
    head = tmp / "head.xml"
    write_feed(articles[:limit], 1, head)
    docs = list(iter_inputs([str(head)]))
    tagger = Tagger.from_pretrained(None)
    tagger.predict([doc.text for doc in docs[:4]])  # warm-up
    # Best of two, each way: the machine is shared.
    alone = min(seconds(lambda: list(pipe_documents(tagger, docs))) for _ in range(2))
    both = min(seconds(lambda: list(pipe_inputs(tagger, [str(head)]))) for _ in range(2))
    print(f"tagger alone (default model) on the {len(docs)} items, already read: {len(docs) / alone:.1f} items/s")
    print(f"reader + the same tagger: {len(docs) / both:.1f} items/s; reading takes {1 - alone / both:.1%} of the time")
    for name, source in (("RSS feed", head), ("HTML pages", pages)):
        summary = tag_inputs([str(source)], tmp / "out.jsonl", progress=False)
        rate = summary.documents / summary.seconds
        print(f"vner tag's path (model load included), {name}: {summary.documents} items in {summary.seconds:.1f} s "
              f"= {rate:.1f} items/s ({summary.errors} errors)")
    state = tmp / "state.jsonl"
    tag_inputs([str(head)], tmp / "first.jsonl", state=state, progress=False)
    again = tag_inputs([str(head)], tmp / "again.jsonl", state=state, progress=False)
    print(f"incremental re-run with --state: {again.skipped} skipped, {again.documents} tagged, in "
          f"{again.seconds:.2f} s, model load included")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="times the 2,000 articles go into the feed (default 1)")
    parser.add_argument("--pages", type=int, default=200, help="HTML pages (default 200)")
    parser.add_argument("--tag-limit", type=int, default=300, help="items tagged for reader + tagger (default 300)")
    args = parser.parse_args()

    articles = read_articles()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        feed = tmp / "feed.xml"
        items = write_feed(articles, args.repeat, feed)
        pages = tmp / "pages"
        pages.mkdir()
        for article in articles[: args.pages]:
            (pages / f"{article['id']}.html").write_text(page(article), encoding="utf-8")
        print(f"synthetic feed: {items} items from {FEED.name} ({feed.stat().st_size / 1e6:.1f} MB), "
              f"{args.pages} HTML pages")
        bench_readers(feed, pages)
        bench_tagging(articles, pages, args.tag_limit, tmp)


if __name__ == "__main__":
    main()
