"""Weak labels from raw documents: labelling functions, their aggregation, and the public API.

The labeller reads a document the way the annotation guide does, with small
named rules instead of a model:

* **Entity labelling functions** (``lf_*``) look at one sentence (character
  offsets into the document; no word segmentation) and vote for typed spans:
  gazetteers (provinces, countries, ministries, central bodies, titles),
  patterns (document codes, dates) and constructions (a title followed by a
  body and a name, a byline at the end of an article…).
* **Aggregation** turns the overlapping, sometimes conflicting votes into flat,
  non-overlapping spans: every labelling function has an accuracy (how often
  its votes are right) and a priority (how specific it is). Votes for the same
  span add up as log-odds (a weighted majority vote, naive-Bayes style); among
  overlapping spans the most specific, then the best supported, wins. The
  winner's posterior is its ``Entity.score``. Two of the guide's span conventions
  then apply to the winners: an ORG takes in the abbreviation bracketed after it
  (``Tập đoàn Điện lực Việt Nam (EVN)``), a DATE its qualifier (``cuối năm 2017``).
* **Relation labelling functions** (``rf_*``) read the aggregated entities of
  one sentence and the words between them (``Chức vụ + Cơ quan + Tên``,
  ``DOC ngày …``, ``giữa A và B``, ``X (Y)`` …). Their votes are combined the
  same way; ``Relation.score`` is the combined accuracy times the weaker end's
  entity score.

Labels are only ever named through :mod:`vner.model.schema`.

The rules make the silver labels a model is trained on (``vner label``, :mod:`vner.training.weak`)
and, for a model whose config asks for them, run beside it at prediction time
(:func:`vner.model.decode.merge_rules`). Public API: :class:`WeakLabeller`,
:func:`label_document`, :func:`label_documents` and :func:`annotate`.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Callable, Iterable, Iterator, Sequence

from vner.model import gazetteers as gz
from vner.model.document import Document, Entity, Relation
from vner.model.gazetteers import fold
from vner.model.normalize import NormalizedText, normalize
from vner.model.schema import RELATION_SIGNATURES, EntityType, RelationType, is_allowed
from vner.model.text import sentence_index, split_sentences

log = logging.getLogger(__name__)

PER, ORG, LOC, POS, DOC, DATE = (EntityType.PER, EntityType.ORG, EntityType.LOC,
                                 EntityType.POS, EntityType.DOC, EntityType.DATE)
Span = tuple[int, int]

# --- character classes and small regex helpers -------------------------------------------------
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isalpha() and c.isupper())
_LOWER = "".join(c for c in map(chr, range(0x61, 0x1F00)) if c.isalpha() and c.islower())
_L = r"[^\W\d_]"  # one letter
_CAPW = rf"[{_UPPER}][^\W_]*"  # a capitalised word (may hold digits: Km3)
# A hyphen followed by a lower-case letter joins the syllables of a transliterated name: ``Xy-ri``, ``La-vrốp``.
_HYPHEN_SYLLABLE = rf"-[{_LOWER}][^\W_]*"
# "St.Petersburg": an abbreviated first word glued by its dot is part of the name.
_WORD = re.compile(rf"(?:(?<![^\W_.])(?:St|Ft|Mt)\.(?=[{_UPPER}]))?[^\W_]+(?:{_HYPHEN_SYLLABLE})*")
_EDGE_L = rf"(?<!{_L})"  # no letter just before
_EDGE_R = rf"(?!{_L})"  # no letter just after


def _alt(items: Iterable[str]) -> str:
    """A regex alternation of literal strings, longest first."""
    return "|".join(re.escape(s) for s in sorted(set(items), key=len, reverse=True))


def _rx(pattern: str, flags: int = 0) -> re.Pattern:
    """Compile a pattern written in current-style spelling, folded like the text it runs on."""
    return re.compile(fold(pattern), flags)


def _trie(items: Iterable[str]) -> str:
    """A regex matching the same literal strings as :func:`_alt`, as a trie of their characters.

    Shared prefixes are tested once, which makes a gazetteer of hundreds of names scan ~9× faster;
    at each node the longer continuation is tried first, so it matches what the longest-first
    alternation matches (case-sensitive literals: two branches never match the same text).
    """
    root: dict = {}
    for item in set(items):
        node = root
        for char in item:
            node = node.setdefault(char, {})
        node[""] = {}  # an item ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = f"(?:{body})?" if len(body) > 1 else body + "?"
        return body

    return pattern(root)


def _gazetteer(items: Iterable[str]) -> re.Pattern:
    """The whole-word occurrences of any of ``items`` (literal, case-sensitive)."""
    return re.compile(rf"{_EDGE_L}(?:{_trie(items)}){_EDGE_R}")


def _is_cap(word: str) -> bool:
    return word[:1] in _UPPER_SET


_UPPER_SET = frozenset(_UPPER)


# --- sentences ---------------------------------------------------------------------------------
@dataclass
class Sentence:
    """One sentence of a document as labelling functions see it.

    ``text`` is the sentence in :func:`~vner.model.gazetteers.fold`-ed form (same
    length as the original); functions return offsets local to it. ``start`` is
    its offset in the document, ``line_start``/``line_end`` say whether it opens or
    closes its line, ``index`` and ``count`` place it in the document.
    """

    text: str
    start: int = 0
    index: int = 0
    count: int = 1
    line_start: bool = True
    line_end: bool = True
    line_no: int = 0
    last_line: bool = True

    @classmethod
    def of(cls, text: str) -> Sentence:
        """A stand-alone sentence (for tests and examples)."""
        return cls(fold(text))

    @cached_property
    def words(self) -> list[Span]:
        return [m.span() for m in _WORD.finditer(self.text)]

    @cached_property
    def word_at(self) -> dict[int, int]:
        """Word index by start offset."""
        return {s: i for i, (s, _) in enumerate(self.words)}

    def word(self, i: int) -> str:
        s, e = self.words[i]
        return self.text[s:e]

    def gap(self, i: int) -> str:
        """The text between word ``i - 1`` and word ``i``."""
        return self.text[self.words[i - 1][1] : self.words[i][0]]

    def next_word(self, offset: int) -> int | None:
        """Index of the first word starting at or after ``offset`` with only spaces before it."""
        j = offset
        while j < len(self.text) and self.text[j] == " ":
            j += 1
        return self.word_at.get(j)


# --- labelling functions: registry -------------------------------------------------------------
EntityVote = tuple[int, int, EntityType]


@dataclass(frozen=True)
class LabellingFunction:
    """A named rule with the accuracy and priority the aggregation gives its votes."""

    name: str
    func: Callable
    accuracy: float
    priority: int

    @property
    def weight(self) -> float:
        """Log-odds of a vote being right."""
        return math.log(self.accuracy / (1.0 - self.accuracy))


ENTITY_FUNCTIONS: list[LabellingFunction] = []
DOCUMENT_FUNCTIONS: list[LabellingFunction] = []
RELATION_FUNCTIONS: list[LabellingFunction] = []


def _register(registry: list[LabellingFunction], accuracy: float, priority: int = 0):
    def wrap(func):
        registry.append(LabellingFunction(func.__name__, func, accuracy, priority))
        return func

    return wrap


def entity_lf(accuracy: float, priority: int):
    """Register a sentence-level entity labelling function."""
    return _register(ENTITY_FUNCTIONS, accuracy, priority)


def document_lf(accuracy: float, priority: int):
    """Register a document-level entity labelling function (sees every sentence and earlier votes)."""
    return _register(DOCUMENT_FUNCTIONS, accuracy, priority)


def relation_lf(accuracy: float):
    """Register a relation labelling function."""
    return _register(RELATION_FUNCTIONS, accuracy)


# --- compiled gazetteers -----------------------------------------------------------------------
@cache
def _places() -> re.Pattern:
    """Provinces, countries and regions (bare names; not ``Hồ Chí Minh``, a person's name too)."""
    return _gazetteer(n for n in gz.PROVINCES + gz.COUNTRIES if n not in gz.PERSON_OR_PLACE)


@cache
def _unit_places() -> re.Pattern:
    """Provinces, countries and regions after a unit word (``TP Hồ Chí Minh``)."""
    return _gazetteer(gz.PROVINCES + gz.COUNTRIES)


@cache
def _district_names() -> frozenset[str]:
    """Vietnam's district-level names (underthesea's table), provinces' names left out."""
    return frozenset(gz.admin_units_table()["districts"]) - frozenset(gz.PROVINCES)


@cache
def _districts() -> re.Pattern | None:
    names = _district_names()
    return _gazetteer(names) if names else None


@cache
def _dictionary() -> frozenset[str]:
    """Lower-case multi-syllable Vietnamese words (underthesea's Viet74K list), if installed."""
    path = gz.underthesea_file("corpus", "data", "Viet74K.txt")
    if path is None:
        return frozenset()
    try:
        words = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(fold(w.strip().lower()) for w in words if " " in w.strip())


_NAME_WORDS = frozenset(w.lower() for w in gz.ORG_NAME_WORDS)
_NAME_WORD_MAX = max(len(w.split()) for w in _NAME_WORDS)
_NAME_WORD_TOKENS = frozenset(t for w in _NAME_WORDS for t in w.split())
_COMPANY_FORM_TOKENS = frozenset(t for f in gz.COMPANY_FORMS for t in f.split())
_SURNAMES = frozenset(gz.SURNAMES)
_MIDDLES = frozenset(gz.MIDDLE_NAMES)
_NOT_NAME = frozenset(gz.NOT_NAME_WORDS) - _SURNAMES
_PLACE_SET = frozenset(gz.PROVINCES + gz.COUNTRIES) - frozenset(gz.PERSON_OR_PLACE)
_OPENERS = frozenset(gz.OPENERS)
_AMBIGUOUS_COUNTRY_SET = frozenset(gz.AMBIGUOUS_COUNTRIES)

_ADMIN_UNIT = _rx(rf"{_EDGE_L}(?:{_alt(gz.ADMIN_UNITS)}){_EDGE_R}")
_PORTFOLIO_RX = re.compile(rf"(?i:{_alt(gz.PORTFOLIOS)}){_EDGE_R}")
_ABBR = rf"[{_UPPER}][{_UPPER}&]*(?:[-–][{_UPPER}&]+)*"  # NN-PTNT, KH&CN, TN-MT
_ABBR_RX = re.compile(rf"{_ABBR}(?![^\W_])")
_BRACKET_ABBR = re.compile(rf" ?\((?:{_ABBR})(?: [{_UPPER}][^\W_]*)*\)")
_CENTRAL_RX = _gazetteer(gz.CENTRAL_BODIES)
_PUBLIC_HEAD_RX = re.compile(rf"{_EDGE_L}(?:{_alt(gz.PUBLIC_HEADS)}){_EDGE_R}")
_COMPANY_HEAD_RX = re.compile(rf"{_EDGE_L}(?:{_alt(gz.COMPANY_HEADS)}){_EDGE_R}")
_BODY_WORD_RX = re.compile(rf"(?:{_alt(gz.PARTY_BODY_WORDS)}){_EDGE_R}")
_COMPANY_FORM_RX = re.compile(rf"(?:{_alt(gz.COMPANY_FORMS)}){_EDGE_R}")
_MINISTRY_RX = _rx(rf"{_EDGE_L}(?:Bộ|Sở) ")
# Heads that never stand for a body without a capitalised name right after them.
_WEAK_HEADS = frozenset(fold(h) for h in ("Ban", "Hội", "Đài", "Phòng", "Quỹ", "Viện", "Trung tâm", "Văn phòng",
                                          "Hội đồng", "Ủy ban", "Trường", "Báo", "Tạp chí", "Cảnh sát", "Liên đoàn",
                                          "Câu lạc bộ", "Giáo hội",
                                          "Liên minh", "Nhà máy", "Vụ", "Cục", "Chi cục", "Tổng cục", "Tổ chức",
                                          "Đại sứ quán", "Tổng Lãnh sự quán", "Lãnh sự quán", "Phái đoàn",
                                          "Cơ quan đại diện", "Học viện", "Bệnh viện", "Đại học", "Hiệp hội",
                                          "Trường Đại học", "Trường Cao đẳng", "Ban Quản lý", "Đài",
                                          # military units: "Lữ đoàn 28", "Sư đoàn Bộ binh 5", not "Sư đoàn" alone
                                          "Quân đoàn", "Binh đoàn", "Sư đoàn", "Lữ đoàn", "Trung đoàn", "Tiểu đoàn",
                                          "Đại đội", "Hải đoàn", "Hải đội", "Hạm đội", "Quân chủng",
                                          "Binh chủng")) | frozenset(
    fold(h) for h in gz.PUBLIC_HEADS if h.startswith(("Trường ", "Ngân hàng Nhà nước chi")))
# Heads that are also verbs or common words at the start of a sentence ("Tổ chức hội nghị …").
_MIDSENTENCE_HEADS = frozenset(fold(h) for h in ("Tổ chức",))
# Heads whose name may open with lower-case name words when written mid-sentence.
_LEAD_WORD_HEADS = frozenset(fold(h) for h in ("Trung tâm", "Ban", "Viện", "Hội đồng", "Ủy ban", "Quỹ", "Cục", "Vụ",
                                               "Tổng cục", "Chi cục", "Văn phòng", "Phòng"))


# --- name growth (shared by entity functions and constructions) --------------------------------
def _person_run(sent: Sentence, i: int, min_len: int = 2, max_len: int = 4) -> int | None:
    """End word index (exclusive) of a full personal name starting at word ``i``, or ``None``.

    A name is 2–4 capitalised words joined by single spaces, starting with a known
    surname, and ending the capitalised run (the next word is not capitalised).
    """
    if i >= len(sent.words) or sent.word(i) not in _SURNAMES:
        return None
    j = i + 1
    while j < len(sent.words) and sent.gap(j) == " " and _is_cap(sent.word(j)) and sent.word(j) not in _OPENERS \
            and not (sent.word(j).isupper() and len(sent.word(j)) > 1):
        j += 1
    if not min_len <= j - i <= max_len:
        return None
    if sent.text[sent.words[i][0] : sent.words[j - 1][1]] in _PLACE_SET:
        return None
    return j


def _opens_word(sent: Sentence, start: int, end: int) -> bool:
    """Whether the one-word country at ``start:end`` opens a common word with the lower-case
    syllable after it: ``Vụ Pháp chế``, ``Mỹ phẩm``, ``Nhật ký``; not ``Pháp và Đức``."""
    if sent.text[start:end] not in _AMBIGUOUS_COUNTRY_SET:
        return False
    m = re.match(rf" ([{_LOWER}]+)(?![^\W_])", sent.text[end : end + 12])
    return bool(m) and f"{sent.text[start:end].lower()} {m.group(1)}" in _dictionary()


def _place_at(sent: Sentence, offset: int) -> int | None:
    """End offset of a known place name (province, country, district) starting at ``offset``."""
    m = _places().match(sent.text, offset)
    if m:
        return None if _opens_word(sent, offset, m.end()) else m.end()
    districts = _districts()
    if districts is not None:
        m = districts.match(sent.text, offset)
        if m and _ends_run(sent, m.end()):
            return m.end()
    return None


def _place_ends(sent: Sentence, offset: int) -> bool:
    """Whether a place name may end at ``offset``: the capitalised run ends, or a person's name
    follows (``UBND TP Hà Nội Nguyễn Đức Chung``); not ``Mỹ`` in ``huyện Mỹ Đức``."""
    if _ends_run(sent, offset):
        return True
    nxt = sent.next_word(offset)
    return nxt is not None and _likely_person(sent, nxt)


def _likely_person(sent: Sentence, i: int) -> bool:
    """Whether the capitalised run at word ``i`` is surely a person's full name: a surname, a
    middle name and a given name (or four words), ending the run. ``xã Đồng Tâm`` is a place."""
    j = _person_run(sent, i, min_len=3, max_len=4)
    return j is not None and j == _cap_run_end(sent, i, max_words=8) and (
        j - i == 4 or sent.word(i + 1) in _MIDDLES)


def _ends_run(sent: Sentence, offset: int) -> bool:
    """Whether no capitalised word continues right after ``offset``."""
    nxt = sent.next_word(offset)
    return nxt is None or sent.gap(nxt) != " " or not _is_cap(sent.word(nxt))


def _cap_run_end(sent: Sentence, i: int, max_words: int = 5, allow_digits: bool = False) -> int:
    """Word index just after the capitalised run starting at word ``i`` (joined by single spaces)."""
    j = i
    while j < len(sent.words) and j - i < max_words:
        w = sent.word(j)
        if not (_is_cap(w) or (allow_digits and w[0].isdigit())):
            break
        if j > i and (sent.gap(j) != " " or w in _OPENERS):
            break
        j += 1
    return j


def _whole_cap_run(sent: Sentence, i: int, max_words: int = 4) -> int | None:
    """End word index of the capitalised run starting at word ``i`` when the whole run has at most
    ``max_words`` words (not the start of a longer one), else ``None``."""
    j = _cap_run_end(sent, i, max_words=max_words)
    return j if _cap_run_end(sent, i, max_words=max_words + 2) == j else None


def _admin_place_at(sent: Sentence, offset: int) -> int | None:
    """End offset of ``unit word [+ name]`` (``tỉnh``, ``tỉnh Quảng Ninh``, ``TP. Hải Phòng``)."""
    m = _ADMIN_UNIT.match(sent.text, offset)
    if not m:
        return None
    end = m.end()
    j = end + 1 if sent.text[end : end + 1] == "." else end
    nxt = sent.next_word(j)
    if nxt is not None and sent.words[nxt][0] - j <= 1:
        place = _unit_places().match(sent.text, sent.words[nxt][0])
        if place and _place_ends(sent, place.end()):
            return place.end()
        districts = _districts()
        place = districts.match(sent.text, sent.words[nxt][0]) if districts is not None else None
        if place and _ends_run(sent, place.end()):
            return place.end()
        if _likely_person(sent, nxt):
            return end  # "UBND TP Lê Văn Khoa": the name is a person's
        w = sent.word(nxt)
        if _is_cap(w) or w.isdigit():
            stop = _name_end(sent, nxt, allow_digits=True)
            if stop > nxt:
                return sent.words[stop - 1][1]
    return end


def _name_end(sent: Sentence, i: int, allow_digits: bool = False, max_words: int = 4) -> int:
    """End word index of a place or body name starting at word ``i``: a capitalised run,
    cut before a trailing personal name (``huyện Tuy Phước Nguyễn Văn A``)."""
    j = _cap_run_end(sent, i, max_words=max_words, allow_digits=allow_digits)
    if _person_run(sent, i) == j:
        return j  # the whole name is a person's: "nút giao Nguyễn Thái Sơn", not "Nguyễn" + "Thái Sơn"
    for k in range(i + 1, j):
        if _person_run(sent, k) == _cap_run_end(sent, k, max_words=8):
            return k
    return j


def _compound_end(sent: Sentence, i: int) -> int:
    """End word index of the word starting at capitalised word ``i`` completed by lower-case
    syllables into a dictionary or name word (``Kế hoạch``, ``Xuất nhập khẩu``)."""
    best = i + 1
    lowered = sent.word(i).lower()
    dictionary = _dictionary()
    for k in range(i + 1, min(i + 4, len(sent.words))):
        w = sent.word(k)
        if sent.gap(k) != " " or _is_cap(w) or w[0].isdigit():
            break
        lowered += " " + w
        if lowered in _NAME_WORDS or lowered in dictionary:
            best = k + 1
    return best


def _name_word_end(sent: Sentence, i: int) -> int:
    """End word index of a lower-case organisation-name word at ``i`` (``thương mại``), or ``i``."""
    best = i
    phrase = ""
    for k in range(i, min(i + _NAME_WORD_MAX, len(sent.words))):
        w = sent.word(k)
        if _is_cap(w) or (k > i and sent.gap(k) not in (" ", ", ")):
            break
        phrase = w if k == i else phrase + sent.gap(k) + w
        if phrase.lower() in _NAME_WORDS:
            best = k + 1
    return best


_RX_QUANTITY = _rx(r"(?:[.,]\d+)* ?(?:triệu|tỷ|tỉ|nghìn|ngàn|đồng|USD|%|người|ha|km|m2|tấn|lần|năm|tháng|ngày|"
                   r"giờ|phút|tuổi|căn|dự án|hộ|xã|huyện|tỉnh)(?![^\W_])")
_RX_ABBR_JOIN = re.compile(rf"(?:[-–&][{_UPPER}]+)+(?![^\W_])")


# Lower-case words that never belong to a body's name: they link the body to the rest of the sentence.
_LINK_WORDS = frozenset(fold(w) for w in (
    "với", "và", "của", "tại", "ở", "cho", "đã", "sẽ", "đang", "là", "có", "được", "bị", "về", "từ", "đến", "tới",
    "theo", "trong", "ngoài", "như", "các", "những", "này", "đó", "thuộc", "cùng", "do", "vì", "để", "khi", "thì",
    "mà", "nhưng", "hay", "hoặc", "trên", "dưới", "vào", "ra", "lên", "qua", "không", "chưa", "vừa", "mới", "cũng",
    "phải", "cần", "nên", "rằng", "gồm", "lẫn", "cả", "mỗi", "toàn", "thăm", "làm", "họp", "kiểm", "giao"))


def _lower_run_place(sent: Sentence, i: int, max_words: int = 2) -> int | None:
    """End offset of a named place right after 1–``max_words`` plain lower-case words at word ``i``,
    which then finish a body's name: ``Trung tâm Y tế dự phòng tỉnh Nghệ An``, ``Hiệp hội Mắc ca
    Việt Nam``; not ``Sở Y tế với tỉnh Nghệ An`` (a linking word)."""
    for k in range(i, min(i + max_words, len(sent.words))):
        w = sent.word(k)
        if _is_cap(w) or not w.isalpha() or w in _LINK_WORDS or sent.gap(k) != " " or _ADMIN_UNIT.fullmatch(w):
            return None
        nxt = k + 1
        if nxt >= len(sent.words) or sent.gap(nxt) != " ":
            return None
        start = sent.words[nxt][0]
        admin = _admin_place_at(sent, start)
        if admin is not None and admin > sent.words[nxt][1]:
            return admin
        place = _place_at(sent, start)
        if place is not None and _place_ends(sent, place) and sent.text[start:place] in gz.COUNTRIES:
            return place
    return None


def _org_name_end(sent: Sentence, offset: int, public: bool, need_name: bool, lead_words: bool = False,
                  allow_number: bool = False) -> int | None:
    """End offset of an organisation name whose head ends at ``offset``.

    The name grows over capitalised words (each completed into a compound word:
    ``Kế hoạch``), known lower-case name words (``thương mại``), body words
    (``Tỉnh ủy``, ``Trung ương``), numbers, one bracketed abbreviation and, for
    public bodies, a place (``tỉnh Quảng Ninh``, ``Long An``), which ends it. It
    stops before a trailing personal name, before another ministry (``Vụ Kế hoạch
    Bộ Công Thương`` is two bodies) and, for companies, before a locating place
    (``… tỉnh Long An``). With ``lead_words`` the name may open with lower-case
    name words (``Trung tâm hỗ trợ phát triển công nghiệp hỗ trợ``) if it has two
    of them or a number. ``None`` when a name is needed and there is none.
    """
    end = offset
    strong = False  # a capitalised word, body word, number or place is in the name
    weak = 0  # lower-case name words in the name
    i = sent.next_word(offset)
    while i is not None and sent.words[i][0] - end <= 2 and sent.text[end:sent.words[i][0]].strip() == "":
        start = sent.words[i][0]
        w = sent.word(i)
        named = strong or weak > 0
        place = _place_at(sent, start)
        if place is not None and _place_ends(sent, place) and (public or named):
            pair = _country_pair().match(sent.text, start)  # "Hội Hữu nghị Nhật-Việt"
            return pair.end() if pair and pair.end() > place else place
        body = _BODY_WORD_RX.match(sent.text, start)
        if body and not sent.text.startswith(" viên", body.end()):
            if named and sent.text[:start].endswith((" và ", ", ")):
                break  # a list of bodies: "Ngân hàng Liên Việt và UBND huyện Hướng Hóa"
            end, strong = body.end(), True
            i = sent.next_word(end)
            continue
        if public:
            admin = _admin_place_at(sent, start)
            if admin is not None:
                return admin
        elif _ADMIN_UNIT.match(sent.text, start) and named:
            break
        if _is_cap(w):
            if (named or not need_name) and _person_run(sent, i) == _cap_run_end(sent, i, max_words=8):
                break  # a person's name follows the body
            if named and w in ("Bộ", "Sở") and i + 1 < len(sent.words) and _is_cap(sent.word(i + 1)):
                break  # another body
            if named and sent.text[:start].endswith((" và ", ", ")) and (
                    _PUBLIC_HEAD_RX.match(sent.text, start) or _COMPANY_HEAD_RX.match(sent.text, start)):
                break  # a list of bodies: "Tổng cục Năng lượng và Tập đoàn Điện lực Việt Nam"
            stop = _compound_end(sent, i)
            end, strong = sent.words[stop - 1][1], True
            joined = _RX_ABBR_JOIN.match(sent.text, end) if w.isupper() else None
            if joined:  # "Đài PT-TH Nghệ An", "Sở VH&TT"
                end = joined.end()
                stop = sent.word_at.get(sent.words[stop - 1][0], stop - 1) + 1
                while stop < len(sent.words) and sent.words[stop][0] < end:
                    stop += 1
            if public:
                end = _name_joint(sent, end)
            i = stop if stop < len(sent.words) else None
            continue
        if w[0].isdigit():
            if not named and need_name and not (lead_words or allow_number):
                break
            if _RX_QUANTITY.match(sent.text, sent.words[i][1]):
                break  # "Công ty TDS 40 triệu đồng": a quantity, not a name
            end, strong = sent.words[i][1], True
            i = i + 1 if i + 1 < len(sent.words) else None
            continue
        if not public and strong and i > 0 and _is_cap(sent.word(i - 1)) and \
                sent.word(i - 1).lower() not in _NAME_WORD_TOKENS and sent.word(i - 1) not in _COMPANY_FORM_TOKENS:
            # a company's proper name ends it: "Công ty Cường Hưng [kinh doanh]"; not a trade word or legal
            # form before it: "Công ty Đầu tư phát triển", "Công ty CP khoáng sản Minh Long"
            break
        if named or lead_words:
            stop = _name_word_end(sent, i)
            if stop > i:
                end = sent.words[stop - 1][1]
                weak += 1
                i = stop if stop < len(sent.words) else None
                continue
        if public and strong:
            place = _lower_run_place(sent, i)
            if place is not None:
                return place
        if not public:
            form = _COMPANY_FORM_RX.match(sent.text, start)
            if form:
                end = form.end()
                i = sent.next_word(end)
                continue
        break
    if not strong and weak < 2:
        if need_name:
            return None
    if public:
        # a bracketed abbreviation inside the name, followed by its place or the rest of the name:
        # "(TN-MT) tỉnh Thanh Hóa", "Ủy ban Kiểm tra (UBKT) Trung ương"
        m = _BRACKET_ABBR.match(sent.text, end)
        if m:
            nxt = sent.next_word(m.end())
            if nxt is not None and sent.words[nxt][0] == m.end() + 1:
                start = sent.words[nxt][0]
                after = _admin_place_at(sent, start) or _place_at(sent, start)
                body = _BODY_WORD_RX.match(sent.text, start)
                if after:
                    return after
                if body:
                    return body.end()
    # drop a trailing joiner
    end = len(sent.text[:end].rstrip(" -–&"))
    while sent.text[:end].endswith((" và", ",")):
        end = sent.text.rindex(" ", 0, end) if sent.text[:end].endswith(" và") else end - 1
    if end == offset and not need_name:
        return offset
    return end if end > offset else None


_RX_NAME_JOINT = re.compile(rf" ?[-–&] ?(?=[{_UPPER}])")


def _name_joint(sent: Sentence, end: int) -> int:
    """Where a department's compound name goes on after a dash or an ampersand, or ``end``: ``Phòng Kế
    hoạch – Tài chính``, ``Bộ Kế hoạch & Đầu tư``, ``Phòng NN & PTNT``; not before another body, a title, a place
    or a body's acronym (``Vụ Kế hoạch – Bộ Công Thương``, ``Ban Pháp chế - HĐND tỉnh``)."""
    m = _RX_NAME_JOINT.match(sent.text, end)
    if not m:
        return end
    start = m.end()
    i = sent.word_at.get(start)
    if i is None or _person_run(sent, i) is not None or _place_at(sent, start) is not None:
        return end
    if sent.word(i).isupper() and "&" not in m.group():
        return end  # "Phòng KHTH - SCT": a dash between acronyms parts two bodies; "NN & PTNT" is one name
    if any(rx.match(sent.text, start) for rx in (_PUBLIC_HEAD_RX, _COMPANY_HEAD_RX, _CENTRAL_RX, _MINISTRY_RX,
                                                 _RX_ORG_ACRONYM, _ADMIN_UNIT, _RX_TITLE)):
        return end
    return start


def _org_at(sent: Sentence, offset: int) -> int | None:
    """End offset of any organisation mention starting at ``offset`` (used by constructions)."""
    ends = [e for (s, e, t) in _org_candidates(sent) if s == offset and t == ORG]
    return max(ends) if ends else None


def _org_candidates(sent: Sentence) -> list[EntityVote]:
    cached = getattr(sent, "_orgs", None)
    if cached is None:
        cached = list(lf_ministry(sent)) + list(lf_central_body(sent)) + list(lf_public_body(sent)) + list(
            lf_company(sent)) + list(lf_org_acronym(sent))
        sent._orgs = cached  # type: ignore[attr-defined]
    return cached


# --- entity labelling functions: dates ---------------------------------------------------------
_YEAR = r"(?:19|20)\d{2}"
_DMY = rf"\d{{1,2}} ?([/.\-]) ?\d{{1,2}} ?\1 ?{_YEAR}"
_DAY_WORD = r"(?:[Nn]gày|NGÀY)(?: mùng| mồng)? "
_RX_FULL_DATE = _rx(rf"(?<![\d/.\-])(?:{_DAY_WORD})?(?:\d{{1,2}}(?: và | - |-|–| – ))?{_DMY}(?![\d/])")
_RX_DAY_WORD_DATE = _rx(
    rf"(?<![\d/.\-]){_DAY_WORD}(?:\d{{1,2}}(?: và | - |-|–| – |, ))?\d{{1,2}} ?[/\-] ?\d{{1,2}}(?![\d/]|-\d)"
    rf"|(?<![\d/.\-]){_DAY_WORD}(?:\d{{1,2}}(?: và | - |-|–| – |, ))?\d{{1,2}}\.\d{{1,2}}(?![\d/]|\.\d|-\d)"
    rf"|(?<![\d/.\-]){_DAY_WORD}\d{{1,2}} tháng \d{{1,2}}(?: năm {_YEAR})?(?!\d)"
)
_DAY_CONTEXT = ("sáng", "chiều", "tối", "trưa", "đêm", "rạng sáng", "từ", "đến", "tới", "trước", "sau", "vào",
                "hôm", "qua", "đầu", "cuối", "giữa", "dịp", "hết", "ngày")
_RX_BARE_DAY_MONTH = _rx(
    rf"(?i:(?<!{_L})(?:{_alt(_DAY_CONTEXT)})) (\d{{1,2}}(?:-| - |–)?\d{{0,2}}/\d{{1,2}}|\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}\.\d{{1,2}}(?!\d|[.,]\d))"
    rf"(?![\d/]|-\d)"
)
_RX_MONTH = _rx(
    rf"(?<!{_L})(?:[Tt]háng|THÁNG) (?:\d{{1,2}}|[Gg]iêng|[Cc]hạp)(?: ?[/.\-] ?{_YEAR}| năm {_YEAR})?(?![\d/])"
    rf"|(?<!{_L})(?:[Qq]uý) (?:I{{1,3}}|IV|[1-4])(?: ?[/.\-] ?{_YEAR}| năm {_YEAR})?(?![\w/])"
)
_NUMBER_WORDS = "một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mười một|mười hai|\\d{1,2}"
_RX_PERIOD = _rx(
    rf"(?<!{_L})(?i:(?:{_NUMBER_WORDS}) tháng(?: đầu| cuối)?(?: năm)?) {_YEAR}(?!\d)"
)
_RX_YEAR = _rx(
    rf"(?<!{_L})(?:[Nn]ăm|NĂM|[Gg]iai đoạn|GIAI ĐOẠN|[Nn]iên độ|[Nn]ăm học) {_YEAR}(?: ?[-–] ?{_YEAR})?(?!\d)"
)
_RX_TERM = _rx(rf"(?<!{_L})(?:[Nn]hiệm kỳ|[Kk]hóa|[Kk]ỳ) ({_YEAR} ?[-–] ?{_YEAR})(?!\d)")
_RX_MONTH_YEAR = _rx(rf"(?<![\d/.\-])(?<!số )(?:\d{{1,2}}/{_YEAR})(?: ?[-–] ?\d{{1,2}}/{_YEAR})?(?![\d/\-])")
_RX_YEAR_RANGE = _rx(rf"(?<![\d/.\-])\(({_YEAR} ?[-–] ?{_YEAR})\)")


def _valid_day_month(span_text: str) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", span_text)]
    if len(numbers) < 2:
        return True
    day, month = numbers[-2], numbers[-1]
    if len(numbers) >= 3 and numbers[-1] > 1000:
        day, month = numbers[-3], numbers[-2]
    return 1 <= day <= 31 and 1 <= month <= 12


@entity_lf(accuracy=0.97, priority=5)
def lf_date_full(sent: Sentence) -> Iterator[EntityVote]:
    """A full numeric date, with a leading ``ngày`` if written.

    ``Ngày 30/5/2019, …`` → DATE ``Ngày 30/5/2019``; ``Thứ Hai, 24/02/2020, 16:07`` →
    ``24/02/2020``; ``ngày 30-3-2013`` and ``22/11/2024Hương Giang`` (glued byline) too.
    """
    for m in _RX_FULL_DATE.finditer(sent.text):
        if _valid_day_month(m.group()):
            yield m.start(), m.end(), DATE


@entity_lf(accuracy=0.93, priority=5)
def lf_date_day(sent: Sentence) -> Iterator[EntityVote]:
    """A day and month after ``ngày`` (its case kept): ``Ngày 25-6``, ``ngày 22/11``,
    ``ngày 11 - 18/6``, ``ngày 5 tháng 6 năm 2019``."""
    for m in _RX_DAY_WORD_DATE.finditer(sent.text):
        if _valid_day_month(m.group()):
            yield m.start(), m.end(), DATE


@entity_lf(accuracy=0.85, priority=5)
def lf_date_bare_day(sent: Sentence) -> Iterator[EntityVote]:
    """A bare day/month after a time word, which stays out: ``Chiều 24/2`` → ``24/2``,
    ``từ 13-15/6`` → ``13-15/6``, ``đêm 15.5`` → ``15.5`` (not ``từ 15.5 triệu``)."""
    for m in _RX_BARE_DAY_MONTH.finditer(sent.text):
        if m.group(1).count("-") == 1 and "/" not in m.group(1) and not m.group(0).lower().startswith(
                ("sáng", "chiều", "tối", "trưa", "đêm", "rạng", "hôm", "ngày")):
            continue  # "từ 1-6" alone is too often a range of numbers
        if "." in m.group(1) and _RX_QUANTITY.match(sent.text, m.end(1)):
            continue  # "từ 15.5 triệu" is an amount
        if _valid_day_month(m.group(1)):
            yield m.start(1), m.end(1), DATE


@entity_lf(accuracy=0.9, priority=5)
def lf_date_month(sent: Sentence) -> Iterator[EntityVote]:
    """A month or quarter: ``tháng 8/2019``, ``tháng 5``, ``tháng 11.2016``, ``quý I/2017``."""
    for m in _RX_MONTH.finditer(sent.text):
        numbers = re.findall(r"\d+", m.group())
        if numbers and m.group().lower().startswith("tháng") and not 1 <= int(numbers[0]) <= 12:
            continue
        yield m.start(), m.end(), DATE


@entity_lf(accuracy=0.9, priority=5)
def lf_date_year(sent: Sentence) -> Iterator[EntityVote]:
    """A year or period with its leading word: ``năm 2030``, ``giai đoạn 2019-2025``,
    ``sáu tháng đầu năm 2021``; after ``nhiệm kỳ``/``khóa`` only the years:
    ``nhiệm kỳ 2021 – 2026`` → ``2021 – 2026``."""
    periods = [m.span() for m in _RX_PERIOD.finditer(sent.text)]
    for s, e in periods:
        yield s, e, DATE
    for m in _RX_YEAR.finditer(sent.text):
        if not any(s <= m.start() < e for s, e in periods):
            yield m.start(), m.end(), DATE
    for rx in (_RX_TERM, _RX_YEAR_RANGE):
        for m in rx.finditer(sent.text):
            yield m.start(1), m.end(1), DATE


_RX_SCALE_BEFORE = _rx(r"(?:quy hoạch|tỷ lệ|tỉ lệ|bản đồ|,) $")


@entity_lf(accuracy=0.8, priority=4)
def lf_date_month_year(sent: Sentence) -> Iterator[EntityVote]:
    """A bare month/year or range of them: ``7/2014 - 10/2017`` (not after ``số``)."""
    for m in _RX_MONTH_YEAR.finditer(sent.text):
        if 1 <= int(m.group().split("/")[0]) <= 12 and not _RX_SCALE_BEFORE.search(sent.text, 0, m.start()):
            yield m.start(), m.end(), DATE


# --- entity labelling functions: documents -----------------------------------------------------
_DOC_KINDS = (
    "Nghị quyết liên tịch", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư liên tịch", "Thông tư", "Chỉ thị",
    "Công văn", "Công điện", "Kết luận", "Kế hoạch hành động", "Kế hoạch liên tịch", "Kế hoạch",
    "Thông báo kết luận", "Thông báo", "Quy định", "Hướng dẫn", "Chương trình hành động", "Đề án", "Luật",
    "Pháp lệnh", "Tờ trình", "Báo cáo", "Thỏa thuận", "Biên bản ghi nhớ", "Bản ghi nhớ", "Hiệp định",
    "Quy chế", "Thông tri", "Văn bản", "Lệnh", "Sắc lệnh", "Chương trình", "Biên bản",
)
_CODE_PART = rf"(?:\d+[a-zđ]?|[{_UPPER}][\w&Đđ.]*)"
_CODE = rf"\d+[a-zA-Z]?(?:(?: ?[/\-–] ?|[/\-–]){_CODE_PART})*"
_RX_DOC_LOOSE = re.compile(
    fold(rf"{_EDGE_L}(?:{_alt(_DOC_KINDS)}|(?i:{_alt(k.lower() for k in _DOC_KINDS)}))(?: [{_LOWER}]+){{1,3}} "
         rf"(?:số|Số) (\d+[a-zA-Z]?(?: ?[/\-–] ?{_CODE_PART})*/{_CODE_PART}(?:[/\-–]{_CODE_PART})*)(?![\w/])")
)
_RX_DOC = re.compile(
    fold(rf"{_EDGE_L}(?:{_alt(_DOC_KINDS)}|(?i:{_alt(k.lower() for k in _DOC_KINDS)})) (?:(?:số|Số) )?({_CODE})"
         r"(?![\w/])")
)


@entity_lf(accuracy=0.95, priority=6)
def lf_document_code(sent: Sentence) -> Iterator[EntityVote]:
    """A document kind word through its number or code.

    ``Kế hoạch số 195/KH-UBND``, ``Nghị quyết 108/NQ-CP``, ``Nghị quyết số 45 –NQ/TW``,
    ``Kết luận số 01-KL/TU/LT``, ``Kế hoạch số 195`` (a short reference with a number);
    a kind word in lower case needs ``số`` or a code with a slash (``quyết định số 12``).
    """
    strict = []
    for m in _RX_DOC.finditer(sent.text):
        code = m.group(1)
        kind_lower = sent.text[m.start()].islower()
        has_so = " số " in m.group().lower() or " Số " in m.group()
        if kind_lower and not (has_so or "/" in code):
            continue
        if not has_so and "/" not in code and "-" not in code and re.fullmatch(_YEAR, code):
            continue  # "Kế hoạch 2019" is a year, not a number
        strict.append(m.span())
        yield m.start(), m.end(), DOC
    for m in _RX_DOC_LOOSE.finditer(sent.text):
        # "quyết định mới nhất số 326/QĐ-UBND": a few words between the kind and a full code
        if not any(s < m.end() and m.start() < e for s, e in strict):
            yield m.start(), m.end(), DOC


# --- entity labelling functions: organisations -------------------------------------------------
@entity_lf(accuracy=0.95, priority=4)
def lf_ministry(sent: Sentence) -> Iterator[EntityVote]:
    """``Bộ``/``Sở`` + a portfolio or its abbreviation, a bracketed abbreviation and, for a
    department, its place: ``Bộ Công Thương``, ``Bộ NN-PTNT``, ``Sở Công Thương Long An``,
    ``Sở Tài nguyên và Môi trường (TN-MT) tỉnh Thanh Hóa``, ``Bộ Ngoại giao Mỹ``."""
    for m in _MINISTRY_RX.finditer(sent.text):
        pos = m.end()
        p = _PORTFOLIO_RX.match(sent.text, pos) or _ABBR_RX.match(sent.text, pos)
        if not p:
            continue
        end = p.end()
        b = _BRACKET_ABBR.match(sent.text, end)
        after = b.end() if b else end
        nxt = sent.next_word(after)
        if nxt is not None and sent.words[nxt][0] - after <= 1:
            start = sent.words[nxt][0]
            place = _admin_place_at(sent, start) if sent.text[m.start()] == "S" else None
            place = place or _place_at(sent, start)
            if place:
                end = place
        yield m.start(), end, ORG


_RX_PARTY_CENTRE = _rx(r" (?:Trung ương Đảng|Trung ương|TƯ|TW)(?![^\W_])")


@entity_lf(accuracy=0.95, priority=4)
def lf_central_body(sent: Sentence) -> Iterator[EntityVote]:
    """A central body or national organisation by name, with a country after it:
    ``Chính phủ``, ``Bộ Chính trị``, ``Ban Chấp hành Trung ương``, ``Quốc hội Cuba``."""
    taken = 0
    for m in _CENTRAL_RX.finditer(sent.text):
        if m.start() < taken:
            continue
        end = m.end()
        party = _RX_PARTY_CENTRE.match(sent.text, end)
        if party and m.group() in ("Ban Bí thư", "Bộ Chính trị", "Ban Chấp hành"):
            end = party.end()
        nxt = sent.next_word(end)
        if nxt is not None and sent.words[nxt][0] == end + 1:
            place = _places().match(sent.text, end + 1)
            if place and place.group() in gz.COUNTRIES:
                end = place.end()
        if m.group() in ("Nhà nước",) and not sent.text[m.start() - 4 : m.start()].endswith("của "):
            continue
        taken = end
        yield m.start(), end, ORG


# A lower-case "ban" after "Trưởng" opens the body the title heads: "Trưởng ban Pháp chế HĐND Hà Nội".
_RX_TITLE_BAN = _rx(rf"(?<=[Tt]rưởng )ban(?= [{_UPPER}])")


@entity_lf(accuracy=0.85, priority=4)
def lf_public_body(sent: Sentence) -> Iterator[EntityVote]:
    """A public body: a head word grown over its name and place.

    ``UBND tỉnh``, ``UBND TP. Hải Phòng``, ``Ban Thường vụ Tỉnh ủy Quảng Ninh``,
    ``Vụ Chính sách thương mại đa biên``, ``Ủy ban Kiểm tra Thành ủy Hà Nội``,
    ``Ban chỉ đạo 389``, ``Trung tâm Xúc tiến thương mại``; a bare ``UBND`` too.
    """
    taken = 0
    inside_place = [m.span() for m in _places().finditer(sent.text)]
    for m in _PUBLIC_HEAD_RX.finditer(sent.text):
        if m.start() < taken or any(s < m.start() < e for s, e in inside_place):
            continue
        head = m.group()
        if head in ("Bộ", "Sở") and (_PORTFOLIO_RX.match(sent.text, m.end() + 1) or _ABBR_RX.match(
                sent.text, m.end() + 1)):
            continue  # lf_ministry
        if sent.text[m.start()].islower() or (m.start() == 0 and head in _MIDSENTENCE_HEADS):
            continue
        # a head of several words names a body by itself ("Ban Nội chính", "Ban Thường vụ")
        need_name = head in _WEAK_HEADS or (head not in gz.STANDALONE_HEADS and " " not in head)
        lead = m.start() > 0 and head in _LEAD_WORD_HEADS
        end = _org_name_end(sent, m.end(), public=True, need_name=need_name, lead_words=lead,
                            allow_number=" " in head)
        if end is None:
            if need_name:
                continue
            end = m.end()
        if need_name and end == m.end():
            continue
        if sent.text.startswith(" viên", end):
            continue  # "Tỉnh ủy viên" is a title
        if head in ("Thanh tra", "Công an", "Kho bạc", "Cảnh sát") and end == m.end():
            continue
        if _place_at(sent, m.start()) == end:
            continue  # the head word opens a place name: "Hội An", "Trường Sa"
        taken = end
        yield _standing_start(sent, m.start(), head), end, ORG
    for m in _RX_TITLE_BAN.finditer(sent.text):
        end = _org_name_end(sent, m.end(), public=True, need_name=True)
        if end is not None and end > m.end():
            yield m.start(), end, ORG


# "Thường trực Thành ủy" is the standing board of the body (ORG); after a title ("Phó Bí thư
# Thường trực Tỉnh ủy") the word belongs to the title.
_STANDING_HEADS = frozenset(fold(h) for h in ("Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy",
                                              "HĐND", "UBND", "Hội đồng nhân dân", "Ủy ban nhân dân"))
_RX_STANDING = _rx(r"(?<![^\W_])[Tt]hường trực $")
_RX_TITLE_BEFORE = _rx(rf"(?:^|[^\w])(?:{_alt(gz.TITLES)}) $")


def _standing_start(sent: Sentence, start: int, head: str) -> int:
    """Start of a party or council body with a leading ``Thường trực`` not held by a title:
    ``Thường trực Thành ủy``, ``thường trực HĐND``; ``Phó Chủ tịch Thường trực UBND`` keeps ``UBND``."""
    if head not in _STANDING_HEADS:
        return start
    m = _RX_STANDING.search(sent.text, max(0, start - 12), start)
    if not m or _RX_TITLE_BEFORE.search(sent.text, max(0, m.start() - 30), m.start()):
        return start
    return m.start()


_RX_FACILITY_HEAD = _rx(rf"(?:{_alt(gz.FACILITY_UNITS)}){_EDGE_R}")


@entity_lf(accuracy=0.85, priority=4)
def lf_company(sent: Sentence) -> Iterator[EntityVote]:
    """A company, group, bank or cooperative with its name (a place after it stays out):
    ``Công ty CP TM Mộc Hóa``, ``Tập đoàn Điện lực Việt Nam``, ``Công ty TNHH MTV Trà Tâm Lan``."""
    for m in _COMPANY_HEAD_RX.finditer(sent.text):
        if sent.text[m.start()].islower():
            continue
        facility = _RX_FACILITY_HEAD.match(sent.text, m.start())
        if facility and facility.end() > m.end():
            continue  # "Nhà máy Thủy điện Sông Ba Hạ": a site (LOC), lf_place_unit
        end = _org_name_end(sent, m.end(), public=False, need_name=True)
        if end is None or end == m.end():
            continue
        yield m.start(), end, ORG


_ORG_ACRONYM_SET = frozenset(gz.ORG_ACRONYMS)
_RX_ORG_ACRONYM = re.compile(
    rf"(?<![^\W_])(?<![/\-–])(?:{_alt(_ORG_ACRONYM_SET - frozenset(gz.WEAK_ORG_ACRONYMS))})(?![^\W_])")
_RX_PARTY = _rx(rf"(?<!{_L})Đảng(?! ?[{_UPPER}\d])(?! (?:ủy|bộ|viên|đoàn|kỳ|phí|tịch|uỷ)(?!{_L}))(?!{_L})")


@entity_lf(accuracy=0.8, priority=3)
def lf_org_acronym(sent: Sentence) -> Iterator[EntityVote]:
    """A well-known organisation written as one token: ``UBND``, ``TTXVN``, ``EVN``, ``ASEAN``."""
    for m in _RX_ORG_ACRONYM.finditer(sent.text):
        yield m.start(), m.end(), ORG


_RX_PRESS = _rx(rf"(?<!{_L})báo (?=[{_UPPER}])")
# "thông báo", "cảnh báo", "họp báo" … end in "báo" but name no paper; "tờ báo X" does.
_PRESS_KEEP = frozenset(("tờ", "tòa", "trên", "đăng", "của"))
_PRESS_NOT = frozenset(("tin", "mách", "tố", "phản", "hồi", "bẩm", "trả"))


@entity_lf(accuracy=0.85, priority=4)
def lf_newspaper(sent: Sentence) -> Iterator[EntityVote]:
    """A newspaper written with a lower-case ``báo`` (kept in the span, as in ``Báo Thanh tra``):
    ``báo Tiền phong``, ``báo Người Đưa Tin``, ``báo Nghệ An``; not ``thông báo Nga``, ``họp báo
    Chính phủ`` (a word ending in ``báo``), nor ``báo Mỹ`` (a country's press)."""
    for m in _RX_PRESS.finditer(sent.text):
        prev = sent.text[max(0, m.start() - 16) : m.start()].lower().split()
        word = prev[-1] if prev else ""
        if word == "tin" and prev[-2:-1] == ["thông"]:
            word = "thông tin"  # "thông tin báo X nêu" is the paper's news, "tin báo" a tip-off
        if word in _PRESS_NOT or (word not in _PRESS_KEEP and f"{word} báo" in _dictionary()):
            continue
        end = _org_name_end(sent, m.end() - 1, public=True, need_name=True)
        if end is None:
            continue
        name = sent.text[m.end() : end]
        if name in gz.COUNTRIES and name not in gz.PROVINCES:
            continue
        yield m.start(), end, ORG


# A school's level words, in any case: "trường tiểu học", "Trường Mầm non", "trường THCS".
_RX_SCHOOL = _rx(r"(?<![^\W_])[Tt]rường (?:[Mm]ầm non|[Mm]ẫu giáo|[Tt]iểu học|[Tt]rung học (?:cơ sở|phổ thông)|"
                 r"THCS|THPT|PTDTNT|[Pp]hổ thông dân tộc nội trú) (?=[\w])")


@entity_lf(accuracy=0.85, priority=4)
def lf_school(sent: Sentence) -> Iterator[EntityVote]:
    """A school named after its level, the head in any case and kept in the span, as the gold does:
    ``trường tiểu học Nam Trung Yên``, ``trường Mầm non Sen Vàng``, ``trường THCS thị trấn Củng Sơn``.
    Many are named after a person, whose whole name is the school's: ``trường Tiểu học Trần Cao Vân``."""
    for m in _RX_SCHOOL.finditer(sent.text):
        first = sent.word_at.get(m.end())
        person = _person_run(sent, first) if first is not None else None
        if person is not None:
            yield m.start(), sent.words[person - 1][1], ORG
            continue
        end = _org_name_end(sent, m.end() - 1, public=True, need_name=True)
        if end is not None and end > m.end():
            yield m.start(), end, ORG


_RX_PARTY_BOARD = _rx(r"(?<![^\W_])(?:Ban [Cc]án sự [Đđ]ảng|Đảng đoàn)(?![^\W_])")


@entity_lf(accuracy=0.95, priority=5)
def lf_party_board(sent: Sentence) -> Iterator[EntityVote]:
    """The Party board of a body is one organisation with the body's name: ``Ban Cán sự đảng UBND TP``,
    ``Đảng đoàn Quốc hội``, ``Ban cán sự Đảng Bộ Kế hoạch và Đầu tư``; ``Ban cán sự đảng`` alone too."""
    for m in _RX_PARTY_BOARD.finditer(sent.text):
        body = _org_at(sent, m.end() + 1) if sent.text[m.end() : m.end() + 1] == " " else None
        if body is not None:
            yield m.start(), body, ORG
        elif m.group().startswith("Ban"):
            yield m.start(), m.end(), ORG


@entity_lf(accuracy=0.7, priority=2)
def lf_party(sent: Sentence) -> Iterator[EntityVote]:
    """``Đảng`` written alone, capitalised, for the Party (a specific body, as the seeds decide):
    ``Nghị quyết Đại hội của Đảng``, ``Đảng và Nhà nước``; not ``Đảng Cộng sản Cuba``, ``Đảng ủy``."""
    for m in _RX_PARTY.finditer(sent.text):
        yield m.start(), m.end(), ORG


_RX_SOURCE_TAG = _rx(
    rf"^\(([{_UPPER}][^()]{{0,30}}?)\) ?[-–]|^([{_UPPER}][{_UPPER}.]{{1,12}}) [-–](?: |$)"
)
_RX_SOURCE_TAG_AFTER_DATE = _rx(rf"^[\d:/ ]{{4,25}}(?<=\d)\(([{_UPPER}][^()]{{0,30}}?)\) ?[-–]()")
_RX_CREDIT = _rx(rf"(?:Ảnh|Nguồn|ẢNH|Ảnh minh họa|Video|Ảnh minh hoạ)\s?: ?((?:[\w.+]+\.vn|{_CAPW})"
                 rf"(?:\s?[ /,-]\s?(?:[\w.]+\+|[\w.+]+\.vn|{_CAPW})){{0,7}})")
_RX_THEO = _rx(rf"(?:^|\(|\. |[-–] )Theo ([{_UPPER}][\w.+]*(?: [{_UPPER}][\w.+]*){{0,3}})(?=\)|$| ?[-–.])")
_AGENCY = re.compile(r"^(?:[A-ZĐ][A-ZĐ0-9+]{1,9}|[A-Za-z0-9.+-]+\.(?:vn|VN|com|net|org)|Vietnam\+)$")


_BYLINE_STOP = frozenset(fold(w) for w in (
    "Theo", "Tại", "Trong", "Ngày", "Tháng", "Năm", "Thứ", "Chủ", "Xem", "Video", "Ảnh", "Tin", "Bài", "Ý", "Bình",
    "Chia", "Hiện", "Thông", "Liên", "Trang", "Tags", "Từ", "Lượt", "Nguồn", "Kết", "Tổng", "Các", "Những", "Một",
    "Đây", "Khi", "Sau", "Trước", "Với", "Về", "Và", "Cho", "Để", "Do", "Vì", "Nhưng", "Hoặc", "Còn", "Cùng",
    "Phó", "Trưởng", "Bộ", "Sở", "Ban", "Cục", "Vụ", "Viện", "Hội", "Đảng", "Ủy", "Thủ", "Quốc", "Chính", "Nhà",
))


def _agency_or_name(sent: Sentence, start: int, end: int, single: bool = False) -> Iterator[EntityVote]:
    """Split a credit (``Văn Điệp/TTXVN``, ``Minh Hòa/VOV.VN``) into persons and agencies."""
    chunk = sent.text[start:end]
    pos = 0
    for part in re.split(r"(\s*[/,;]\s*|\s*[-–]\s*)", chunk):
        s = start + pos
        pos += len(part)
        piece = part.strip()
        if not piece or re.fullmatch(r"\s*[/,;]\s*|\s*[-–]\s*", part):
            continue
        s += len(part) - len(part.lstrip())
        if _AGENCY.match(piece):
            if not re.fullmatch(r"[A-ZĐ]{1,2}", piece):  # initials (KT, PV) are not an agency
                yield s, s + len(piece), ORG
        elif re.fullmatch(rf"{_CAPW}(?: {_CAPW}){{0,2}}", piece) and (" " in piece or single and not piece.isupper()):
            words = piece.split()
            if piece in _PLACE_SET or _PUBLIC_HEAD_RX.match(piece) or _COMPANY_HEAD_RX.match(piece):
                continue
            if any(w.isupper() and len(w) > 1 for w in words) and not piece.isupper():
                continue  # "Phòng KHTH": a body, not a name
            if words[0] in _BYLINE_STOP:
                continue
            yield s, s + len(piece), PER


def _credit_end(sent: Sentence, start: int, end: int) -> int:
    """Where a photo credit glued to the next sentence ends: before a title, a body, an opener,
    after a known organisation (an agency), or after four words of one name."""
    pos, words = start, 0
    for m in re.finditer(r"[^\s/,\-–]+|[/,\-–]", sent.text[start:end]):
        token = m.group()
        if token in "/,-–":
            words = 0
            pos = start + m.end()
            continue
        if words and (token in _OPENERS or token in _BYLINE_STOP
                      or token.isupper() != sent.text[pos - 1 :].lstrip(" /,-–")[:1].isupper() and words >= 2):
            break
        if words >= 4 or (words >= 2 and _RX_TITLE.match(sent.text, start + m.start())):
            break
        if words >= 2:
            following = re.match(r" ([^\W\d_]+)", sent.text[start + m.end() :])
            if following and following.group(1).islower() and \
                    f"{token.lower()} {following.group(1)}" in _dictionary():
                break  # "Ảnh: VGP/Quang Hiếu Nhận lời mời …": "Nhận lời" opens the next sentence
        words += 1
        pos = start + m.end()
        if token in _ORG_ACRONYM_SET and sent.text[start + m.end() : end].lstrip()[:1] not in ("/", ",", "-", "–"):
            break  # "Ảnh: Reuters Ký 5 văn kiện …": an agency ends the credit, unless a name follows it
    return pos


@entity_lf(accuracy=0.85, priority=4)
def lf_source_tag(sent: Sentence) -> Iterator[EntityVote]:
    """A source tag, photo credit or ``Theo …`` line: ``(Thanh tra) -`` and ``NDO -`` give ORG;
    ``Ảnh: Văn Điệp/TTXVN`` gives PER ``Văn Điệp`` and ORG ``TTXVN``; ``Theo TTXVN``."""
    if sent.line_start:
        m = _RX_SOURCE_TAG.match(sent.text) or _RX_SOURCE_TAG_AFTER_DATE.search(sent.text)
        if m:
            g = 1 if m.group(1) else 2
            inner = m.group(g)
            if not _place_at(sent, m.start(g)) and not re.search(r"\d", inner):
                yield m.start(g), m.end(g), ORG
    for m in _RX_CREDIT.finditer(sent.text):
        yield from _agency_or_name(sent, m.start(1), _credit_end(sent, m.start(1), m.end(1)))
    for m in _RX_THEO.finditer(sent.text):
        piece = m.group(1)
        if _AGENCY.match(piece) or piece.startswith(("Báo", "Đài", "Tạp chí")) or (
            sent.index == sent.count - 1 and len(piece.split()) <= 3
        ):
            if piece.split()[0] not in _NOT_NAME or piece.startswith(("Báo", "Đài")):
                yield m.start(1), m.end(1), ORG


# --- entity labelling functions: places --------------------------------------------------------
@entity_lf(accuracy=0.9, priority=3)
def lf_admin_place(sent: Sentence) -> Iterator[EntityVote]:
    """An administrative unit word and its name: ``tỉnh Quảng Ninh``, ``TP. Hải Phòng``,
    ``thành phố Hạ Long``, ``huyện Tuy Phước``, ``xã Yên Thọ``, ``Quận 1``."""
    for m in _ADMIN_UNIT.finditer(sent.text):
        end = _admin_place_at(sent, m.start())
        if end is None or end <= m.end() + 1:
            continue
        unit = m.group()
        name = sent.text[m.end() : end].lstrip(". ")
        if unit in gz.PROVINCE_UNITS and not name:
            continue
        if unit.lower() in ("thôn", "ấp", "bản", "xã", "phường", "quận") and name.split()[0] in _NOT_NAME \
                and not _known_or_two_word_name(sent, name, end):
            continue
        if unit in ("Bản", "bản") and not _is_cap(name[:1]):
            continue
        yield m.start(), end, LOC


def _known_or_two_word_name(sent: Sentence, name: str, end: int) -> bool:
    """Whether a unit's name that opens with a common word is still a name: a known district
    (``quận Hai Bà Trưng``) or two words, the second no common word (``phường Kỳ Liên``,
    ``xã Đồng Tâm``; not ``xã Trong năm``)."""
    districts = _districts()
    if districts is not None and districts.fullmatch(sent.text, end - len(name), end):
        return True
    words = name.split()
    return len(words) >= 2 and words[1] not in _NOT_NAME and _is_cap(words[1])


_FACILITY_UNITS = frozenset(fold(u) for u in gz.FACILITY_UNITS)
_RX_PLACE_UNIT = _rx(rf"{_EDGE_L}(?:{_alt(set(gz.PLACE_UNITS) - {'Hồ'})}) ")
_RX_REGION = re.compile(rf"(?i:{_alt(c for c in gz.COUNTRIES if ' ' in c)}){_EDGE_R}")
# A part of the country after "miền" ("miền Trung", "miền Tây"); "Trung" is a common word elsewhere.
_RX_DIRECTION = _rx(rf"(?:Bắc|Trung|Nam|Tây|Đông)(?: (?:Bắc|Nam))?(?![^\W_])(?! [{_UPPER}])")
# A chainage: "Km3+4", "Km 62+500"; with the "+" also "K63+600", "km8+200" (a bare "km2" is a distance).
_RX_KM = re.compile(r"(?<![^\W_])(?:Km ?\d+(?:\+\d+)?|[Kk]m? ?\d+\+\d+)(?![^\W_])")


@entity_lf(accuracy=0.82, priority=3)
def lf_place_unit(sent: Sentence) -> Iterator[EntityVote]:
    """A place unit word (kept in the span) and a capitalised name: ``vịnh Hạ Long``,
    ``cầu Lại Xuân``, ``Khu Kinh tế Quảng Yên``, ``Cảng biển Con Ong – Hòn Nét``,
    ``vùng kinh tế trọng điểm Bắc Bộ``, ``vùng đồng bằng sông Hồng``, ``quốc lộ 18``, ``Km3+4``."""
    taken = 0
    for m in _RX_PLACE_UNIT.finditer(sent.text):
        if m.start() < taken:
            continue
        unit = m.group().strip()
        pos = m.end()
        region = _RX_REGION.match(sent.text, pos)
        if region and unit.lower() in ("vùng", "miền", "khu vực"):
            taken = region.end()
            yield m.start(), region.end(), LOC
            continue
        direction = _RX_DIRECTION.match(sent.text, pos)
        if direction and unit.lower() == "miền":
            taken = direction.end()
            yield m.start(), direction.end(), LOC
            continue
        i = sent.word_at.get(pos)
        if i is None:
            continue
        w = sent.word(i)
        if unit in _FACILITY_UNITS and (not _is_cap(w) or _ends_word(sent, m.start(), unit)):
            continue  # lf_facility_place; "gia đình", "khai thác"
        if unit in _FACILITY_UNITS and w.isupper() and w.isalpha() and _cap_run_end(sent, i) == i + 1:
            continue  # "trạm thu phí BOT": a kind, not a name
        numbered = unit.lower() in ("quốc lộ", "tỉnh lộ", "đường", "khu", "cầu", "cảng") and w[0].isdigit()
        if not (_is_cap(w) or numbered):
            continue
        if w in _NOT_NAME and w not in _SURNAMES and not _name_despite_common(sent, unit, i):
            continue
        end_word = _name_end(sent, i, allow_digits=True)
        if unit in _FACILITY_UNITS and _place_at(sent, sent.words[i][0]) is None:
            # a facility's name may end in a word completed by lower-case syllables:
            # "Đại lễ đường Nhân dân", "Khách sạn Thắng lợi"
            end_word = _compound_end(sent, end_word - 1)
        end = sent.words[end_word - 1][1]
        # infrastructure joining names by dashes: "Con Ong – Hòn Nét", "Hà Nội – Hải Phòng – … – Móng Cái"
        while True:
            dash = re.match(r" ?[–-] ?", sent.text[end:])
            if not dash or unit.lower() in ("vùng", "miền", "sông", "hồ", "đảo", "núi", "khu"):
                break
            j = sent.word_at.get(end + dash.end())
            if j is None or not _is_cap(sent.word(j)):
                break
            end = sent.words[_name_end(sent, j) - 1][1]
        if unit in gz.WEAK_PLACE_UNITS and sent.text[m.start()].isupper() and m.start() == 0:
            if unit not in ("Cảng", "Cầu", "Vịnh", "Đảo", "Sông"):
                continue
        taken = end
        yield m.start(), end, LOC
    for m in _RX_KM.finditer(sent.text):
        yield m.start(), m.end(), LOC


def _name_despite_common(sent: Sentence, unit: str, i: int) -> bool:
    """Whether a unit's name opening with a common word is still a name: a river or a site
    opening with a unit word or numeral, then another capitalised word (``thủy điện Sông Ba Hạ``,
    ``sông Ba Hạ``), or a river's one-word name closing the clause (``trên sông Ba.``; not ``sông Ba và``)."""
    if unit.lower() != "sông" and unit not in _FACILITY_UNITS:
        return False
    after = sent.text[sent.words[i][1] :]
    if i + 1 < len(sent.words) and sent.gap(i + 1) == " " and _is_cap(sent.word(i + 1)) \
            and (sent.word(i + 1) not in _NOT_NAME or sent.word(i) in _NATURAL_HEADS):
        return True
    return unit.lower() == "sông" and sent.word(i) in _NUMERAL_NAMES and bool(re.match(r"\s*(?:[.,;:!?”\"]|$)", after))


_NATURAL_HEADS = frozenset(fold(w) for w in ("Sông", "Hồ", "Núi", "Suối", "Thác", "Đèo"))
_NUMERAL_NAMES = frozenset(("Ba", "Hai", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Một"))


def _ends_word(sent: Sentence, start: int, unit: str) -> bool:
    """Whether a one-syllable unit word at ``start`` ends a longer word: ``gia đình``, ``khai thác``."""
    prev = sent.text[max(0, start - 12) : start].split()
    return " " not in unit and bool(prev) and f"{prev[-1].lower()} {unit.lower()}" in _dictionary()


def _inner_place(sent: Sentence, pos: int) -> int | None:
    """End offset of a named place starting at ``pos`` with its own unit word (``tỉnh Đồng Nai``,
    ``cầu Quán Hàu``), which a facility's span takes in; ``None`` without a name."""
    unit = _ADMIN_UNIT.match(sent.text, pos)
    if unit:
        end = _admin_place_at(sent, pos)
        return end if end is not None and end > unit.end() + 1 else None
    if _RX_PLACE_UNIT.match(sent.text, pos):
        inner = Sentence(sent.text[pos:])
        return next((pos + e for s, e, _ in lf_place_unit(inner) if s == 0), None)
    return None


_RX_FACILITY_QUALIFIERS = _rx(rf"(?:(?:{_alt(gz.FACILITY_QUALIFIERS)}) )+")


_RX_HOUSE_NUMBER = _rx(r"(?<![^\W_])(?:tại|ngụ|ngụ tại|địa chỉ|trụ sở|số nhà|nhà số|HKTT|HKTT:)(?: số)? "
                       rf"\d+[A-Z]?(?:/\d+)* (?=[{_UPPER}])")


@entity_lf(accuracy=0.9, priority=5)
def lf_street_address(sent: Sentence) -> Iterator[EntityVote]:
    """A street named after a person, in an address: ``tại 37 Nguyễn Bỉnh Khiêm``, ``ngụ 1740/37 Lê Văn
    Lương`` give the street (a place), not a person."""
    for m in _RX_HOUSE_NUMBER.finditer(sent.text):
        i = sent.word_at.get(m.end())
        j = _whole_cap_run(sent, i) if i is not None else None
        if j is not None and j - i >= 2:
            yield m.end(), sent.words[j - 1][1], LOC


@entity_lf(accuracy=0.85, priority=4)
def lf_facility_place(sent: Sentence) -> Iterator[EntityVote]:
    """A facility named by the place it stands on, which its span takes in (over the place's own
    vote): ``nghĩa trang liệt sĩ tỉnh Đồng Nai``, ``trạm thu phí cầu Quán Hàu``,
    ``nhà máy thủy điện sông Ba Hạ``."""
    for m in _RX_PLACE_UNIT.finditer(sent.text):
        unit = m.group().strip()
        if unit not in _FACILITY_UNITS or _is_cap(sent.text[m.end() : m.end() + 1]) or \
                _ends_word(sent, m.start(), unit):
            continue
        inner = _inner_place(sent, m.end())
        if inner is not None:
            yield m.start(), inner, LOC
            continue
        qualified = _RX_FACILITY_QUALIFIERS.match(sent.text, m.end())
        if qualified:  # "nhà ga hành khách quốc tế Đà Nẵng": a known place after the kind of facility
            place = _place_at(sent, qualified.end())
            if place is not None and _ends_run(sent, place):
                yield m.start(), place, LOC


# Abbreviated unit words glued to or before a name: "Q.Tân Bình", "TX Ba Đồn", "P.Bến Nghé", "Q.3".
_RX_SHORT_UNIT = re.compile(rf"(?<![^\W_])(?:(Q|H|TX|Tx)\. ?|(TX) |(P)\. ?)(?=[{_UPPER}])"
                            rf"|(?<![^\W_])Q\. ?\d{{1,2}}(?![^\W_]|[.,]\d)")


@cache
def _wards() -> re.Pattern | None:
    names = [n for n in gz.admin_units_table()["wards"] if " " in n]
    return _gazetteer(names) if names else None


@entity_lf(accuracy=0.85, priority=3)
def lf_short_unit_place(sent: Sentence) -> Iterator[EntityVote]:
    """A district or ward after an abbreviated unit word, kept in the span: ``Q.Tân Bình``,
    ``TX Ba Đồn``, ``P.Bến Nghé``, ``Q.3``. The name must be a known one of that rank (``H.Nguyên``
    is a byline's initial, not a district)."""
    for m in _RX_SHORT_UNIT.finditer(sent.text):
        if m.group(1) is None and m.group(2) is None and m.group(3) is None:
            yield m.start(), m.end(), LOC  # "Q.3"
            continue
        table = _wards() if m.group(3) else _districts()
        place = table.match(sent.text, m.end()) if table is not None else None
        if place and _ends_run(sent, place.end()):
            yield m.start(), place.end(), LOC


# A hyphen glued to a capitalised word: "VN-Index", "Hải Phòng-Quảng Ninh".
_RX_HYPHEN_CAP = re.compile(rf"[-–][{_UPPER}]")


@entity_lf(accuracy=0.88, priority=2)
def lf_known_place(sent: Sentence) -> Iterator[EntityVote]:
    """A province, country or region written bare, as a whole capitalised run:
    ``Quảng Ninh``, ``Hải Phòng`` (also in ``Hải Phòng-Quảng Ninh``), ``Việt Nam``, ``Đông Nam Á``;
    not inside a longer capitalised name (``Hoàng Nga``, ``Điện lực Việt Nam``) or a web address (``VOV.VN``)."""
    for m in _places().finditer(sent.text):
        s, e = m.span()
        before = sent.text[max(0, s - 12) : s]
        if re.search(rf"{_CAPW} $", before) and not re.search(r"(?:^| )(?:[Tt]ại|[Vv]ề|[Cc]ủa|[Vv]ới|[Ởở]) $",
                                                               before):
            prev = re.search(rf"({_CAPW}) $", before).group(1)
            if prev not in ("Tại", "Về", "Của", "Với", "Ở", "Từ", "Đến", "Và", "Cho", "Theo", "Như", "Cả"):
                continue
        if not _ends_run(sent, e) or _opens_word(sent, s, e):
            continue
        if m.group().isupper() and _RX_HYPHEN_CAP.match(sent.text, e) and not _places().match(sent.text, e + 1):
            continue  # an abbreviation in a hyphenated name, "VN-Index"; not two places, "VN-Campuchia"
        if m.group().isupper() and sent.text[s - 1 : s] == ".":
            continue  # the end of a web address, "VOV.VN"
        yield s, e, LOC


_RX_AMBIGUOUS_COUNTRY = re.compile(
    rf"(?<=[{_LOWER}] )(?:{_alt(gz.AMBIGUOUS_COUNTRIES)})(?=[,.;:)]|$| [{_LOWER}\d]| [-–] )(?! hoàng)")
_MARKER_BEFORE = _rx(rf"(?:^|\s)(?:{_alt(gz.PERSON_MARKERS)}|em|con|cháu|cô|chú|bác|tên|gọi|là) $")


@entity_lf(accuracy=0.72, priority=1)
def lf_isolated_country(sent: Sentence) -> Iterator[EntityVote]:
    """A country whose name is also a given name (``Nga``, ``Anh``, ``Đức``), standing alone
    between lower-case words: ``Về phía Nga có …``, ``thăm chính thức Anh và Đức``."""
    for m in _RX_AMBIGUOUS_COUNTRY.finditer(sent.text):
        if not _MARKER_BEFORE.search(sent.text, 0, m.start()) and not _opens_word(sent, m.start(), m.end()):
            yield m.start(), m.end(), LOC


_RX_CAP_WORD_BEFORE = re.compile(rf"(?<![^\W_]){_CAPW} $")


def _after_capitalised_word(sent: Sentence, offset: int) -> bool:
    """Whether a capitalised word and one space come right before ``offset`` (a name goes on there)."""
    return _RX_CAP_WORD_BEFORE.search(sent.text[max(0, offset - 12) : offset]) is not None


@cache
def _country_list() -> re.Pattern:
    """Two or more countries joined by commas, ``và`` or ``hoặc``, none running on into a name."""
    item = rf"(?:{_trie(gz.AMBIGUOUS_COUNTRIES + gz.COUNTRIES)})(?![^\W_])(?! [{_UPPER}])"
    return re.compile(rf"(?<![^\W_]){item}(?:(?:, | và | hoặc ){item})+")


_RX_LIST_JOINER = re.compile(r", | và | hoặc ")


@entity_lf(accuracy=0.85, priority=2)
def lf_listed_country(sent: Sentence) -> Iterator[EntityVote]:
    """A country whose name is also a given name, in a list with a country that is not one:
    ``như Trung Quốc, Nga, Ấn Độ``, ``G7 (Mỹ, Anh, Đức, Pháp, Nhật, Canada)``; not ``Minh, Anh, Đức``."""
    for m in _country_list().finditer(sent.text):
        if _after_capitalised_word(sent, m.start()):
            continue  # the list starts inside a longer capitalised name
        items, pos = [], m.start()
        for part in _RX_LIST_JOINER.split(m.group()):
            pos = sent.text.index(part, pos)
            items.append((pos, pos + len(part)))
            pos += len(part)
        if all(sent.text[s:e] in _AMBIGUOUS_COUNTRY_SET for s, e in items):
            continue
        for s, e in items:
            if sent.text[s:e] in _AMBIGUOUS_COUNTRY_SET and not _opens_word(sent, s, e):  # "Anh hùng"
                yield s, e, LOC


@cache
def _country_pair() -> re.Pattern:
    """Two countries, short forms or blocs joined by a dash, each side a group: ``Việt - Trung``."""
    side = rf"(?:{_trie(gz.PAIR_COUNTRY_FORMS + gz.AMBIGUOUS_COUNTRIES + gz.COUNTRIES + gz.PAIR_BLOCS)})"
    return re.compile(rf"(?<![^\W_])({side}) ?[-–] ?({side})(?![^\W_])(?! [{_UPPER}\d])")


_SHORT_PAIR_FORMS = frozenset(gz.PAIR_COUNTRY_FORMS + gz.AMBIGUOUS_COUNTRIES)


@entity_lf(accuracy=0.85, priority=2)
def lf_country_pair(sent: Sentence) -> Iterator[EntityVote]:
    """Two countries joined by a dash, one of them in a short form: ``quan hệ Việt - Trung``,
    ``hợp tác Việt Nam - Nga``, ``Lào-Việt Nam``; each side is a place."""
    for m in _country_pair().finditer(sent.text):
        if _after_capitalised_word(sent, m.start()):
            continue  # inside a longer capitalised name: "Minh Đức - Anh Tuấn"
        if m.group(1) in _SHORT_PAIR_FORMS or m.group(2) in _SHORT_PAIR_FORMS:
            for side in (1, 2):
                if m.group(side) not in gz.PAIR_BLOCS:  # "ASEAN - Nga": the bloc is an organisation
                    yield m.start(side), m.end(side), LOC


@entity_lf(accuracy=0.72, priority=1)
def lf_known_district(sent: Sentence) -> Iterator[EntityVote]:
    """A district name from the administrative-units table written bare, as a whole
    capitalised run after a preposition: ``tại Vân Đồn``, ``ở Móng Cái``."""
    districts = _districts()
    if districts is None:
        return
    for m in districts.finditer(sent.text):
        s, e = m.span()
        if re.search(r"(?:^| )(?:tại|ở|về|đến|từ|với|và|của) $", sent.text[max(0, s - 6) : s]) and _ends_run(sent, e):
            yield s, e, LOC


# --- entity labelling functions: positions and persons -----------------------------------------
_TITLE_CORE = _alt(gz.TITLES)
_RX_TITLE = _rx(
    rf"{_EDGE_L}(?:(?:{_alt(gz.TITLE_PREFIXES)}) )?(?i:{_TITLE_CORE})(?: (?:{_alt(gz.TITLE_SUFFIXES)}))?{_EDGE_R}"
)
_RX_ACADEMIC = re.compile(rf"{_EDGE_L}(?:{_alt(gz.ACADEMIC_TITLES)})(?=\.? [{_UPPER}])")
# The level of a local office after a lower-case title: "chủ tịch tỉnh", "chủ tịch xã" (not "tỉnh ủy").
_RX_LOWER_LEVEL = _rx(r" (?:tỉnh|huyện|xã|phường|quận|thành phố|thị xã|thị trấn)(?! ?ủy)(?![^\W_])")
_PORTFOLIO_TITLES = ("Bộ trưởng", "Thứ trưởng", "Phó Bộ trưởng", "Quyền Bộ trưởng")
# a foreign portfolio ends the title only where the portfolio's name ends ("Bộ trưởng Kinh tế và Năng lượng",
# "Bộ trưởng Thương mại quốc tế" are longer portfolios)
_TITLE_PORTFOLIO_RX = re.compile(rf"{_PORTFOLIO_RX.pattern}|"
                                 rf"(?:{_alt(gz.TITLE_PORTFOLIOS)}){_EDGE_R}(?! và(?!{_L})| [{_LOWER}])")


_RX_CUT_TITLE = re.compile(rf"(?:(?:{_alt(gz.TITLE_PREFIXES)}) )?(?:Trưởng|Chủ nhiệm|Phó)")


def _titles(sent: Sentence) -> list[Span]:
    cached = getattr(sent, "_titles", None)
    if cached is not None:
        return cached
    spans: list[Span] = []
    for m in _RX_TITLE.finditer(sent.text):
        s, e = m.span()
        text = m.group()
        cut = re.search(r" (?:Ban|Phòng|Đoàn|Ủy ban|Hội đồng|Văn phòng)$", text)
        if not cut and text.endswith(" ban") and _RX_TITLE_BAN.match(sent.text, e - 3):
            cut = re.search(r" ban$", text)
        # "Trưởng Ban Đối ngoại Trung ương": the body starts at "Ban"
        if cut and _RX_CUT_TITLE.fullmatch(text[: cut.start()]):
            e = s + cut.start()
            text = text[: cut.start()]
        if not _is_cap(text) and text not in gz.BARE_LOWER_TITLES:
            # lower-case titles only count right before a capitalised body or name, and not as
            # the end of another word ("tăng trưởng GDP")
            nxt = sent.next_word(e)
            level = _RX_LOWER_LEVEL.match(sent.text, e) and " " in text  # "chủ tịch tỉnh tặng bằng khen"
            if not level and (nxt is None or not _is_cap(sent.word(nxt)) or sent.words[nxt][0] != e + 1
                              or " " not in text):
                continue
            prev = sent.text[max(0, s - 12) : s].split()
            if prev and (prev[-1].lower() + " " + text.split()[0].lower()) in _dictionary():
                continue
        if sent.text[max(0, s - 10) : s].lower().endswith("văn phòng "):  # "Văn phòng Chủ tịch nước": a body
            continue
        # "Bộ trưởng Công Thương": a portfolio with no "Bộ" stays inside the title
        if any(text.lower().endswith(t.lower()) for t in _PORTFOLIO_TITLES) and sent.text[e : e + 1] == " ":
            p = _TITLE_PORTFOLIO_RX.match(sent.text, e + 1)
            if p and _is_cap(p.group()):
                e = p.end()
        spans.append((s, e))
    for m in _RX_ACADEMIC.finditer(sent.text):
        spans.append(m.span())
    sent._titles = spans  # type: ignore[attr-defined]
    return spans


@entity_lf(accuracy=0.88, priority=3)
def lf_title(sent: Sentence) -> Iterator[EntityVote]:
    """A position title with its qualifiers: ``Phó Chủ tịch``, ``Phó Chủ tịch Thường trực``,
    ``Quyền Chủ tịch``, ``Tỉnh ủy viên``, ``Bộ trưởng Công thương``, ``PGS.TS``; ``nguyên``
    stays out; ``Trưởng Ban Đối ngoại Trung ương`` gives ``Trưởng``."""
    for s, e in _titles(sent):
        yield s, e, POS


def _body_or_place_after(sent: Sentence, offset: int) -> int:
    """End offset of the body (or place) written right after a title, or ``offset``."""
    nxt = sent.next_word(offset)
    if nxt is None or sent.words[nxt][0] - offset > 1:
        return offset
    start = sent.words[nxt][0]
    end = _org_at(sent, start)
    if end is None:
        end = _admin_place_at(sent, start)
        if end is not None and end == _ADMIN_UNIT.match(sent.text, start).end():
            end = None
    if end is None:
        end = _country_at(sent, nxt)
    return end if end is not None else offset


_RX_POSTED_AT = _rx(r" tại (?=[^\W\d_])")


def _posting_place_after(sent: Sentence, offset: int) -> Span | None:
    """The country a diplomat is posted to, written after the title and its country: ``Đại sứ Việt
    Nam tại Nhật Bản Nguyễn Quốc Cường`` gives ``Nhật Bản`` for the ``offset`` after ``Việt Nam``; only
    when a capitalised name follows it."""
    m = _RX_POSTED_AT.match(sent.text, offset)
    if not m:
        return None
    i = sent.word_at.get(m.end())
    end = _country_at(sent, i) if i is not None else None
    nxt = sent.next_word(end) if end is not None else None
    if nxt is None or sent.words[nxt][0] != end + 1 or not _is_cap(sent.word(nxt)):
        return None
    return m.end(), end


def _country_at(sent: Sentence, i: int) -> int | None:
    """End offset of the place at word ``i``: a known place, or a country that is also a given name
    before a capitalised name (``Nga`` in ``Nga Sergei Shoigu``); ``None`` when there is none."""
    end = _place_at(sent, sent.words[i][0])
    if end is None and _country_before_name(sent, i):
        end = sent.words[i][1]
    return end


def _country_before_name(sent: Sentence, i: int) -> bool:
    """Whether word ``i`` is a country that is also a given name (``Nga``, ``Mỹ``) followed by a
    capitalised name: after a title, ``Bộ trưởng Quốc phòng Nga Sergei Shoigu`` is POS, LOC, PER."""
    return (sent.word(i) in _AMBIGUOUS_COUNTRY_SET and i + 1 < len(sent.words) and sent.gap(i + 1) == " "
            and _is_cap(sent.word(i + 1)))


_VOWELS = "aăâeêioôơuưyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ"
#: One Vietnamese syllable: an initial consonant, a vowel nucleus and a final consonant (``Donald`` is none).
_VIETNAMESE_SYLLABLE = re.compile(
    rf"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWELS}]{{1,3}}(?:ng|nh|ch|[cmnpt])?$")
_VIETNAMESE_MARKS = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                               re.IGNORECASE)


def _name_after(sent: Sentence, offset: int, foreign: bool | str = True) -> Span | None:
    """The personal name written right after ``offset`` (one space), as a local span."""
    i = sent.next_word(offset)
    if i is None or sent.words[i][0] != offset + 1:
        return None
    w = sent.word(i)
    if not _is_cap(w) or w in _NOT_NAME or w.isupper() and len(w) > 1 and w not in _SURNAMES:
        return None
    j = _person_run(sent, i, min_len=2, max_len=4)
    if j is None:
        if not foreign:
            return None
        j = _whole_cap_run(sent, i)
        if j is None or j - i < 2:
            return None
        if any(sent.word(k) in _NOT_NAME for k in range(i, j)):
            return None
        if foreign != "place" and any(_VIETNAMESE_MARKS.search(sent.word(k)) for k in range(i, j)):
            return None  # a Vietnamese-looking run without a surname is rarely a name
    span = (sent.words[i][0], _through_initial(sent, i, j))
    if sent.text[span[0] : span[1]] in _PLACE_SET or _places().fullmatch(sent.text, *span):
        return None
    return span


_RX_AFTER_INITIAL = re.compile(rf"\. ?{_CAPW}(?: {_CAPW})*")
_NOT_AFTER_INITIAL = _OPENERS | _BYLINE_STOP  # "Nguyễn Văn A. Sau đó": the next sentence


def _through_initial(sent: Sentence, i: int, j: int) -> int:
    """The end of the name in words ``i:j``, carried on through a foreign name's middle initial:
    ``Donald J. Trump``, ``Wilbur L.Ross``; not ``Nguyễn Văn A. Sau đó``, a Vietnamese placeholder name."""
    end = sent.words[j - 1][1]
    if j - i >= 2 and sent.word(i) not in _SURNAMES and len(sent.word(j - 1)) == 1 and sent.word(j - 1).isupper():
        m = _RX_AFTER_INITIAL.match(sent.text, end)
        if m and m.group().lstrip(". ").split()[0] not in _NOT_AFTER_INITIAL:
            return m.end()
    return end


@entity_lf(accuracy=0.88, priority=4)
def lf_person_after_title(sent: Sentence) -> Iterator[EntityVote]:
    """A name right after a title, or after a title and its body:
    ``Bí thư Thành ủy Hải Phòng Trần Lưu Quang``, ``Bộ trưởng Trần Tuấn Anh``,
    ``Chủ tịch Quốc hội Cuba Esteban Lazo Hernandez``, ``PGS.TS Nguyễn Văn A``."""
    for _, e in _titles(sent):
        end = _body_or_place_after(sent, e)
        nxt = sent.next_word(e)
        after_place = end != e and nxt is not None and _place_at(sent, sent.words[nxt][0]) is not None
        posting = _posting_place_after(sent, end) if after_place else None
        if posting:
            end = posting[1]
        span = _name_after(sent, end, foreign="place" if after_place else True)
        if span is None and end != e:
            span = _name_after(sent, e, foreign=False)
        if span:
            yield span[0], span[1], PER


@entity_lf(accuracy=0.85, priority=3)
def lf_place_after_title(sent: Sentence) -> Iterator[EntityVote]:
    """A known place right after a title, before a name: ``Thủ tướng Australia Malcolm
    Turnbull``, ``Bộ trưởng Quốc phòng Singapore Ng Eng Hen``, ``Chủ tịch tỉnh Thanh Hóa``; and the
    country a diplomat is posted to: ``Đại sứ Việt Nam tại Nhật Bản Nguyễn Quốc Cường``."""
    for _, e in _titles(sent):
        nxt = sent.next_word(e)
        if nxt is None or sent.words[nxt][0] != e + 1:
            continue
        end = _country_at(sent, nxt)
        if end is not None:
            yield sent.words[nxt][0], end, LOC
            posting = _posting_place_after(sent, end)
            if posting:
                yield posting[0], posting[1], LOC


_RX_UNIT_BEFORE = _rx(rf"(?:^|\s)(?:{_alt(gz.PLACE_UNITS)}|chợ|chùa|đình|đền|miếu|làng) $")
_RX_MARKER = _rx(rf"(?<!{_L})(?:{_alt(gz.PERSON_MARKERS)}) (?={_CAPW})")


@entity_lf(accuracy=0.86, priority=3)
def lf_person_after_marker(sent: Sentence) -> Iterator[EntityVote]:
    """A name after ``ông``, ``bà``, ``đồng chí`` (which stay out): ``Đồng chí Bùi Văn Khắng``,
    ``ông Dũng``, ``bà Merle Ratner``."""
    for m in _RX_MARKER.finditer(sent.text):
        i = sent.word_at.get(m.end())
        if i is None or sent.word(i) in _NOT_NAME:
            continue
        if _RX_UNIT_BEFORE.search(sent.text, 0, m.start()):
            continue  # "rạch Ông Hóa" is a place
        marker = m.group().strip()
        j = _whole_cap_run(sent, i)
        if j is None:
            continue
        if marker.lower() in ("anh", "chị", "em", "cháu", "cụ", "vợ chồng") and (
                j - i < 2 or sent.word(i) not in _SURNAMES):
            continue  # "đàn anh Aventador SuperVeloce" is no person
        span = (sent.words[i][0], _through_initial(sent, i, j))
        name = sent.text[span[0] : span[1]]
        if name in _PLACE_SET or name.isupper() and len(name) <= 4:
            continue
        yield span[0], span[1], PER


@entity_lf(accuracy=0.8, priority=2)
def lf_full_name(sent: Sentence) -> Iterator[EntityVote]:
    """A Vietnamese full name anywhere: a surname and two or three capitalised words
    forming a whole capitalised run (``Nguyễn Xuân Phúc``); places are left out."""
    i = 0
    n = len(sent.words)
    while i < n:
        if i > 0 and sent.gap(i) == " " and _is_cap(sent.word(i - 1)):
            i += 1
            continue
        j = _person_run(sent, i, min_len=3, max_len=4)
        if j is not None and all(_VIETNAMESE_SYLLABLE.match(sent.word(k).lower()) for k in range(i, j)):
            span = (sent.words[i][0], sent.words[j - 1][1])
            if not _places().match(sent.text, span[0]) and sent.word(i + 1) not in _NOT_NAME - _MIDDLES:
                yield span[0], span[1], PER
            i = j
            continue
        i += 1


_TRANSLITERATED = rf"[{_UPPER}][^\W_]*(?:{_HYPHEN_SYLLABLE})+"  # La-vrốp, Tin-lơ-xơn
_RX_INITIAL_NAME = re.compile(rf"(?<![^\W_.])[{_UPPER}]\. ?{_TRANSLITERATED}(?: {_TRANSLITERATED})*(?![^\W_])")


@entity_lf(accuracy=0.85, priority=3)
def lf_initial_name(sent: Sentence) -> Iterator[EntityVote]:
    """A foreign name as the Vietnamese press transliterates it: an initial, then hyphenated
    syllables (``X.La-vrốp``, ``R.Tin-lơ-xơn``). Place abbreviations (``Q.Bình Thạnh``) have no hyphens."""
    for m in _RX_INITIAL_NAME.finditer(sent.text):
        yield m.start(), m.end(), PER


# --- document-level labelling functions --------------------------------------------------------
_RX_BYLINE = re.compile(
    rf"^(?:(?:Bài|Bài và ảnh|Tin|Tin, ảnh|Nhóm PV|PV|Theo)\s?:?\s)?"
    rf"({_CAPW}(?: {_CAPW}){{0,3}}(?:\s?[-–,/]\s?{_CAPW}(?: {_CAPW}){{0,3}})*)"
    rf"(?:\s?/\s?[\w.+]+|\s?\((?:ghi|(?:Theo )?([^()]{{2,25}}))\))?\s?[-–.]?$"
)
_RX_GLUED_BYLINE = re.compile(rf"(?<=\d)({_CAPW}(?: {_CAPW}){{0,3}})$")


_RX_DOUBLED = re.compile(r"(\S+[ /].*) \1")  # more than one word, twice ("An An" may be one name)


def _byline_votes(sent: Sentence, text: str, whole_line: bool, base: int = 0) -> Iterator[EntityVote]:
    """The persons and agencies of one byline ``text``, which starts ``base`` characters into the sentence."""
    m = _RX_BYLINE.match(text)
    if not m or _places().fullmatch(m.group(1)) or m.group(1) in _PLACE_SET:
        return
    words = re.findall(r"[^\W_]+", m.group(1))
    if not (whole_line or (len(words) >= 2 and words[0] not in _OPENERS)) or words[0] in _BYLINE_STOP:
        return
    for s, e, t in _agency_or_name(sent, base + m.start(1), base + m.end(1), single=whole_line):
        yield sent.start + s, sent.start + e, t
    agency = re.search(r"/\s?([\w.+]+)", text[m.end(1) :])
    if agency and _AGENCY.match(agency.group(1)):
        s = base + m.end(1) + agency.start(1)
        yield sent.start + s, sent.start + s + len(agency.group(1)), ORG
    source = m.group(2)  # "QUANG PHONG (Dân trí)", "Nguyên Linh (TTXVN)"; not "Hải Yến (T/h)", compiled
    if source and _is_cap(source) and source.split()[0] not in _BYLINE_STOP and source.upper() != "T/H":
        s = base + m.start(2)
        yield sent.start + s, sent.start + s + len(source), ORG


@document_lf(accuracy=0.85, priority=4)
def lf_byline(doc: DocumentContext) -> Iterator[EntityVote]:
    """A byline: a short line of capitalised names after the title (``Hoàng Nga``, ``Anh- Phương``,
    ``NHIỆT BĂNG - XUÂN NHÀN``, ``Minh Hòa/VOV.VN``), the names glued after a date
    (``22/11/2024Hương Giang``) or the short last sentence of the article (``… địa phương. Văn Đức``)."""
    for k, sent in enumerate(doc.sentences):
        if sent.line_no == 0:
            continue
        whole_line = sent.line_start and sent.line_end
        last = k == len(doc.sentences) - 1 or (sent.line_end and sent.last_line)
        text = sent.text.strip()
        if (whole_line or last) and len(text) <= 121 and _RX_DOUBLED.fullmatch(text):
            # the crawl sometimes repeats the credit: "Trí Anh/VOV.VN Trí Anh/VOV.VN"
            half = len(text) // 2
            yield from _byline_votes(sent, text[:half], whole_line)
            yield from _byline_votes(sent, text[half + 1 :], whole_line, base=half + 1)
        elif (whole_line or last) and len(text) <= 60:
            yield from _byline_votes(sent, text, whole_line)
        if sent.line_end:
            m = _RX_GLUED_BYLINE.search(sent.text)
            if m and m.group(1).split()[0] not in _NOT_NAME:
                yield sent.start + m.start(1), sent.start + m.end(1), PER


def _whole_words(names: Iterable[str], *, whole_run: bool = False) -> re.Pattern:
    """Any of ``names`` as whole words: no letter or digit on either side. With ``whole_run``, also no
    capitalised word right after, so that the name is a whole capitalised run (``Đồng Tâm``, not the
    start of ``Đồng Tâm Xanh``)."""
    tail = rf"(?! [{_UPPER}])" if whole_run else ""
    return re.compile(rf"(?<![^\W_])(?:{_alt(names)})(?![^\W_]){tail}")


@document_lf(accuracy=0.82, priority=2)
def lf_repeated_name(doc: DocumentContext) -> Iterator[EntityVote]:
    """Every other occurrence of a name a stronger function found in the same document:
    once ``Nguyễn Văn Thiện`` is a PER after ``ông``, a bare ``Nguyễn Văn Thiện`` is one too."""
    names = {doc.text[s:e] for (s, e, t, source) in doc.votes if t == PER and " " in doc.text[s:e]
             and source in ("lf_person_after_title", "lf_person_after_marker", "lf_byline")}
    names = {n for n in names if n not in _PLACE_SET}
    if not names:
        return
    rx = _whole_words(names)
    for m in rx.finditer(doc.folded):
        yield m.start(), m.end(), PER


_RX_INITIAL = re.compile(rf"^[{_UPPER}]\. ?")
_RX_MARKER_BEFORE = _rx(rf"(?:^|[^\w])(?:{_alt(gz.PERSON_MARKERS)}) $")
_RX_WORD_BEFORE = re.compile(r"([^\W_]+) $")


def _given_name(name: str) -> str | None:
    """The word a person is called by later in an article: the given name of a Vietnamese full
    name (``Phan Đình Bảo`` → ``Bảo``), the surname of a transliterated one (``X.La-vrốp`` → ``La-vrốp``)
    or of a foreign one (``Andrej Babis`` → ``Babis``)."""
    initial = _RX_INITIAL.match(name)
    if initial:
        return name[initial.end():].split()[-1]
    words = name.split()
    if len(words) >= 2 and all(_foreign_word(w) and not w.isupper() for w in words):
        return words[-1]  # a foreign name is called by its family name: "Andrej Babis" → "Babis"
    if len(words) < 2 or words[0] not in _SURNAMES:
        return None
    return words[-1]


@document_lf(accuracy=0.78, priority=1)
def lf_given_name(doc: DocumentContext) -> Iterator[EntityVote]:
    """A person called by the given name alone once a stronger function found the full name:
    after ``nghi phạm Phan Đình Bảo``, ``Sau khi gây án, Bảo …`` and ``ông Bảo`` are PER; after
    ``X.La-vrốp``, ``ông La-vrốp``. The word must stand alone (no capitalised word beside it but a
    marker) and not open a common word (``Thành phố``, ``Kỳ họp``)."""
    keys = set()
    for s, e, t, source in doc.votes:
        if t == PER and source in _STRONG_PERSON_SOURCES:
            key = _given_name(doc.folded[s:e])
            if key and key not in _PLACE_SET and key not in _AMBIGUOUS_COUNTRY_SET:
                keys.add(key)
    if not keys:
        return
    dictionary = _dictionary()
    rx = re.compile(rf"(?<![^\W_.\-])(?:{_alt(keys)})(?![^\W_]|-)")
    for m in rx.finditer(doc.folded):
        before = doc.folded[max(0, m.start() - 20) : m.start()]
        marked = bool(_RX_MARKER_BEFORE.search(before))
        prev = _RX_WORD_BEFORE.search(before)
        if prev and _is_cap(prev.group(1)) and not marked:
            continue
        after = re.match(r" ([^\W_]+)", doc.folded[m.end() : m.end() + 20])
        if after and _is_cap(after.group(1)):
            continue
        if after and f"{m.group().lower()} {after.group(1)}" in dictionary:
            continue
        if m.group() in _NOT_NAME and not marked:
            continue  # "Kỳ họp", "Chương trình" open sentences
        yield m.start(), m.end(), PER


def _foreign_word(word: str) -> bool:
    """A one-word name that is no Vietnamese syllable (``Marawi``, ``Kharkov``), safe to find bare."""
    return len(word) >= 4 and word not in _NOT_NAME and not _VIETNAMESE_SYLLABLE.match(word.lower())


@document_lf(accuracy=0.75, priority=1)
def lf_repeated_place(doc: DocumentContext) -> Iterator[EntityVote]:
    """A place named with its unit word (``xã Đồng Tâm``, ``quận Sơn Trà``, ``Khu đô thị Linh Đàm``) is a
    place when the same document names it bare, as a whole capitalised run: ``vụ Đồng Tâm``. A one-word
    name must be foreign (``thành phố Marawi`` … ``chiếm Marawi``), not a Vietnamese syllable."""
    names = set()
    for s, e, t, source in doc.votes:
        if t == LOC and source in ("lf_admin_place", "lf_place_unit"):
            m = _RX_UNIT_NAME.match(doc.folded, s, e)
            if m and m.group(1) not in _PLACE_SET and (" " in m.group(1) or _foreign_word(m.group(1))):
                names.add(m.group(1))
    if not names:
        return
    rx = _whole_words(names, whole_run=True)
    for m in rx.finditer(doc.folded):
        if not _RX_CAP_BEFORE.search(doc.folded, max(0, m.start() - 12), m.start()):
            yield m.start(), m.end(), LOC


_RX_CAP_BEFORE = re.compile(rf"[{_UPPER}][^\W_]* $")


_STRONG_PERSON_SOURCES = frozenset(("lf_person_after_title", "lf_person_after_marker", "lf_byline", "lf_full_name",
                                    "lf_initial_name"))
# An urban area names its neighbourhood ("Khu đô thị Linh Đàm" … "khu vực Linh Đàm"); other
# facilities do not ("Khách sạn DoubleTree" … "DoubleTree by Hilton" is the brand).
_UNIT_NAME_UNITS = gz.ADMIN_UNITS + gz.NATURAL_UNITS + ("Khu đô thị", "khu đô thị")
_RX_UNIT_NAME = _rx(rf"(?:{_alt(_UNIT_NAME_UNITS)})\.? ?([{_UPPER}].*)")
_RX_BRACKET_DEF = re.compile(rf" \(({_ABBR}(?: [{_UPPER}][^\W_]*)*)\)")


@document_lf(accuracy=0.8, priority=2)
def lf_defined_abbreviation(doc: DocumentContext) -> Iterator[EntityVote]:
    """An abbreviation defined in brackets after an organisation, at every occurrence:
    ``Ủy ban Kiểm tra Trung ương (UBKT Trung ương)`` → ``UBKT Trung ương`` is ORG everywhere."""
    abbreviations = set()
    for _, e, t, _source in doc.votes:
        if t == ORG:
            m = _RX_BRACKET_DEF.match(doc.folded, e)
            if m and len(m.group(1)) >= 2:
                abbreviations.add(m.group(1))
    if not abbreviations:
        return
    rx = _whole_words(abbreviations)
    for m in rx.finditer(doc.folded):
        yield m.start(), m.end(), ORG


_RX_LOWER_COMPANY_HEAD = _rx(rf"(?<!{_L})(?:{_alt(h.lower() for h in gz.COMPANY_HEADS if h[1:].islower())}) $")
_RX_FOREIGN_LINK = re.compile(r"(?<![^\W_])(?:by|of|and|&) $")
_RX_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:\n])\s{0,2}$")
_RX_COMPANY_NAME = _rx(rf"(?:{_alt(gz.COMPANY_HEADS)})(?: (?:{_alt(gz.COMPANY_FORMS)}))*(?!{_L}) "
                       rf"([{_UPPER}][^\W_]*(?: [{_UPPER}][^\W_]*)*)$")


