"""Gazetteers for the weak labeller: general domain knowledge, never seed strings.

Everything here is public, general knowledge of Vietnamese government and
economic news: provinces and centrally-run cities (before and after the 2025
merger), countries and regions, ministries and central bodies, position titles,
surnames, the head words of organisation names and the unit words of places.

Districts and wards come from the administrative-units table that ships with
``underthesea`` (``underthesea/address/data/mapping.json``) when it is
installed; without it the labeller still finds them through their unit word
(``huyện X``), only bare district names are missed.

Every string is matched on :func:`fold`-ed text: the same length as the text,
with old-style tone placement (``Hoà``, ``Thuỷ``) mapped to the current one
(``Hòa``, ``Thủy``), so either spelling matches one gazetteer entry.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import unicodedata
from functools import cache
from pathlib import Path

from vner.model import pipeline

log = logging.getLogger(__name__)

# --- spelling variants -------------------------------------------------------------------------
# Old-style tone placement on the second vowel of oa/oe/uy → the current style on the first.
# Each pair has the same length, so folded text keeps every offset.
_TONE_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_FOLD_TABLE: dict[str, str] = {}
for _old, _new in list(_TONE_PAIRS.items()):
    for _a, _b in ((_old, _new), (_old.capitalize(), _new.capitalize()), (_old.upper(), _new.upper())):
        _FOLD_TABLE[_a] = _b
# Only open syllables differ between the styles ("Hoà"/"Hòa"); "Hoàng", "toán" are spelt one way.
_FOLD_RX = re.compile(f"(?:{'|'.join(sorted(_FOLD_TABLE))})(?![^\\W\\d_])")


def fold(text: str) -> str:
    """``text`` with old-style tone placement replaced, same length (offsets are kept).

    >>> fold("Thanh Hoá, Tỉnh uỷ, Hoàng")
    'Thanh Hóa, Tỉnh ủy, Hoàng'
    """
    text = text.replace("\u00d0", "Đ")  # Icelandic Eth, often typed for Đ
    return _FOLD_RX.sub(lambda m: _FOLD_TABLE[m.group()], text)


def _nfc(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(unicodedata.normalize("NFC", s)) for s in items))


def _lines(block: str) -> tuple[str, ...]:
    return _nfc(line.strip() for line in block.strip().splitlines() if line.strip())


# --- places ------------------------------------------------------------------------------------
#: The 63 provinces and centrally-run cities before 2025 (the merger kept 34 of these names).
PROVINCES = _lines("""
An Giang
Bà Rịa - Vũng Tàu
Bà Rịa-Vũng Tàu
Bạc Liêu
Bắc Giang
Bắc Kạn
Bắc Cạn
Bắc Ninh
Bến Tre
Bình Dương
Bình Định
Bình Phước
Bình Thuận
Cà Mau
Cao Bằng
Cần Thơ
Đà Nẵng
Đắk Lắk
Đắc Lắc
Đăk Lăk
Đắk Nông
Đăk Nông
Điện Biên
Đồng Nai
Đồng Tháp
Gia Lai
Hà Giang
Hà Nam
Hà Nội
Hà Tĩnh
Hải Dương
Hải Phòng
Hậu Giang
Hòa Bình
Hồ Chí Minh
Hưng Yên
Khánh Hòa
Kiên Giang
Kon Tum
Lai Châu
Lạng Sơn
Lào Cai
Lâm Đồng
Long An
Nam Định
Nghệ An
Ninh Bình
Ninh Thuận
Phú Thọ
Phú Yên
Quảng Bình
Quảng Nam
Quảng Ngãi
Quảng Ninh
Quảng Trị
Sóc Trăng
Sơn La
Tây Ninh
Thái Bình
Thái Nguyên
Thanh Hóa
Thừa Thiên Huế
Thừa Thiên - Huế
Thừa Thiên-Huế
Huế
Tiền Giang
Trà Vinh
Tuyên Quang
Vĩnh Long
Vĩnh Phúc
Yên Bái
Hà Tây
Sài Gòn
TP.HCM
TPHCM
TP HCM
TP. HCM
Tp.HCM
""")

# Countries, territories and world regions as Vietnamese news writes them (COUNTRIES, below, adds the
# world places). Names that are also common personal names (Anh, Đức, Nga, Nhật, Ý) are left to their
# longer forms.
_NATIONS = _lines("""
Việt Nam
VN
Lào
Campuchia
Cam-pu-chia
Thái Lan
Trung Quốc
Nhật Bản
Hàn Quốc
Triều Tiên
Hoa Kỳ
Hợp chúng quốc Hoa Kỳ
Hợp chủng quốc Hoa Kỳ
Mỹ
Liên bang Nga
LB Nga
CHND Trung Hoa
CHXHCN Việt Nam
CHXHCN VN
CHDCND Lào
CHDCND Triều Tiên
CH Belarus
CH Czech
CH Haiti
Nước Nga
Pháp
Cộng hòa Liên bang Đức
Cộng hòa Séc
CHLB Đức
Vương quốc Anh
Anh Quốc
Italy
Italia
Tây Ban Nha
Bồ Đào Nha
Hà Lan
Bỉ
Thụy Sĩ
Thụy Điển
Na Uy
Phần Lan
Đan Mạch
Ba Lan
Séc
Hungary
Áo
Ukraine
Belarus
Hy Lạp
Thổ Nhĩ Kỳ
Israel
Iran
Iraq
Ả Rập Xê Út
Saudi Arabia
Qatar
Kuwait
UAE
Ai Cập
Nam Phi
Nigeria
Mozambique
Angola
Algeria
Maroc
Ấn Độ
Pakistan
Bangladesh
Sri Lanka
Nepal
Mông Cổ
Kazakhstan
Uzbekistan
Singapore
Malaysia
Indonesia
Philippines
Myanmar
Brunei
Đông Timor
Timor-Leste
Australia
Úc
New Zealand
Canada
Mexico
Cuba
Brazil
Argentina
Chile
Peru
Venezuela
Colombia
Đài Loan
Cu-ba
Mi-an-ma
Mianmar
Xin-ga-po
Ma-lai-xi-a
In-đô-nê-xi-a
Phi-líp-pin
Ô-xtrây-li-a
Niu Di-lân
Ca-na-đa
Mê-hi-cô
Bra-xin
Ác-hen-ti-na
Chi-lê
Pê-ru
Vê-nê-xu-ê-la
Cô-lôm-bi-a
I-ta-li-a
Hung-ga-ri
U-crai-na
Bê-la-rút
I-xra-en
I-ran
I-rắc
Ăng-gô-la
Mô-dăm-bích
Ni-giê-ri-a
Ca-dắc-xtan
U-dơ-bê-ki-xtan
Pa-ki-xtan
Băng-la-đét
Xri Lan-ca
Bru-nây
Xinh-ga-po
Viên Chăn
Washington
New York
Bắc Kinh
Thượng Hải
Quảng Tây
Vân Nam
Quảng Đông
Tokyo
Osaka
Seoul
Bình Nhưỡng
Moscow
Mát-xcơ-va
Paris
London
Berlin
Brussels
Geneva
Vienna
Rome
Canberra
Sydney
Ottawa
Bangkok
Viêng Chăn
Vientiane
Phnom Penh
Kuala Lumpur
Jakarta
Manila
Yangon
Nay Pyi Taw
New Delhi
Havana
Syria
Xy-ri
Afghanistan
Áp-ga-ni-xtan
Libya
Li-bi
Palestine
Pa-le-xtin
Yemen
Y-ê-men
Ca-ta
A-rập Xê-út
Ả-rập Xê-út
Ac-hen-ti-na
Ru-ma-ni
Bun-ga-ri
Ba-ranh
Cô-oét
Li-băng
Lebanon
Gioóc-đa-ni
Jordan
Nê-pan
Oa-sinh-tơn
Tô-ky-ô
Xơ-un
Luân Đôn
Pa-ri
Béc-lin
Brúc-xen
Giơ-ne-vơ
Rô-ma
Ma-đrít
Madrid
Stockholm
Niu Oóc
Niu Đê-li
La Ha-ba-na
Phnôm Pênh
Gia-các-ta
Ma-ni-la
Cu-a-la Lăm-pơ
Damascus
Đa-mát
Astana
A-xta-na
Tehran
Tê-hê-ran
Baghdad
Bát-đa
Kabul
Ca-bun
Ankara
An-ca-ra
Istanbul
Kiev
Kyiv
Ki-ép
Cairo
Cai-rô
Jerusalem
Giê-ru-xa-lem
Tel Aviv
Riyadh
Islamabad
Phương Tây
Brasilia
Hồng Kông
Hong Kong
Ma Cao
Đông Nam Á
Châu Á
châu Á - Thái Bình Dương
châu Á-Thái Bình Dương
Châu Á - Thái Bình Dương
Châu Á-Thái Bình Dương
Á - Âu
Mê Kông
Mekong
Tiểu vùng sông Mê Kông
Châu Âu
Châu Phi
Châu Mỹ
châu Á
châu Âu
châu Phi
châu Mỹ
Mỹ Latinh
Trung Đông
Bắc Mỹ
Nam Mỹ
Đông Á
Nam Á
Trung Á
Thái Bình Dương
Ấn Độ Dương
Đại Tây Dương
Biển Đông
biển Đông
Hoàng Sa
Trường Sa
Tây Nguyên
Tây Bắc
Đông Bắc
Bắc Bộ
Trung Bộ
Nam Bộ
Tây Nam Bộ
Đông Nam Bộ
Bắc Trung Bộ
Nam Trung Bộ
Duyên hải Nam Trung Bộ
Đồng bằng sông Cửu Long
Đồng bằng sông Hồng
ĐBSCL
""")

#: More countries, capitals, large cities, states and regions of the world, in the spellings Vietnamese
#: news uses (English, Vietnamese and hyphenated transliterations): a general list, not one article's.
WORLD_PLACES = _lines("""
Bahrain
Oman
Ô-man
Các Tiểu vương quốc Arab Thống nhất
Các Tiểu vương quốc Ả Rập Thống nhất
Các Tiểu vương quốc A-rập Thống nhất
Armenia
Azerbaijan
Georgia
Gru-di-a
Kyrgyzstan
Tajikistan
Turkmenistan
Ai-len
Ireland
Scotland
Xcốt-len
Iceland
Ai-xơ-len
Estonia
Latvia
Lithuania
Lít-va
Slovakia
Xlô-va-ki-a
Slovenia
Xlô-ven-ni-a
Croatia
Crô-a-ti-a
Serbia
Xéc-bi-a
Bosnia
Montenegro
Albania
An-ba-ni
Macedonia
Bulgaria
Romania
Rumani
Moldova
Luxembourg
Lúc-xăm-bua
Monaco
Malta
Síp
Cyprus
Tunisia
Tuy-ni-di
Morocco
Ma-rốc
Sudan
Xu-đăng
Nam Sudan
Ethiopia
Ê-ti-ô-pi-a
Kenya
Kê-ni-a
Tanzania
Tan-da-ni-a
Uganda
Rwanda
Somalia
Xô-ma-li
Ghana
Ga-na
Senegal
Xê-nê-gan
Cameroon
Ca-mơ-run
Congo
Công-gô
Zimbabwe
Zambia
Madagascar
Ma-đa-gát-xca
Bờ Biển Ngà
Ecuador
Ê-cu-a-đo
Bolivia
Bô-li-vi-a
Paraguay
Uruguay
U-ru-goay
Panama
Pa-na-ma
Costa Rica
Cốt-xta Ri-ca
Nicaragua
Ni-ca-ra-goa
Guatemala
Honduras
El Salvador
Jamaica
Haiti
Puerto Rico
Papua New Guinea
Fiji
Phi-gi
Maldives
Man-đi-vơ
Bhutan
Bu-tan
Bắc Triều Tiên
Abu Dhabi
Dubai
Doha
Manama
Muscat
Beirut
Bây-rút
Amman
Jeddah
Mecca
Aleppo
A-lép-pô
Mosul
Mô-xun
Basra
Gaza
Dải Gaza
Bờ Tây
Crimea
Crưm
Donbass
Minsk
Warsaw
Vác-sa-va
Prague
Pra-ha
Budapest
Bu-đa-pét
Bucharest
Athens
A-ten
Lisbon
Lít-xbon
Amsterdam
Copenhagen
Cô-pen-ha-ghen
Oslo
Helsinki
Hen-xin-ki
Zurich
Munich
Frankfurt
Hamburg
Venice
Barcelona
Saint Petersburg
Xanh Pê-téc-bua
Vladivostok
Vla-đi-vô-xtốc
Siberia
Xi-bê-ri
Mumbai
Kolkata
Dhaka
Đắc-ca
Kathmandu
Colombo
Karachi
Lahore
Tashkent
Ulan Bator
U-lan Ba-to
Pyongyang
Busan
Incheon
Jeju
Kyoto
Yokohama
Nagoya
Hiroshima
Fukushima
Okinawa
Hokkaido
Đài Bắc
Quảng Châu
Thâm Quyến
Hàng Châu
Nam Ninh
Côn Minh
Trùng Khánh
Thiên Tân
Vũ Hán
Hạ Môn
Tân Cương
Tây Tạng
Nội Mông
Chiết Giang
Giang Tô
Phúc Kiến
Tứ Xuyên
Hắc Long Giang
Liêu Ninh
Hà Bắc
Thiểm Tây
Cam Túc
Giang Tây
Macau
Xiêm Riệp
Siem Reap
Battambang
Sihanoukville
Luông Pha-bang
Luang Prabang
Savannakhet
Xa-van-na-khệt
Chiang Mai
Phuket
Pattaya
Mandalay
Naypyidaw
Nay-pi-đô
Cebu
Davao
Luzon
Mindanao
Bali
Sumatra
Borneo
Sarawak
Penang
Johor
Surabaya
Bandar Seri Begawan
Dili
Đi-li
Perth
Melbourne
Brisbane
Adelaide
Auckland
Wellington
Vancouver
Toronto
Montreal
Quebec
Ontario
Mexico City
Sao Paulo
Rio de Janeiro
Buenos Aires
Lima
Bogota
Caracas
Ca-ra-cát
Quito
Hawaii
Ha-oai
Alaska
A-lát-xca
California
Ca-li-phoóc-ni-a
Texas
Florida
Virginia
Arizona
Nevada
Oregon
Colorado
Ohio
Michigan
Illinois
Pennsylvania
New Jersey
Massachusetts
North Carolina
South Carolina
Los Angeles
San Francisco
San Diego
Chicago
Boston
Seattle
Houston
Dallas
Miami
Las Vegas
Philadelphia
Detroit
Guam
Đông Âu
Tây Âu
Bắc Âu
Nam Âu
Trung Âu
Tây Á
Bắc Á
Bắc Phi
Tây Phi
Đông Phi
Trung Mỹ
Mỹ La-tinh
châu Đại Dương
Châu Đại Dương
Nam Cực
Bắc Cực
Bắc Băng Dương
Địa Trung Hải
Biển Đen
Biển Caspi
Biển Hoa Đông
Biển Nhật Bản
Vùng Vịnh
vùng Vịnh
Vịnh Ba Tư
bán đảo Triều Tiên
Bán đảo Triều Tiên
Bán đảo Ả Rập
phương Tây
""")
#: Every place outside Vietnam the labeller knows: the countries and regions, then the world places.
COUNTRIES = _NATIONS + tuple(n for n in WORLD_PLACES if n not in _NATIONS)

#: Country names that are also common given names or words (Anh, Đức, Nga, Nhật, Ý): places only
#: when they stand alone, between lower-case words.
AMBIGUOUS_COUNTRIES = _nfc(["Anh", "Đức", "Nga", "Nhật", "Ý", "Lào", "Mỹ", "Pháp", "Úc", "Bỉ", "Séc", "Áo"])

#: One-syllable short forms of countries, places only in a pair: ``quan hệ Việt - Trung``, ``hợp tác Việt-Nhật``.
PAIR_COUNTRY_FORMS = _nfc(["Việt", "Trung", "Hàn", "Ấn", "Thái", "Xô"])
#: Blocs that pair with a country the same way (``ASEAN - Nga``); they are organisations.
PAIR_BLOCS = ("ASEAN", "EU")

#: Unit words of administrative places, longest first: ``tỉnh Quảng Ninh`` is one LOC.
ADMIN_UNITS = _lines("""
tổ dân phố
Tổ dân phố
khu phố
Khu phố
khu dân cư
khóm
Khóm
thành phố
Thành phố
thủ đô
Thủ đô
thị xã
Thị xã
thị trấn
Thị trấn
tỉnh
Tỉnh
TP.
TP
Tp.
Tp
huyện
Huyện
quận
Quận
phường
Phường
xã
Xã
thôn
Thôn
ấp
Ấp
bản
Bản
""")
#: Unit words whose name must be a known province (``tỉnh``/``TP`` + anything capitalised would
#: also take ``TP Cục Thuế``): the others take any capitalised name.
PROVINCE_UNITS = _nfc(["tỉnh", "Tỉnh", "thành phố", "Thành phố", "TP.", "TP", "Tp.", "Tp"])

# Unit words of other places (regions, waters, infrastructure): kept in the LOC span (PLACE_UNITS,
# below, adds the facilities').
_REGION_UNITS = _lines("""
bán đảo
Bán đảo
kênh
Kênh
hang
Hang
đồi
Đồi
rạch
cửa biển
bãi biển
Khu kinh tế cửa khẩu
Khu Kinh tế cửa khẩu
khu kinh tế cửa khẩu
Khu Kinh tế
Khu kinh tế
khu kinh tế
KKT
Khu công nghiệp
khu công nghiệp
Khu Công nghiệp
KCN
Cụm công nghiệp
cụm công nghiệp
Khu công nghệ cao
khu công nghệ cao
Khu chế xuất
khu chế xuất
Khu du lịch
khu du lịch
Khu đô thị
khu đô thị
Cảng Hàng không quốc tế
Cảng hàng không quốc tế
cảng hàng không quốc tế
Cảng hàng không
cảng hàng không
Sân bay quốc tế
sân bay quốc tế
Sân bay
sân bay
Cảng biển
cảng biển
Cảng
cảng
Cửa khẩu quốc tế
cửa khẩu quốc tế
Cửa khẩu chính
cửa khẩu chính
Cửa khẩu song phương
cửa khẩu song phương
Cửa khẩu
cửa khẩu
cầu
Cầu
vịnh
Vịnh
sông
Sông
hồ
Hồ
đảo
Đảo
quần đảo
Quần đảo
huyện đảo
núi
Núi
đèo
Đèo
đường
Đường
phố
Phố
quốc lộ
Quốc lộ
tỉnh lộ
Tỉnh lộ
cao tốc
Cao tốc
đường cao tốc
Đường cao tốc
vùng kinh tế trọng điểm
Vùng kinh tế trọng điểm
vùng
Vùng
đồng bằng
miền
Miền
khu
Khu
""")
#: Unit words of named facilities and sites (hotels, parks, pagodas, cemeteries, markets, toll stations,
#: stations, junctions, power plants): the gold keeps them in the LOC span (``chùa Khải Đoan``,
#: ``nút giao Trường Sơn``, ``nhà máy thủy điện Sông Ba Hạ``).
FACILITY_UNITS = _lines("""
khách sạn
Khách sạn
công viên
Công viên
chùa
Chùa
đình
đền
Đền
nhà thờ
Nhà thờ
làng
nghĩa trang liệt sĩ
nghĩa trang liệt sỹ
Nghĩa trang liệt sĩ
Nghĩa trang liệt sỹ
Nghĩa trang Liệt sĩ
Nghĩa trang Liệt sỹ
trạm thu phí BOT
Trạm thu phí BOT
nghĩa trang
Nghĩa trang
thác
Thác
chợ
khu du lịch quốc gia
Khu du lịch quốc gia
khu du lịch sinh thái
Khu du lịch sinh thái
trạm thu phí đường bộ
Trạm thu phí đường bộ
trạm thu phí
Trạm thu phí
trạm thu giá
Trạm thu giá
nhà ga
Nhà ga
ga
bến xe
Bến xe
bến phà
Bến phà
sân vận động
Sân vận động
nút giao
Nút giao
giao lộ
Giao lộ
vòng xoay
Vòng xoay
ngã ba
ngã tư
nhà máy thủy điện
Nhà máy thủy điện
Nhà máy Thủy điện
nhà máy nhiệt điện
Nhà máy nhiệt điện
Nhà máy Nhiệt điện
công trình thủy điện
Công trình thủy điện
thủy điện
Thủy điện
nhiệt điện
Nhiệt điện
phố cổ
Phố cổ
khu phố cổ
Khu phố cổ
Đại lễ đường
""")
#: Unit words of places other than provinces, kept in the LOC span: regions, waters, infrastructure, facilities.
PLACE_UNITS = _REGION_UNITS + FACILITY_UNITS

#: Lower-case words between a facility's unit word and the place naming it: the gold keeps them
#: in the LOC span (``nhà ga hành khách quốc tế Đà Nẵng``).
FACILITY_QUALIFIERS = _lines("""
hành khách
hàng hóa
quốc tế
quốc nội
nội địa
""")
#: Unit words of natural places whose bare name is the same place (``bán đảo Sơn Trà`` → ``Sơn Trà``).
NATURAL_UNITS = _nfc(["bán đảo", "Bán đảo", "quần đảo", "Quần đảo", "đảo", "Đảo", "vịnh", "Vịnh", "sông", "Sông",
                      "núi", "Núi", "đèo", "Đèo", "hồ", "kênh", "Kênh", "hang", "Hang", "đồi", "Đồi"])
#: Unit words that need a capitalised name right after them and may be a common noun otherwise.
WEAK_PLACE_UNITS = _nfc(["hồ", "Hồ", "đường", "Đường", "phố", "Phố", "khu", "Khu", "miền", "Miền", "vùng", "Vùng",
                         "cầu", "Cầu", "sông", "Sông", "núi", "Núi", "đảo", "Đảo", "Cảng", "cảng", "hang", "Hang",
                         "đồi", "Đồi"])


def underthesea_file(*parts: str) -> Path | None:
    """A data file shipped inside the installed ``underthesea`` package (found without importing
    it, which takes seconds), or ``None``."""
    try:
        spec = importlib.util.find_spec("underthesea")
    except (ImportError, ValueError):  # pragma: no cover
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return path if path.is_file() else None


@cache
def admin_units_table() -> dict[str, tuple[str, ...]]:
    """District and ward names from ``underthesea``'s administrative-units table, if installed.

    Returns ``{"districts": (...), "wards": (...)}`` of bare names (``Vân Đồn``,
    ``Cát Hải``), without their unit word; empty tuples when the table is absent.
    """
    empty: dict[str, tuple[str, ...]] = {"districts": (), "wards": ()}
    path = underthesea_file("address", "data", "mapping.json")
    if path is None:
        return empty
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("cannot read underthesea's administrative units (%s): %s", path, exc)
        return empty
    # Only two fields are needed: scanning for them is ~40x faster than parsing the 5 MB of JSON.
    fields = {key: re.findall(rf'"{key}":\s*"([^"\\]+)"', raw) for key in ("old_district", "old_ward", "new_ward")}
    if not fields["old_district"]:  # an unexpected layout: parse it properly
        try:
            rows = json.loads(raw)["ward_mapping"]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("cannot read underthesea's administrative units (%s): %s", path, exc)
            return empty
        fields = {key: [r.get(key, "") for r in rows] for key in fields}
    units = ("Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Phường ", "Xã ", "Thị trấn ")

    def bare(name: str) -> str | None:
        for unit in units:
            if name.startswith(unit):
                rest = name[len(unit):].strip()
                # numbered wards ("Phường 3") and one-syllable names are not names to match bare
                return rest if " " in rest and not rest[0].isdigit() else None
        return None

    districts = {bare(name) for name in fields["old_district"]} - {None}
    wards = {bare(name) for name in fields["old_ward"] + fields["new_ward"]} - {None}
    return {"districts": _nfc(sorted(districts)), "wards": _nfc(sorted(wards))}


# --- organisations -----------------------------------------------------------------------------
#: Portfolios of ministries and provincial departments (``Bộ``/``Sở`` + portfolio), as written.
PORTFOLIOS = _lines("""
Công Thương
Công thương
Kế hoạch và Đầu tư
Kế hoạch - Đầu tư
Tài chính
Ngoại giao
Quốc phòng
Công an
Tư pháp
Nội vụ
Xây dựng
Giao thông vận tải
Giao thông Vận tải
Giao thông - Vận tải
Nông nghiệp và Phát triển nông thôn
Nông nghiệp và Phát triển Nông thôn
Nông nghiệp và Môi trường
Nông nghiệp
Tài nguyên và Môi trường
Tài nguyên - Môi trường
Thông tin và Truyền thông
Thông tin - Truyền thông
Lao động - Thương binh và Xã hội
Lao động, Thương binh và Xã hội
Lao động - Thương binh - Xã hội
Văn hóa, Thể thao và Du lịch
Văn hóa - Thể thao và Du lịch
Văn hóa - Thể thao - Du lịch
Văn hóa và Thông tin
Khoa học và Công nghệ
Khoa học - Công nghệ
Giáo dục và Đào tạo
Giáo dục - Đào tạo
Y tế
Dân tộc và Tôn giáo
Du lịch
Ngoại vụ
Văn hóa và Thể thao
Kế hoạch Đầu tư
Kế hoạch & Đầu tư
Tài nguyên & Môi trường
Khoa học & Công nghệ
Thông tin & Truyền thông
Lao động-Thương binh và Xã hội
Văn hóa - Thể thao & Du lịch
Văn hóa, Thể thao & Du lịch
""")

#: Foreign portfolios, kept inside a minister's title (``Bộ trưởng Thương mại Hoa Kỳ Wilbur Ross``) but not read
#: as the name of a ``Bộ``: ``Bộ Thương mại Trung Quốc`` is one ORG with its country.
TITLE_PORTFOLIOS = _lines("""
Thương mại
Phát triển Kinh tế
Kinh tế
""")

#: Central bodies and well-known national organisations, written in full.
CENTRAL_BODIES = _lines("""
Chính phủ
Quốc hội
Bộ Chính trị
Ban Bí thư
Ban Chấp hành Trung ương Đảng
Ban Chấp hành Trung ương
Ban Chấp hành Đảng bộ
Trung ương Đảng
Đảng Cộng sản Việt Nam
Ủy ban Thường vụ Quốc hội
Văn phòng Chính phủ
Văn phòng Quốc hội
Văn phòng Trung ương Đảng
Văn phòng Chủ tịch nước
Ủy ban Kiểm tra Trung ương
Quân ủy Trung ương
Ban Tổ chức Trung ương
Ban Tuyên giáo Trung ương
Ban Đối ngoại Trung ương
Ban Kinh tế Trung ương
Ban Nội chính Trung ương
Ban Dân vận Trung ương
Hội đồng Lý luận Trung ương
Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam
Mặt trận Tổ quốc Việt Nam
Ủy ban Mặt trận Tổ quốc Việt Nam
Tòa án nhân dân tối cao
Tòa án Nhân dân Tối cao
Viện Kiểm sát nhân dân tối cao
Viện Kiểm sát Nhân dân Tối cao
Kiểm toán Nhà nước
Thanh tra Chính phủ
Ngân hàng Nhà nước Việt Nam
Ngân hàng Nhà nước
Ủy ban Dân tộc
Ủy ban Quản lý vốn nhà nước tại doanh nghiệp
Bảo hiểm xã hội Việt Nam
Bảo hiểm Xã hội Việt Nam
Thông tấn xã Việt Nam
Đài Truyền hình Việt Nam
Đài Tiếng nói Việt Nam
Hội đồng Dân tộc
Tổng Liên đoàn Lao động Việt Nam
Trung ương Đoàn
Hội Liên hiệp Phụ nữ Việt Nam
Hội Nông dân Việt Nam
Hội Cựu chiến binh Việt Nam
Phòng Thương mại và Công nghiệp Việt Nam
Tập đoàn Điện lực Việt Nam
Tập đoàn Dầu khí Việt Nam
Tập đoàn Công nghiệp Than - Khoáng sản Việt Nam
Ủy ban Kinh tế
Ủy ban Tài chính - Ngân sách
Ủy ban Tài chính, Ngân sách
Ủy ban Pháp luật
Ủy ban Tư pháp
Ủy ban Đối ngoại
Ủy ban Quốc phòng và An ninh
Ủy ban Khoa học, Công nghệ và Môi trường
Ủy ban Văn hóa, Giáo dục, Thanh niên, Thiếu niên và Nhi đồng
Ủy ban Về các vấn đề xã hội
Liên hợp quốc
Liên Hợp Quốc
Liên Hiệp Quốc
Liên hiệp quốc
Liên minh châu Âu
Liên minh Châu Âu
Hội đồng châu Âu
Ủy ban châu Âu
Nghị viện châu Âu
Ngân hàng Trung ương châu Âu
Ủy ban Châu Âu
Nghị viện Châu Âu
Ngân hàng Thế giới
Ngân hàng Phát triển châu Á
Quỹ Tiền tệ Quốc tế
Tổ chức Thương mại Thế giới
Tổ chức Y tế Thế giới
Diễn đàn Kinh tế Thế giới
Hiệp hội các quốc gia Đông Nam Á
Nhà nước
""")

#: Organisation names written as one capitalised or upper-case token (agencies, papers, banks, parties).
ORG_ACRONYMS = _lines("""
UBND
HĐND
UBMTTQ
MTTQ
UBTVQH
TTXVN
VNA
VOV
VTV
VTC
NDO
VGP
TAND
VKSND
UBKT
BCH
BCĐ
BQL
KBNN
NHNN
EVN
PVN
TKV
VCCI
VNPT
Viettel
Vietcombank
Vietinbank
VietinBank
BIDV
Agribank
Techcombank
VPBank
MB
ACB
Sacombank
SHB
Vinacomin
Petrolimex
PetroVietnam
Vietnam Airlines
Vietjet
VietJet
Vingroup
Vietnamnet
VietNamNet
VnExpress
Zing
Zingnews
VnEconomy
Infonet
Baomoi
Reuters
AFP
AP
Bloomberg
Xinhua
Kyodo
Yonhap
BBC
CNN
Sputnik
TASS
ASEAN
APEC
WTO
WB
ADB
IMF
OECD
EU
UN
UNDP
UNICEF
UNESCO
WHO
JICA
KOICA
USAID
FAO
AIIB
Đảng
""")
#: Acronyms that are organisations only as source tags or when part of a longer name.
WEAK_ORG_ACRONYMS = _nfc(["Đảng", "Nhà nước", "MB", "WB", "EU", "UN"])

#: Head words of public bodies: the place written after them belongs to the name.
PUBLIC_HEADS = _lines("""
HĐQT
Hội đồng quản trị
HĐTV
Hội đồng thành viên
Ủy ban nhân dân
Hội đồng nhân dân
Ủy ban Mặt trận Tổ quốc Việt Nam
Ủy ban Mặt trận Tổ quốc
Ủy ban MTTQ Việt Nam
Ủy ban MTTQ
UBMTTQ
MTTQ
UBND
HĐND
Đoàn Đại biểu Quốc hội
Đoàn đại biểu Quốc hội
Đoàn ĐBQH
Ban Thường vụ
BTV
Ban Chấp hành
Ban Chỉ đạo
Ban chỉ đạo
BCĐ
Ban Quản lý
BQL
Ban
Ủy ban Kiểm tra
UBKT
Ủy ban
Hội đồng
Tỉnh ủy
Thành ủy
Huyện ủy
Quận ủy
Thị ủy
Đảng ủy
Đảng bộ
Tỉnh đoàn
Thành đoàn
Tổng cục
Tổng Cục
Cục
Chi cục
Vụ
Sở
Bộ Chỉ huy Quân sự
Bộ Chỉ huy Bộ đội Biên phòng
Bộ CHQS
Bộ đội Biên phòng
Bộ Tư lệnh
Bộ
Viện Kiểm sát nhân dân
Viện Kiểm sát
VKSND
Tòa án nhân dân
TAND
Viện
Văn phòng
Thanh tra
Kiểm toán Nhà nước khu vực
Kho bạc Nhà nước
Kho bạc
Công an
Cảnh sát
Quân khu
Quân đoàn
Binh đoàn
Sư đoàn
Lữ đoàn
Trung đoàn
Tiểu đoàn
Đại đội
Hải đoàn
Hải đội
Hạm đội
Quân chủng
Binh chủng
Trung tâm
Phòng
Hội Nông dân
Hội Liên hiệp Phụ nữ
Hội Cựu chiến binh
Liên đoàn Lao động
Liên đoàn
Câu lạc bộ
CLB
Giáo hội
Hạt Kiểm lâm
Đoàn Thanh niên
Hiệp hội
Hội
Liên minh
Tổ chức
Đại sứ quán
Tổng Lãnh sự quán
Lãnh sự quán
Phái đoàn
Cơ quan đại diện
Học viện
Trường Đại học
Trường Cao đẳng
Trường Trung học phổ thông
Trường THPT
Trường THCS
Trường Tiểu học
Trường Chính trị
Đại học
Bệnh viện
Đài Phát thanh và Truyền hình
Đài Phát thanh - Truyền hình
Đài
Báo
Tạp chí
Cảng vụ
Quỹ
Ngân hàng Nhà nước chi nhánh
Ngân hàng Chính sách xã hội
Bảo hiểm xã hội
BHXH
Ủy ban Kiểm tra Tỉnh ủy
Ban Tổ chức
Ban Tuyên giáo
Ban Dân vận
Ban Nội chính
Ban Kinh tế
""")
#: Head words of companies: a place written after their name is a separate LOC (a locator).
COMPANY_HEADS = _nfc(pipeline.COMPANY_HEADS)

#: Heads that make a name on their own, without anything after them.
STANDALONE_HEADS = _nfc(["HĐQT", "Hội đồng quản trị", "HĐTV", "Hội đồng thành viên",  # a company's board
                         "Quân ủy Trung ương", "Quân ủy TƯ", "UBND", "HĐND", "Tỉnh ủy", "Thành ủy", "Huyện ủy",
                         "Quận ủy", "Thị ủy",
                         "Tỉnh đoàn", "Thành đoàn", "Ủy ban nhân dân", "Hội đồng nhân dân", "UBMTTQ", "MTTQ"])
#: Heads that may be followed by a bare unit word as their place (``UBND tỉnh``, ``Bộ CHQS tỉnh``).
#: Heads after which another body's name continues the same name (``Ban Thường vụ Tỉnh ủy X``).
PARTY_BODY_WORDS = _nfc(["Quân ủy Trung ương", "Quân ủy TƯ", "TƯ", "T.Ư", "TW", "Tỉnh ủy", "Thành ủy", "Huyện ủy",
                         "Quận ủy", "Thị ủy", "Đảng ủy", "Trung ương", "Quốc hội", "Chính phủ", "UBND", "HĐND",
                         "Ủy ban nhân dân", "Hội đồng nhân dân", "Đảng", "Trung ương Đảng", "MTTQ",
                         "Mặt trận Tổ quốc Việt Nam", "Mặt trận Tổ quốc"])

#: Legal-form words inside company names.
COMPANY_FORMS = _lines("""
cổ phần
Cổ phần
trách nhiệm hữu hạn
TNHH
MTV
một thành viên
Một thành viên
CP
TM
DV
XD
XNK
SX
ĐT
PT
TMCP
TMDV
SXKD
""")

#: Lower-case words that occur inside organisation names after their first capitalised word
#: (``Vụ Chính sách thương mại đa biên``, ``Trung tâm Xúc tiến thương mại``); the name grows over
#: them, and stops at any other lower-case word (a verb, a preposition).
ORG_NAME_WORDS = _lines("""
thương mại
đa biên
song phương
hỗ trợ
phát triển
công nghiệp
công nghệ
trong nước
nước ngoài
xuất nhập khẩu
xuất khẩu
nhập khẩu
cán bộ
khoa học
kỹ thuật
đầu tư
kinh tế
xã hội
môi trường
tài nguyên
nông thôn
nông nghiệp
nông dân
du lịch
văn hóa
thể thao
giao thông
vận tải
tài chính
ngân sách
ngân hàng
nhà nước
nhân dân
thông tin
truyền thông
chính sách
pháp chế
pháp luật
pháp lý
thị trường
năng lượng
điện lực
dầu khí
hóa chất
xúc tiến
hợp tác
quốc tế
đối ngoại
tuyên giáo
dân vận
nội chính
thanh tra
lao động
thương binh
y tế
giáo dục
đào tạo
an toàn
thực phẩm
vệ sinh
phòng chống
phòng, chống
thiên tai
cứu nạn
cứu hộ
biên phòng
hải quan
thuế
kho bạc
thống kê
dự trữ
cạnh tranh
tiêu chuẩn
đo lường
chất lượng
sở hữu trí tuệ
an ninh
quốc phòng
hàng hải
hàng không
đường bộ
đường sắt
đường thủy
nội địa
thủy lợi
thủy sản
lâm nghiệp
chăn nuôi
thú y
trồng trọt
bảo vệ thực vật
khuyến công
khuyến nông
đô thị
nhà ở
bất động sản
quy hoạch
kiến trúc
hạ tầng
điện tử
tin học
viễn thông
bưu chính
báo chí
xuất bản
phát thanh
truyền hình
dân tộc
tôn giáo
miền núi
nghiên cứu
đất đai
nhà đất
đăng ký
địa chính
nuôi trồng
chế biến
ứng dụng
chuyển giao
phát thanh
giống
cây trồng
vật nuôi
thủy điện
nhiệt điện
khai thác
cứu trợ
từ thiện
nhân đạo
chữ thập đỏ
sinh thái
chiến lược
kế hoạch
tổng hợp
hành chính
tư pháp
dân sự
hình sự
khoáng sản
địa chất
biển
hải đảo
khí tượng
thủy văn
biến đổi khí hậu
thế giới
quốc gia
doanh nghiệp
vừa và nhỏ
nhỏ và vừa
tư nhân
dự án
đặc biệt
trọng điểm
công trình
giao thông vận tải
trung ương
địa phương
khu vực
tỉnh
thành phố
cảnh sát
điều tra
kinh doanh
sản xuất
dịch vụ
vốn
tín dụng
chứng khoán
bảo hiểm
tiền tệ
ngoại hối
thanh toán
vật liệu
cơ khí
luyện kim
dệt may
da giày
điện
than
nước
sạch
cấp nước
thoát nước
và
""")

# --- positions ---------------------------------------------------------------------------------
#: Position titles (longest variants first when compiled). ``Phó`` and qualifiers are added by rules.
TITLES = _lines("""
Tổng Bí thư
Tổng thống
Tổng Thống
Quốc vương
Nhà vua
Nữ hoàng
Hoàng tử
Thị trưởng
Thống đốc bang
Ngoại trưởng
Thượng nghị sĩ
Hạ nghị sĩ
Nghị sĩ
Chủ tịch Hạ viện
Chủ tịch Thượng viện
Tổng Tham mưu trưởng
Chủ tịch nước
Chủ tịch
Thủ tướng
Bí thư thứ nhất
Bí thư
Bộ trưởng
Thứ trưởng
Tổng Giám đốc
Tổng giám đốc
Giám đốc
Chủ nhiệm
Trưởng ban
Trưởng phòng
Trưởng đoàn
Trưởng
Chánh Văn phòng
Chánh văn phòng
Chánh Thanh tra
Chánh thanh tra
Chánh án
Viện trưởng
Tổng Thư ký
Tổng thư ký
Thư ký
Tổng Kiểm toán Nhà nước
Tổng Thanh tra Chính phủ
Tổng Thanh tra
Tổng cục trưởng
Cục trưởng
Vụ trưởng
Chi cục trưởng
Thống đốc
Đại sứ đặc mệnh toàn quyền
Đại sứ Đặc mệnh toàn quyền
Đại sứ Đặc mệnh Toàn quyền
Đại sứ
Đặc phái viên
Đặc sứ
Tổng Lãnh sự
Lãnh sự
Người phát ngôn
Tư lệnh
Chính ủy
Tham mưu trưởng
Đại biểu Quốc hội
Ủy viên Thường trực
Ủy viên
Tỉnh ủy viên
Thành ủy viên
Huyện ủy viên
Hiệu trưởng
Hiệu phó
Thuyền trưởng
Kế toán trưởng
Tổng biên tập
Tổng Biên tập
Đại tướng
Thượng tướng
Trung tướng
Thiếu tướng
Đại tá
Thượng tá
Trung tá
Thiếu tá
Đại úy
Thượng úy
Trung úy
Thiếu úy
Chính trị viên
Phó Chính ủy
Bác sĩ
Bác sỹ
""")
#: Academic and professional titles before a name (a POS of their own).
ACADEMIC_TITLES = _lines("""
Phó Giáo sư
Giáo sư
Tiến sĩ
Tiến sỹ
Thạc sĩ
Luật sư
GS.TSKH
GS.TS
GS. TS
PGS.TS
PGS. TS
PGS-TS
TSKH
GS
PGS
TS
ThS
BS
KS
Ths
NGƯT
NGND
""")
#: Lower-case titles that name a position even with no name after them: ``cô hiệu trưởng đi xe vào trường``.
BARE_LOWER_TITLES = _nfc(["hiệu trưởng", "hiệu phó", "thuyền trưởng"])
#: Qualifiers written before a title that belong to the position (``Quyền Chủ tịch``).
TITLE_PREFIXES = _nfc(["Phó", "Quyền", "Phó Trưởng", "Phó trưởng"])
#: Qualifiers after a title that belong to it (``Phó Chủ tịch Thường trực``).
TITLE_SUFFIXES = _nfc(["Thường trực", "thường trực"])

# --- persons -----------------------------------------------------------------------------------
#: Vietnamese family names (the first syllable of a full name).
SURNAMES = _nfc("""
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lâm Mai Trịnh
Trương Lương Hà Cao Đào Tạ Vương Châu Thái Tô Quách Lưu Từ Kiều Phùng Nông Triệu La Chu Mạc Tôn
Thân Giang Hứa Doãn Khúc Lò Hầu Âu Ninh Lục Khổng Nghiêm Diệp Lại Mạch Tăng Tống Đàm Quan Thạch
Lữ Phí Đồng Sầm Bạch Vi Lã Cù Kha Đậu Văn Hoàng Trình Thào Giàng Sùng Vàng Lầu Hạ Khuất Ông Âu
Đổng Ứng Bế Mông Lục Viên Chế Tiêu Yên Ma Lường Quàng Điêu Cầm Danh Thạch Hàn Khương Phương Quang Tập Mao Ôn
""".split())
#: Middle names: a surname, one of these and a given name is almost surely a person.
MIDDLE_NAMES = _nfc("""
Văn Thị Hữu Đình Xuân Minh Quốc Thanh Ngọc Đức Công Quang Hồng Thu Kim Trọng Tiến Mạnh Bá Duy
Việt Hoài Tuấn Anh Hải Thế Sỹ Sĩ Chí Tấn Khắc Nhật Như Phú Vĩnh Thành Trung Hoàng Đăng Gia Huy
Hồ Tất Lê Phương Hùng Hoa Thúy Bích Mỹ Diệu Khánh Cẩm Lệ Tường Thái Doãn Viết Mai Nguyên Vũ
""".split())

#: Names that are a person's and a city's: bare, they are left to the person rules.
PERSON_OR_PLACE = _nfc(["Hồ Chí Minh"])

#: Capitalised words that open a sentence or clause: a name never runs over them
#: (``xã Quế Long Đến thời điểm …`` is a caption glued to the next sentence).
OPENERS = _nfc("""
Đến Theo Tại Trong Sau Khi Ngày Sáng Chiều Tối Trưa Hiện Với Về Các Những Để Do Vì Nhưng Tuy Ngoài Từ Đây
Đó Ông Bà Chị Là Có Không Đã Sẽ Đang Vừa Mới Cũng Nhằm Qua Trước Năm Tháng Hôm Ảnh Thực Riêng Tiếp Ngay
""".split())

#: Words before a name that mark a person: the name follows (``ông Hồ Quốc Dũng``).
PERSON_MARKERS = _nfc(["ông", "Ông", "bà", "Bà", "đồng chí", "Đồng chí", "anh", "chị", "Anh", "Chị",
                       "các đồng chí", "Các đồng chí", "ngài", "Ngài", "cụ", "Cụ", "vợ chồng", "cháu", "em"])

#: Capitalised words that are never the start of a name (sentence openers, weekdays, months…).
NOT_NAME_WORDS = _nfc("""
Theo Tại Trong Ngày Sáng Chiều Tối Trưa Đêm Hôm Năm Tháng Thứ Chủ Các Những Một Hai Ba Bốn Sáu Bảy
Tám Chín Mười Đây Đó Này Khi Sau Trước Từ Đến Với Về Cùng Còn Nhưng Và Hoặc Nếu Để Do Vì Tuy Ngoài
Bên Qua Nhằm Theo Dự Kết Phát Ông Bà Anh Chị Đồng Ảnh Nguồn Bài Video Clip Tin Xem Tổng Phó Trưởng
Quyền Nguyên Cựu Ban Bộ Sở Cục Vụ Viện Hội Đoàn Đảng Nhà Chính Quốc Ủy Thủ Cơ Hiện Tiếp Đặc Riêng
Ngay Lúc Đồng Thực Cụ Đề Yêu Nhấn Khẳng Đánh Cho Thông Là Có Không Chưa Đã Sẽ Đang Vừa Mới Cũng
Lãnh Đại Thường Đối Dưới Trên Giữa Sự Việc Tuần Quý Kỳ Giai Nhiệm Khóa Lần Chương Kế Nghị Quyết
Công Tập Ngân Trung Huyện Xã Tỉnh Thành Phường Quận Thị Khu Cảng Cầu Sông Vịnh Hồ Núi Đường Phố
""".split())
