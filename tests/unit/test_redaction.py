"""Redaction of a denunciator's identity in any spelling (issue 11, item 3)."""

from __future__ import annotations

import unicodedata

import pytest
from cityops.cases.identity import redact

IDENTITY = {
    "name": "Lê Văn Khải",
    "phone": "0912 345 678",
    "email": "khai.le@gmail.com",
    "id_number": "001089012345",
}

SPELLINGS = [
    "Lê Văn Khải",
    "Le Van Khai",
    "LÊ VĂN KHẢI",
    "le van khai",
    "Lê  Văn   Khải",
    "Lê-Văn-Khải",
    "Lê.Văn.Khải",
    "Le_Van_Khai",
    "LeVanKhai",
    "Lê Văn Khai",
    unicodedata.normalize("NFD", "Lê Văn Khải"),
    "Lê,\nVăn Khải",
    "0912345678",
    "0912 345 678",
    "0912.345.678",
    "091 234 5678",
    "+84912345678",
    "+84 912 345 678",
    "84912345678",
    "(+84) 912-345-678",
    "0084 912 345 678",
    "khai.le@gmail.com",
    "KHAI.LE@GMAIL.COM",
    "khai.le @ gmail . com",
    "khai.le[at]gmail.com",
    "khai.le (at) gmail (dot) com",
    "001089012345",
    "001 089 012 345",
    "001-089-012-345",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_the_identity_is_masked(spelling):
    text = f"Tôi là {spelling}, tố cáo ông Trần B."
    out = redact(text, IDENTITY)
    assert out == "Tôi là […], tố cáo ông Trần B.", out


@pytest.mark.parametrize(
    "text",
    [
        "Ông Lê Văn Khánh làm sai",  # another name
        "Khai trương cửa hàng",  # one part of the name is a word
        "Số 0912345679 không phải",  # another phone
        "Mã 001089012346",
        "khai.le@gmail.com.vn là người khác",
    ],
)
def test_what_is_not_the_identity_stays(text):
    assert redact(text, IDENTITY) == text


def test_all_of_them_in_one_text_leave_nothing_of_the_identity():
    text = " / ".join(SPELLINGS)
    out = redact(text, IDENTITY)
    assert set(out.replace("[…]", "").replace("/", "").split()) == set()


def test_the_leak_scan_counts_every_spelling_that_redaction_takes_out():
    from cityops.cases.identity import occurrences, redact

    identity = {"name": "Lê Văn Khải", "phone": "0912345678", "email": "khai.le@mail.vn",
                "id_number": "001099012345"}  # fmt: skip
    text = ("LE VAN KHAI, le-van-khai, +84 912 345 678, khai.le (at) mail.vn, 001 099 012 345; "
            "Lê Văn Khải")  # fmt: skip
    assert occurrences(text, identity) == {"name": 3, "phone": 1, "email": 1, "id_number": 1}
    assert occurrences(redact(text, identity), identity) == {}
    assert occurrences("Lê Văn Khánh, 0912345670", identity) == {}