@document_lf(accuracy=0.75, priority=1)
def lf_repeated_company(doc: DocumentContext) -> Iterator[EntityVote]:
    """A company named with its head (``Công ty Formosa``, ``Tập đoàn Hilton``) is an ORG when the same
    document names it bare, as a whole capitalised run not opening a sentence: ``… của Formosa``. Only
    the capitalised name after the head and its legal form (``cổ phần``, ``TNHH``) is the bare name."""
    names = set()
    for s, e, t, source in doc.votes:
        if t == ORG and source == "lf_company":
            m = _RX_COMPANY_NAME.match(doc.folded, s, e)
            if m:
                name = m.group(1).strip()
                common = name.split()[0] in _NOT_NAME or fold(name.lower()) in _dictionary()
                if name not in _PLACE_SET and not common:
                    names.add(name)
    if not names:
        return
    rx = _whole_words(names, whole_run=True)
    for m in rx.finditer(doc.folded):
        before = doc.folded[max(0, m.start() - 30) : m.start()]
        head = _RX_LOWER_COMPANY_HEAD.search(before)
        if head:  # "tập đoàn Hilton": the lower-case head is part of the name
            yield m.start() - len(head.group()), m.end(), ORG
            continue
        if _RX_CAP_BEFORE.search(before) or _RX_FOREIGN_LINK.search(before):
            continue  # inside a longer name: "DoubleTree by Hilton"
        if _RX_SENTENCE_OPENING.search(before):
            continue  # opening a sentence (or the document): maybe a common word
        yield m.start(), m.end(), ORG


