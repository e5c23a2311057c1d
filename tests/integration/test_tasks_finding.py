"""Finding tasks through the tasks function: by the number and symbol of their source
document, and by the words of their title without regard to diacritics or case (the search
rows of `cityops.core.search`, never a Scan); what the caller may not see is never found."""

from __future__ import annotations

import pytest

from tests.integration.test_tasks_support import City


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


def ids(city: City, as_: str, **query: str) -> list[str]:
    status, _, page = city.call("GET", "/v1/tasks", as_, query=query)
    assert status == 200, page
    return [t["id"] for t in page["items"]]


def test_a_task_is_found_by_its_source_documents_number_and_symbol(city):
    task = city.assign()  # 123/QĐ-UBND, led by SO-TC with SO-XD
    other = city.assign(source_document={"number_symbol": "7/KH-UBND", "issued_on": "2026-11-20"})
    assert ids(city, "sotc.officer", source_number="123/QĐ-UBND") == [task["id"]]
    assert ids(city, "sotc.officer", source_number="123/qd-ubnd") == [task["id"]]
    assert ids(city, "soxd.leader", source_number="123/QĐ-UBND") == [task["id"]]  # coordinates
    assert ids(city, "chairman", source_number="7/KH-UBND") == [other["id"]]
    unrelated = city.assign(lead_unit_id=city.unit("SO-XD"), coordinating_unit_ids=[])
    assert ids(city, "sotc.officer", source_number="123/QĐ-UBND") == [task["id"]]
    assert unrelated["id"] in ids(city, "soxd.leader", source_number="123/QĐ-UBND")


def test_the_task_search_matches_title_words_without_diacritics_or_case(city):
    money = city.assign(title="Đẩy nhanh GIẢI NGÂN vốn đầu tư công")
    city.assign(title="Chỉnh trang vỉa hè các tuyến phố")
    for q in ("giai ngan", "Giải Ngân", "DAU TU von"):
        assert ids(city, "sotc.officer", q=q) == [money["id"]], q
    assert ids(city, "chairman", q="giai ngan") == [money["id"]]
    assert ids(city, "ns.officer", q="giai ngan") == []  # a division below: not its task
    assert (
        ids(city, "sotc.officer", q="giai ngan", unit_id=city.unit("SO-TC"), role="coordinating")
        == []
    )


def test_a_task_lookup_is_not_combined_with_another(city):
    status, _, _ = city.call(
        "GET", "/v1/tasks", "sotc.officer", query={"q": "x", "source_number": "1/QĐ"}
    )
    assert status == 422