# --- aggregation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vote:
    """One labelling function's vote for a typed span (document offsets)."""

    start: int
    end: int
    type: EntityType
    source: str


@dataclass
class Candidate:
    """A typed span with the votes for it and the votes against it."""

    start: int
    end: int
    type: EntityType
    support: float = 0.0  # summed log-odds of the functions voting for it
    against: float = 0.0  # summed log-odds of same-span votes for another type
    priority: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def margin(self) -> float:
        return self.support - self.against

    @property
    def confidence(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.margin))


def aggregate_entities(
    votes: Sequence[Vote], functions: dict[str, LabellingFunction], threshold: float = 0.5
) -> list[Candidate]:
    """Flat, non-overlapping spans from overlapping and conflicting votes.

    1. Votes for the same span and type add their functions' log-odds
       ``log(a / (1 - a))`` (independent voters: a weighted majority vote); votes
       for the same span and another type count against it.
    2. Overlapping candidates compete: the one whose best voter has the highest
       priority wins, then the larger margin, then the longer span; losing
       candidates of the same priority count against the winner.
    3. Winners whose posterior ``sigmoid(margin)`` is below ``threshold`` are dropped.
    """
    by_span: dict[tuple[int, int], dict[EntityType, Candidate]] = defaultdict(dict)
    for vote in votes:
        lf = functions[vote.source]
        cand = by_span[(vote.start, vote.end)].setdefault(vote.type, Candidate(vote.start, vote.end, vote.type))
        if vote.source in cand.sources:
            continue  # one function, one vote per span
        cand.support += lf.weight
        cand.priority = max(cand.priority, lf.priority)
        cand.sources.append(vote.source)
    candidates: list[Candidate] = []
    for types in by_span.values():
        total = sum(c.support for c in types.values())
        for cand in types.values():
            cand.against = total - cand.support
            candidates.append(cand)
    ranked = sorted(candidates, key=lambda c: (-c.priority, -c.margin, -(c.end - c.start), c.start))
    chosen: list[Candidate] = []
    occupied: list[Span] = []
    for cand in ranked:
        if cand.margin <= 0:
            continue
        clash = [i for i, (s, e) in enumerate(occupied) if s < cand.end and cand.start < e]
        if clash:
            for i in clash:
                winner = chosen[i]
                if winner.priority == cand.priority and (winner.start, winner.end) != (cand.start, cand.end) \
                        and cand.type != winner.type:
                    winner.against += min(cand.support, winner.support) * 0.5
            continue
        chosen.append(cand)
        occupied.append((cand.start, cand.end))
    kept = [c for c in chosen if c.confidence >= threshold]
    return sorted(kept, key=lambda c: (c.start, c.end))


_RX_PAIR_DASH_BEFORE = re.compile(r"[-–] ?$")


def absorb_bracketed_abbreviations(folded: str, candidates: list[Candidate]) -> list[Candidate]:
    """The guide keeps an abbreviation in brackets inside the name it abbreviates: an ORG right before
    `` (EVN)`` ends after the bracket, and an ORG candidate for the abbreviation itself goes.
    ``Tập đoàn Điện lực Việt Nam (EVN)`` is one ORG. A bracket holding another type (``(TP.HCM)``, a
    place) or more than an abbreviation (``(Bộ NN-PTNT)``, a parent body) stays out, and so does one
    after an acronym or after the second side of a pair, which end a longer name that the bracket
    abbreviates: ``Diễn đàn Khu vực ASEAN (ARF)``, ``Hiệp định … Việt Nam - Liên minh châu Âu (EVFTA)``."""
    out: list[Candidate] = []
    starts = [c.start for c in candidates]
    absorbed_until = -1
    for k, cand in enumerate(candidates):
        if cand.start < absorbed_until:
            continue
        bracket = None
        if cand.type == ORG and not folded[cand.start : cand.end].isupper() and \
                not _RX_PAIR_DASH_BEFORE.search(folded, max(0, cand.start - 2), cand.start):
            bracket = _RX_BRACKET_DEF.match(folded, cand.end)
        if bracket:
            inner = candidates[k + 1 : bisect_left(starts, bracket.end(), lo=k + 1)]
            if all(c.type == ORG and (c.start, c.end) == bracket.span(1) for c in inner):
                cand = replace(cand, end=bracket.end())
                absorbed_until = cand.end
        out.append(cand)
    return out


_RX_DATE_QUALIFIER = re.compile(r"(?<![^\W_])(?:[Cc]uối|[Đđ]ầu|[Gg]iữa) $")


def qualified_dates(folded: str, candidates: list[Candidate]) -> list[Candidate]:
    """A DATE takes in the part of the period that qualifies it, as the gold does: ``cuối năm 2017``,
    ``đầu tháng 12/2016``, ``giữa năm 2018`` are one DATE each."""
    out: list[Candidate] = []
    for cand in candidates:
        qualifier = _RX_DATE_QUALIFIER.search(folded, max(0, cand.start - 5), cand.start) \
            if cand.type == DATE else None
        if qualifier and not (out and out[-1].end > qualifier.start()):  # not a word of the entity before
            cand = replace(cand, start=qualifier.start())
        out.append(cand)
    return out


# --- relations ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    """An aggregated entity inside one sentence, as relation functions see it."""

    index: int  # position in the document's entity list
    start: int
    end: int
    type: EntityType


@dataclass
class RelationContext:
    """The entities of one sentence, in order, and the folded document text."""

    text: str
    mentions: list[Mention]
    sentence: Span = (0, 0)

    def between(self, a: Mention, b: Mention) -> str:
        return self.text[a.end : b.start]

    def before(self, a: Mention, width: int = 40) -> str:
        return self.text[max(self.sentence[0], a.start - width) : a.start]

    def after(self, a: Mention, width: int = 40) -> str:
        return self.text[a.end : min(self.sentence[1], a.end + width)]

    @classmethod
    def of(cls, text: str, spans: Sequence[tuple[str, EntityType]]) -> RelationContext:
        """A context from a sentence and its mentions written in order (for tests and examples)."""
        mentions, cursor = [], 0
        folded = fold(text)
        for k, (mention, etype) in enumerate(spans):
            start = folded.index(fold(mention), cursor)
            mentions.append(Mention(k, start, start + len(mention), etype))
            cursor = start + len(mention)
        return cls(folded, mentions, (0, len(folded)))


RelationVote = tuple[int, int, RelationType]  # head and tail indices into ctx.mentions

_APPOSITION = re.compile(
    r"^(?:\s*,\s*|\s+[-–]\s+|\s*\(\s*|\s+)"
    r"(?:(?:(?:đã |vừa |sẽ )?(?:được |đã được )?(?:điều động, |luân chuyển, )?"
    r"(?:giao|bổ nhiệm|điều động|luân chuyển|bầu|bầu giữ|bầu làm|giữ|làm|kiêm|tái đắc cử|đắc cử|phân công|chỉ định)"
    r"(?: giữ| làm)?(?: chức(?: vụ| danh)?)?(?: là)?\s+)|(?:nguyên|hiện là|là|đương kim)\s+)?$"
)


@relation_lf(accuracy=0.9)
def rf_title_construction(ctx: RelationContext) -> Iterator[RelationVote]:
    """``Chức vụ + Cơ quan + Tên`` and ``Tên, Chức vụ + Cơ quan`` → has_position, affiliated_with.

    ``Phó Chủ tịch UBND tỉnh Bùi Văn Khắng`` and ``Bùi Văn Khắng, Phó Chủ tịch UBND tỉnh``
    both give Khắng → ``Phó Chủ tịch`` (has_position) and Khắng → ``UBND tỉnh``
    (affiliated_with); a title followed by a place (``Chủ tịch tỉnh Thanh Hóa``), or by two places
    (``Đại sứ Việt Nam tại Nhật Bản``), gives has_position only; ``Ông X, Ủy viên …, Phó Chủ tịch …
    được giao Quyền Chủ tịch …`` links every title of the chain.
    """
    m = ctx.mentions
    n = len(m)
    owner: dict[int, int] = {}  # title mention → person mention
    # titles written before a name: a chain of "title [body]" units, the last right before the name
    for p in range(n):
        if m[p].type != PER:
            continue
        k = p - 1
        chain: list[int] = []
        while k >= 0:
            glue = ctx.between(m[k], m[k + 1])
            if not (glue == " " if k + 1 == p else glue in _CHAIN_GLUE):
                break
            if m[k].type in (ORG, LOC) and k >= 1 and m[k - 1].type == POS and \
                    ctx.between(m[k - 1], m[k]) in (" ", "  "):
                chain[:0] = [k - 1, k]
                k -= 2
            elif m[k].type == ORG and k >= 2 and m[k - 1].type == ORG and m[k - 2].type == POS and \
                    ctx.between(m[k - 1], m[k]) == " của " and ctx.between(m[k - 2], m[k - 1]) in (" ", "  "):
                chain[:0] = [k - 2, k - 1, k]  # "Chủ nhiệm Ủy ban Pháp luật của Quốc hội Nguyễn Văn A"
                k -= 3
            elif m[k].type == LOC and k >= 2 and m[k - 1].type == LOC and m[k - 2].type == POS and \
                    ctx.between(m[k - 1], m[k]) == " tại " and ctx.between(m[k - 2], m[k - 1]) in (" ", "  "):
                chain[:0] = [k - 2, k - 1, k]  # "Đại sứ Việt Nam tại Nhật Bản Nguyễn Quốc Cường"
                k -= 3
            elif m[k].type == POS:
                chain[:0] = [k]
                k -= 1
            else:
                break
        for c in chain:
            owner.setdefault(c, p)
    # titles written after a name: "Tên, Chức vụ + Cơ quan, Chức vụ + Cơ quan"
    for p in range(n):
        if m[p].type != PER:
            continue
        k = p + 1
        prev = p
        while k < n:
            glue = ctx.between(m[prev], m[k])
            if m[k].type == POS and _APPOSITION.match(glue):
                if k + 1 < n and m[k + 1].type == PER and ctx.between(m[k], m[k + 1]) == " ":
                    break  # this title belongs to the next name
                owner.setdefault(k, p)
                prev = k
                k += 1
                if k < n and m[k].type in (ORG, LOC) and ctx.between(m[prev], m[k]) in (" ", "  ", " của "):
                    if k + 1 < n and m[k + 1].type == PER and ctx.between(m[k], m[k + 1]) == " ":
                        break
                    owner.setdefault(k, p)
                    prev = k
                    k += 1
                    if k < n and m[k].type == ORG and m[prev].type == ORG and ctx.between(m[prev], m[k]) == " của ":
                        owner.setdefault(k, p)  # "…, Ủy viên Ủy ban Pháp luật của Quốc hội"
                        prev = k
                        k += 1
                continue
            break
    for t, p in owner.items():
        if m[t].type == POS:
            yield p, t, RelationType.HAS_POSITION
        elif m[t].type == ORG:
            # only a body written right after one of the person's titles, or after that body and "của"
            if t > 0 and m[t - 1].type == POS and owner.get(t - 1) == p:
                yield p, t, RelationType.AFFILIATED_WITH
            elif t > 1 and m[t - 1].type == ORG and m[t - 2].type == POS and owner.get(t - 1) == p and \
                    owner.get(t - 2) == p and ctx.between(m[t - 1], m[t]) == " của ":
                yield p, t, RelationType.AFFILIATED_WITH


_CHAIN_GLUE = (", ", " kiêm ", " và ", " ")
_ISSUE_VERB = re.compile(
    r"^\s+(?:(?:đã|vừa|mới|cũng|đã chính thức|chính thức|sẽ|vừa mới|đã có|đã ký) )*"
    r"(?:ban hành|ký ban hành|ký|có|thông qua|phê duyệt|ra|công bố|gửi|trình|ký kết|ban hành được)\s+$"
)
_OF = re.compile(r"^\s*(?:,\s*)?(?:do |của )$")
_COORD = re.compile(r"^(?:\s+và\s+|\s*,\s*|\s+cùng\s+)$")
_STRICT_COORD = re.compile(r"^\s+(?:và|cùng)\s+$")


_CREDIT_GLUE = re.compile(r"\s?/\s?|\s?\(")


@relation_lf(accuracy=0.85)
def rf_credit(ctx: RelationContext) -> Iterator[RelationVote]:
    """A byline or photo credit names the author's agency right after the name: ``Thanh Tân/TTXVN``,
    ``Lê Đức Hoảnh (TTXVN)`` → affiliated_with (the author works for it)."""
    m = ctx.mentions
    for k in range(len(m) - 1):
        person, body = m[k], m[k + 1]
        if person.type != PER or body.type != ORG:
            continue
        glue = ctx.between(person, body)
        if _CREDIT_GLUE.fullmatch(glue) and ("(" not in glue or ctx.text[body.end : body.end + 1] == ")"):
            yield k, k + 1, RelationType.AFFILIATED_WITH


def _coordinated(ctx: RelationContext, k: int, step: int, types=(ORG,), strict: bool = False) -> list[int]:
    """Mention ``k`` and the mentions coordinated with it (``A và B``, with ``strict=False`` also
    ``A, B``) in direction ``step``."""
    out = [k]
    coord = _STRICT_COORD if strict else _COORD
    j = k
    while 0 <= j + step < len(ctx.mentions):
        nxt = j + step
        a, b = (ctx.mentions[j], ctx.mentions[nxt]) if step > 0 else (ctx.mentions[nxt], ctx.mentions[j])
        if ctx.mentions[nxt].type in types and coord.match(ctx.between(a, b)):
            out.append(nxt)
            j = nxt
        else:
            break
    return out


@relation_lf(accuracy=0.88)
def rf_issued(ctx: RelationContext) -> Iterator[RelationVote]:
    """``ORG ban hành/ký/có DOC``, ``DOC [ngày …] của ORG [và ORG]``, ``DOC do ORG ban hành`` → issued.

    ``UBND tỉnh đã ban hành Kế hoạch số 195/KH-UBND``; ``Nghị quyết 108/NQ-CP ngày
    26/11/2019 của Chính phủ``; ``Thỏa thuận số 4645 … của UBND tỉnh Tây Ninh và UBND tỉnh Long An``.
    """
    m = ctx.mentions
    for d, doc in enumerate(m):
        if doc.type != DOC:
            continue
        # issuers before: "A [và B] đã ban hành DOC"
        if d > 0 and m[d - 1].type == ORG and _ISSUE_VERB.match(ctx.between(m[d - 1], doc)):
            for o in _coordinated(ctx, d - 1, -1, strict=True):
                yield o, d, RelationType.ISSUED
        # issuers after: "DOC [ngày …] của/do [Thủ tướng] A [và B]"
        k = d + 1
        while k < len(m) and m[k].type == DATE and re.fullmatch(r"\s*,?\s*", ctx.between(m[k - 1], m[k])):
            k += 1
        if k < len(m):
            glue = ctx.between(m[k - 1], m[k])
            if m[k].type == POS and _OF.match(glue) and k + 1 < len(m) and m[k + 1].type == ORG and \
                    ctx.between(m[k], m[k + 1]) == " ":
                yield k + 1, d, RelationType.ISSUED
            elif m[k].type == ORG and _OF.match(glue):
                for o in _coordinated(ctx, k, 1, strict=True):
                    yield o, d, RelationType.ISSUED


_DATE_AFTER_DOC = re.compile(r"^\s*(?:,\s*)?(?:(?:ban hành|ký|được ban hành|ký ban hành)\s+)?(?:vào\s+)?$")


@relation_lf(accuracy=0.9)
def rf_dated(ctx: RelationContext) -> Iterator[RelationVote]:
    """``DOC ngày …`` (also ``DOC của ORG ngày …``) and ``Ngày …, ORG ban hành DOC`` → dated.

    ``Kế hoạch số 195/KH-UBND ngày 19/8/2019``; ``Kế hoạch hành động số 14/KH-UBND của UBND
    tỉnh ngày 28/7/2017``; ``Ngày 30/5/2019, Ban Thường vụ … đã có Kết luận số 01-KL/TU/LT``.
    """
    m = ctx.mentions
    text = ctx.text
    for d, doc in enumerate(m):
        if doc.type != DOC:
            continue
        k = d + 1
        # skip "của ORG [và ORG]"
        if k < len(m) and m[k].type == ORG and _OF.match(ctx.between(m[d], m[k])):
            k = _coordinated(ctx, k, 1)[-1] + 1
        if k < len(m) and m[k].type == DATE and _DATE_AFTER_DOC.match(ctx.between(m[k - 1], m[k])):
            if re.match(r"(?i:ngày|\d)", text[m[k].start : m[k].end]):
                yield d, k, RelationType.DATED
                continue
        # "Ngày X, ORG [và ORG] đã ban hành DOC"
        if d > 0 and m[d - 1].type == ORG and _ISSUE_VERB.match(ctx.between(m[d - 1], doc)):
            first = _coordinated(ctx, d - 1, -1)[-1]
            if first > 0 and m[first - 1].type == DATE and re.fullmatch(r"\s*,\s*", ctx.between(m[first - 1],
                                                                                                   m[first])):
                yield d, first - 1, RelationType.DATED


_COOP_WORDS = re.compile(
    r"(?<!\w)(?:hợp tác|phối hợp|liên kết|ký kết|thỏa thuận|liên tịch|hợp tác hóa|kết nghĩa|cùng ký|chung tay)(?!\w)",
    re.IGNORECASE,
)
_PARTNER_GLUE = re.compile(r"^(?:\s+và\s+|\s*[-–]\s*|\s*,\s*)$")
_WITH = re.compile(
    r"(?:chủ trì,?\s*|làm đầu mối,?\s*|đầu mối,?\s*)?(?:tham gia\s+)?(?:phối hợp|hợp tác|liên kết|ký kết[^,.;]{0,40})"
    r"(?: chặt chẽ| toàn diện)? với\s+$"
)


def _partner_list(ctx: RelationContext, k: int) -> list[int]:
    """Mention ``k`` and the ORG/LOC mentions listed after it (``A, B, C và D``, ``A - B - C``)."""
    out = [k]
    j = k
    while j + 1 < len(ctx.mentions):
        nxt = ctx.mentions[j + 1]
        if nxt.type not in (ORG, LOC) or not _PARTNER_GLUE.match(ctx.between(ctx.mentions[j], nxt)):
            break
        out.append(j + 1)
        j += 1
    return out


@relation_lf(accuracy=0.72)
def rf_cooperation(ctx: RelationContext) -> Iterator[RelationVote]:
    """Parties of one cooperation, agreement or joint programme → cooperates_with (every pair).

    ``chương trình hợp tác giữa tỉnh Quảng Ninh và TP Hải Phòng``; ``liên kết vùng giữa
    Quảng Ninh - Hải Phòng - Thái Bình``; ``Thành ủy Hải Phòng và Tỉnh ủy Quảng Ninh tổ chức
    hội nghị sơ kết chương trình hợp tác`` (a pair joined by ``và``/a dash in a sentence that
    speaks of cooperation). A list joined only by commas is not a pair.
    """
    m = ctx.mentions
    sentence_text = ctx.text[ctx.sentence[0] : ctx.sentence[1]]
    if not _COOP_WORDS.search(sentence_text):
        return
    seen: set[int] = set()
    for k in range(len(m)):
        if k in seen or m[k].type not in (ORG, LOC):
            continue
        group = _partner_list(ctx, k)
        seen.update(group)
        if len(group) < 2:
            continue
        glues = [ctx.between(m[a], m[b]) for a, b in zip(group, group[1:])]
        after_between = re.search(r"giữa\s+$", ctx.before(m[k], 12)) is not None
        if not after_between and not any(re.match(r"^\s+và\s+$|^\s*[-–]\s*$", g) for g in glues):
            continue
        if any(m[g].type == LOC and not _party_place(ctx.text[m[g].start : m[g].end]) for g in group):
            continue  # bays, bridges and ports do not cooperate
        # one joint act: only mentions of one kind (bodies with bodies, places with places)
        types = {m[g].type for g in group}
        if len(types) > 1 and not after_between:
            continue
        # "A với B": partners after "với" belong to rf_coordination_with
        if re.search(r"với\s+$", ctx.before(m[k], 10)):
            continue
        for a_i, a in enumerate(group):
            for b in group[a_i + 1 :]:
                yield a, b, RelationType.COOPERATES_WITH


def _party_place(mention: str) -> bool:
    """Whether a place can be a party to cooperation: a province, city, country or administrative unit."""
    return mention in _PLACE_SET or _admin_rank(mention) < 9


@relation_lf(accuracy=0.75)
def rf_cooperation_with(ctx: RelationContext) -> Iterator[RelationVote]:
    """``X chủ trì, phối hợp với A, B`` and ``X hợp tác với A`` → X–A, X–B (not A–B).

    X is the nearest body or place before the phrase in the same clause.
    """
    m = ctx.mentions
    for k in range(1, len(m)):
        if m[k].type not in (ORG, LOC):
            continue
        glue_start = m[k - 1].end
        window = ctx.text[max(glue_start, m[k].start - 90) : m[k].start]
        if not _WITH.search(window):
            continue
        # the subject: nearest ORG (else LOC) before the phrase, not across ";" or a sentence end
        phrase_at = m[k].start - len(window) + _WITH.search(window).start()
        subject = None
        for j in range(k - 1, -1, -1):
            if m[j].end > phrase_at:
                continue
            between = ctx.text[m[j].end : phrase_at]
            if ";" in between or ":" in between:
                break
            if m[j].type == ORG:
                subject = j
                break
            if m[j].type == LOC and subject is None and not re.search(r"(?:cho|của|tại|với)\s+$",
                                                                     ctx.before(m[j], 8)):
                subject = j
        if subject is None:
            continue
        for partner in _partner_list(ctx, k):
            if m[partner].type == LOC and not _party_place(ctx.text[m[partner].start : m[partner].end]):
                continue
            if partner != subject:
                yield subject, partner, RelationType.COOPERATES_WITH


@relation_lf(accuracy=0.85)
def rf_joint_issuers(ctx: RelationContext) -> Iterator[RelationVote]:
    """Bodies that issue one document together cooperate: ``A và B đã có Kết luận số …``,
    ``Thỏa thuận số … của A và B``."""
    m = ctx.mentions
    issuers: dict[int, list[int]] = defaultdict(list)
    for head, tail, _ in rf_issued(ctx):
        issuers[tail].append(head)
    for group in issuers.values():
        group = sorted(set(group))
        for a_i, a in enumerate(group):
            for b in group[a_i + 1 :]:
                if b == a + 1 and re.fullmatch(r"\s+(?:và|cùng)\s+", ctx.between(m[a], m[b])):
                    yield a, b, RelationType.COOPERATES_WITH


_LOCATED_GLUE = re.compile(r"^,?\s+(?:tại|ở|thuộc|đặt tại|nằm ở|nằm tại|trên địa bàn)\s+$")


@relation_lf(accuracy=0.85)
def rf_located_in(ctx: RelationContext) -> Iterator[RelationVote]:
    """``X (Y)`` with Y a place, ``X tại/thuộc Y``, ``X đặt tại Y``, ``xã A, huyện B``, ``xã A
    (huyện B, tỉnh C)`` and a company followed by its place → located_in.

    ``vịnh Lan Hạ (Hải Phòng)``; ``Trung tâm … tại Vùng Đồng bằng sông Hồng đặt tại TP. Hải
    Phòng`` (both for the centre); ``Công ty CP TM Mộc Hóa tỉnh Long An``.
    """
    m = ctx.mentions
    text = ctx.text
    for k in range(len(m) - 1):
        x, y = m[k], m[k + 1]
        if x.type not in (ORG, LOC) or y.type != LOC:
            continue
        glue = ctx.between(x, y)
        if glue in (" (", "(") and text[y.end : y.end + 1] == ")":
            yield k, k + 1, RelationType.LOCATED_IN
        elif glue in (" (", "(") and text[y.end : y.end + 2] == ", " and x.type == LOC and \
                _nests_in(_admin_rank(text[x.start : x.end]), _admin_rank(text[y.start : y.end])):
            # "xã Ngọc Phái (huyện Chợ Đồn, tỉnh Bắc Kạn)", "đường Trường Sơn (Q.Tân Bình, TP.HCM)"
            yield k, k + 1, RelationType.LOCATED_IN
        elif _LOCATED_GLUE.match(glue) and not (x.type == ORG and "thuộc" in glue):
            if "đặt tại" in glue and k > 0 and _LOCATED_GLUE.match(ctx.between(m[k - 1], x)):
                continue  # "X tại Y đặt tại Z": Z locates X, not Y
            if x.type == LOC and _admin_rank(text[x.start : x.end]) >= 4 and \
                    _admin_rank(text[x.start : x.end]) >= _admin_rank(text[y.start : y.end]):
                continue  # "người Việt Nam tại Hoa Kỳ": a country is not in another
            yield k, k + 1, RelationType.LOCATED_IN
            # "X tại Y đặt tại Z": Z locates X too
            if k + 2 < len(m) and m[k + 2].type == LOC and re.match(r"^\s+đặt tại\s+$", ctx.between(y, m[k + 2])):
                yield k, k + 2, RelationType.LOCATED_IN
        elif glue == " " and x.type == ORG and _is_company(text[x.start : x.end]):
            yield k, k + 1, RelationType.LOCATED_IN
        elif glue in (", ", " - ") and x.type == LOC and y.type == LOC and _admin_rank(text[x.start : x.end]) < \
                _admin_rank(text[y.start : y.end]) < 9:
            yield k, k + 1, RelationType.LOCATED_IN


_COUNTRY_NAMES = frozenset(("Việt Nam", "Trung Quốc", "Nhật Bản", "Hàn Quốc", "Hoa Kỳ", "Thái Lan", "Triều Tiên",
                            "Liên bang Nga", "New Zealand", "Nam Phi", "Ấn Độ", "Hà Lan", "Đan Mạch", "Ba Lan"))
_ADMIN_RANKS = {"thôn": 0, "ấp": 0, "bản": 0, "xã": 1, "phường": 1, "thị trấn": 1, "huyện": 2, "quận": 2,
                "thị xã": 2, "q": 2, "tx": 2, "thành phố": 3, "tp": 3, "tỉnh": 4}


def _admin_rank(mention: str) -> int:
    """Rank of a place in the administrative hierarchy: 0 village … 4 province, 6 country,
    7 region; 9 when unknown (a bay, a bridge)."""
    lowered = mention.lower()
    for unit, rank in sorted(_ADMIN_RANKS.items(), key=lambda kv: -len(kv[0])):
        if lowered.startswith(unit + " ") or lowered.startswith(unit + "."):
            return rank
    if mention in gz.PROVINCES:
        return 4
    if mention in _district_names():
        return 2
    if mention in gz.COUNTRIES:
        return 7 if " " in mention and mention[0].lower() in "đcbtn" and mention not in _COUNTRY_NAMES else 6
    return 9


def _nests_in(inner: int, outer: int) -> bool:
    """Whether a place of rank ``inner`` (:func:`_admin_rank`) can lie in one of rank ``outer`` named in
    brackets after it: a lower administrative unit, or a street, bay or site (unranked) in any unit."""
    return outer < 9 and (inner < outer or inner == 9)


def _is_company(mention: str) -> bool:
    return _COMPANY_HEAD_RX.match(mention) is not None


_ABBR_ONLY = re.compile(rf"[^\W_]+|[{_UPPER}\d&.+\-–]+(?: [{_UPPER}\d&.+\-–]+)*")  # "EVN", "NUIPHAO MINING"


@relation_lf(accuracy=0.8)
def rf_part_of(ctx: RelationContext) -> Iterator[RelationVote]:
    """``A - B`` (bodies joined by a dash), ``A thuộc/trực thuộc/của B`` (B no company), ``A (B)``,
    and ``Vụ X Bộ Y`` → part_of. ``Phòng KHTH - SCT``; ``Vụ Kế hoạch (Bộ Công Thương)``; ``Ủy ban
    Pháp luật của Quốc hội``."""
    m = ctx.mentions
    for k in range(len(m) - 1):
        a, b = m[k], m[k + 1]
        if a.type != ORG or b.type != ORG:
            continue
        glue = ctx.between(a, b)
        if re.fullmatch(r"\s*[-–]\s*", glue):
            if re.search(r"giữa\s+$", ctx.before(a, 10)) or (k + 2 < len(m) and m[k + 2].type == ORG and re.fullmatch(
                    r"\s*[-–]\s*", ctx.between(b, m[k + 2]))):
                continue  # a list of partners
            yield k, k + 1, RelationType.PART_OF
        elif re.fullmatch(r"\s+(?:trực thuộc|thuộc)\s+", glue) or (
                glue == " của " and not _is_company(ctx.text[b.start : b.end])):
            yield k, k + 1, RelationType.PART_OF  # "… của Quốc hội"; "cổ phần của Công ty X" is ownership
        elif glue == " (" and ctx.text[b.end : b.end + 1] == ")" and \
                not _ABBR_ONLY.fullmatch(ctx.text[b.start : b.end]):
            yield k, k + 1, RelationType.PART_OF  # "Cục Cảnh sát Giao thông (Bộ Công an)"; not "(EVN)"
        elif glue == " " and not _is_company(ctx.text[b.start : b.end]):
            yield k, k + 1, RelationType.PART_OF


# --- the labeller ------------------------------------------------------------------------------
@dataclass
class DocumentContext:
    """A document as document-level functions see it: folded text, sentences, earlier votes."""

    text: str
    folded: str
    sentences: list[Sentence]
    votes: list[tuple[int, int, EntityType, str]] = field(default_factory=list)


def _sentences(folded: str) -> list[Sentence]:
    spans = split_sentences(folded)
    line_starts = [0] + [i + 1 for i, ch in enumerate(folded) if ch == "\n"]
    out = []
    last_line_no = None
    for k, (s, e) in enumerate(spans):
        line_start = folded.rfind("\n", 0, s) + 1
        line_end = folded.find("\n", e)
        line_end = len(folded) if line_end < 0 else line_end
        line_no = bisect_right(line_starts, s) - 1
        out.append(Sentence(
            text=folded[s:e], start=s, index=k, count=len(spans),
            line_start=not folded[line_start:s].strip(), line_end=not folded[e:line_end].strip(), line_no=line_no,
            last_line=False,
        ))
        last_line_no = line_no
    # the article's last non-empty line (the "related news" tails follow the body in some scrapes)
    for sent in out:
        sent.last_line = sent.line_no == last_line_no
    # sentence 0 is the title line; number lines by their non-empty order
    nonempty = sorted({s.line_no for s in out})
    order = {line: i for i, line in enumerate(nonempty)}
    for sent in out:
        sent.line_no = order[sent.line_no]
    return out


class WeakLabeller:
    """Labelling functions and their aggregation, compiled once and reused.

    >>> doc = WeakLabeller().label("Giám đốc Sở Y tế Trần Văn Bình ký Quyết định số 12/QĐ-SYT.")
    >>> [(EntityType(e.type).name, e.text) for e in doc.entities]  # doctest: +NORMALIZE_WHITESPACE
    [('POS', 'Giám đốc'), ('ORG', 'Sở Y tế'), ('PER', 'Trần Văn Bình'), ('DOC', 'Quyết định số 12/QĐ-SYT')]
    """

    def __init__(
        self,
        entity_functions: Sequence[LabellingFunction] | None = None,
        document_functions: Sequence[LabellingFunction] | None = None,
        relation_functions: Sequence[LabellingFunction] | None = None,
        threshold: float = 0.5,
    ) -> None:
        self.entity_functions = list(ENTITY_FUNCTIONS if entity_functions is None else entity_functions)
        self.document_functions = list(DOCUMENT_FUNCTIONS if document_functions is None else document_functions)
        self.relation_functions = list(RELATION_FUNCTIONS if relation_functions is None else relation_functions)
        self.threshold = threshold
        self._functions = {f.name: f for f in self.entity_functions + self.document_functions}
        # compile the lazy gazetteers now, not inside the first document
        _places(), _districts(), _dictionary(), _country_list(), _country_pair()

    # entities
    def votes(self, text: str) -> tuple[DocumentContext, list[Vote]]:
        """Every labelling function's votes on an (already normalised) text."""
        folded = fold(text)
        sentences = _sentences(folded)
        doc = DocumentContext(text, folded, sentences)
        votes: list[Vote] = []
        for sent in sentences:
            for lf in self.entity_functions:
                for s, e, t in lf.func(sent):
                    s, e = _trim(sent.text, s, e)
                    if s < e:
                        votes.append(Vote(sent.start + s, sent.start + e, t, lf.name))
        doc.votes = [(v.start, v.end, v.type, v.source) for v in votes]
        for lf in self.document_functions:
            for s, e, t in lf.func(doc):
                s, e = _trim(folded, s, e)
                if s < e and _same_sentence(sentences, s, e):
                    votes.append(Vote(s, e, t, lf.name))
        return doc, votes

    def entities(self, text: str) -> tuple[DocumentContext, list[Candidate]]:
        doc, votes = self.votes(text)
        candidates = aggregate_entities(votes, self._functions, self.threshold)
        return doc, qualified_dates(doc.folded, absorb_bracketed_abbreviations(doc.folded, candidates))

    # relations
    def relations(self, doc: DocumentContext, entities: Sequence[Candidate]) -> list[tuple[int, int, str, float]]:
        """Aggregated relations ``(head index, tail index, type, score)`` over the entities."""
        scores: dict[tuple[int, int, RelationType], list[str]] = defaultdict(list)
        accuracy = {f.name: f.accuracy for f in self.relation_functions}
        index = 0
        for sent in doc.sentences:
            s0, s1 = sent.start, sent.start + len(sent.text)
            mentions = []
            while index < len(entities) and entities[index].start < s1:
                c = entities[index]
                if c.start >= s0:
                    mentions.append(Mention(index, c.start, c.end, c.type))
                index += 1
            if len(mentions) < 2:
                continue
            ctx = RelationContext(doc.folded, mentions, (s0, s1))
            for lf in self.relation_functions:
                for h, t, rel in lf.func(ctx):
                    head, tail = mentions[h].index, mentions[t].index
                    if head == tail or not is_allowed(rel, entities[head].type, entities[tail].type):
                        continue
                    if RELATION_SIGNATURES[rel].symmetric and head > tail:
                        head, tail = tail, head
                    if lf.name not in scores[(head, tail, rel)]:
                        scores[(head, tail, rel)].append(lf.name)
        out = []
        for (head, tail, rel), sources in scores.items():
            wrong = 1.0
            for name in sources:
                wrong *= 1.0 - accuracy[name]
            score = (1.0 - wrong) * min(entities[head].confidence, entities[tail].confidence)
            out.append((head, tail, rel.value, score))
        return sorted(out, key=lambda r: (entities[r[0]].start, entities[r[1]].start, r[2]))

    # documents
    def label(self, doc_or_text: Document | str, doc_id: str | None = None) -> Document:
        """A :class:`Document` with weak entities and relations.

        The functions read the normalised text (NFC, plain spaces and line breaks). When
        the caller's text is NFC already, the document keeps it and every offset is mapped
        back to it; otherwise it holds the normalised text, as the guide's format asks
        for NFC. A document with ``error`` set is returned unchanged.
        """
        if isinstance(doc_or_text, Document):
            source = doc_or_text
            if source.error is not None:
                return source
        else:
            source = Document(id=doc_id or "", text=doc_or_text)
        norm = normalize(source.text)
        keep = norm.text != source.text and unicodedata.is_normalized("NFC", source.text)
        doc = self._label(norm, keep)
        doc.id = source.id if doc_id is None else doc_id
        doc.meta = dict(source.meta)
        return doc

    def annotate(self, text: str) -> Document:
        """Weak entities and relations with offsets on ``text`` itself, whatever its Unicode form
        (the document keeps ``text``; its id is empty). This is what runs beside a model."""
        norm = normalize(text)
        return self._label(norm, norm.text != text)

    def _label(self, norm: NormalizedText, keep: bool) -> Document:
        """Label ``norm.text``; with ``keep``, on the original text, offsets mapped back."""
        context, candidates = self.entities(norm.text)
        text = norm.original if keep else norm.text
        spans = [norm.to_original(c.start, c.end) if keep else (c.start, c.end) for c in candidates]
        entities = [
            Entity(f"T{k}", c.type.value, s, e, text[s:e], score=c.confidence)
            for k, (c, (s, e)) in enumerate(zip(candidates, spans), 1)
        ]
        found = self.relations(context, candidates)
        if keep:  # the caller's text may cut sentences differently: keep same-sentence relations
            sentences = split_sentences(text)
            found = [r for r in found if sentence_index(sentences, entities[r[0]].start)
                     == sentence_index(sentences, entities[r[1]].start)]
        relations = [Relation(rel, entities[h].id, entities[t].id, score=score) for h, t, rel, score in found]
        return Document(id="", text=text, entities=entities, relations=relations)


def _trim(text: str, s: int, e: int) -> Span:
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not (text[e - 1].isalnum() or text[e - 1] in ".+)" and _keeps_end(text, s, e)):
        e -= 1
    return s, e


def _keeps_end(text: str, s: int, e: int) -> bool:
    """Whether a span may end on ``.``/``)``: ``TP.`` is a unit word, ``(TN-MT)`` stays balanced."""
    last = text[e - 1]
    if last == ")":
        return text.count("(", s, e) == text.count(")", s, e)
    if last == ".":
        return text[s:e].endswith(("TP.", "Tp."))
    return last == "+"


def _same_sentence(sentences: list[Sentence], s: int, e: int) -> bool:
    return any(sent.start <= s and e <= sent.start + len(sent.text) for sent in sentences)


@cache
def default_labeller() -> WeakLabeller:
    """The labeller with every registered function (built once per process)."""
    return WeakLabeller()


def label_document(doc_or_text: Document | str, doc_id: str | None = None) -> Document:
    """Weak entities and relations of one document or text (see :meth:`WeakLabeller.label`).

    >>> doc = label_document("Ngày 2/3/2018, UBND tỉnh đã ban hành Kế hoạch số 45/KH-UBND.")
    >>> sorted(RelationType(r.type).name for r in doc.relations)
    ['DATED', 'ISSUED']
    """
    return default_labeller().label(doc_or_text, doc_id)


def annotate(text: str) -> Document:
    """Weak entities and relations with offsets on ``text`` itself (see :meth:`WeakLabeller.annotate`)."""
    return default_labeller().annotate(text)


def label_documents(docs: Iterable[Document], labeller: WeakLabeller | None = None) -> Iterator[Document]:
    """Label documents lazily, in order; documents with an error pass through, and a
    document that makes a labelling function fail comes back with ``error`` set."""
    labeller = labeller or default_labeller()
    for doc in docs:
        if doc.error is not None:
            yield doc
            continue
        try:
            yield labeller.label(doc)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop a batch
            log.warning("document %s: labelling failed: %s", doc.id, exc)
            yield Document(id=doc.id, text=doc.text, error=f"labelling failed: {exc}", meta=dict(doc.meta))
