"""Finding cases through the cases function: by reference, by public tracking code, and by
the words of the summary without regard to diacritics or case (the search rows of
`cityops.core.search`, never a Scan); never by the denunciator's identity; what the caller
may not see is never found."""

from __future__ import annotations

from cityops.cases import store
from cityops.core.dynamo import query_all

from tests.integration.test_cases_support import (
    DENUNCIATOR,
    complaint,
    world_fixture,  # noqa: F401 (the world fixture)
)


def ids(page) -> list[str]:
    return [c["id"] for c in page["items"]]


def find(world, who: str, **query: str):
    status, _, page = world.get(who, "/v1/cases", query=query)
    assert status == 200, page
    return page


def test_staff_find_a_case_by_its_reference_and_others_do_not(world):
    case = world.create("sotc_clerk")
    assert ids(find(world, "sotc_officer", reference=case["reference"])) == [case["id"]]
    lower = case["reference"].lower()
    assert ids(find(world, "sotc_officer", reference=lower)) == [case["id"]]
    assert ids(find(world, "chairman", reference=case["reference"])) == [case["id"]]
    assert ids(find(world, "soxd_officer", reference=case["reference"])) == []  # not theirs
    assert ids(find(world, "sotc_officer", reference="TC-2027-ZZZZZZ")) == []


def test_staff_find_a_publicly_submitted_case_by_its_tracking_code(world):
    receipt = world.submit()
    page = find(world, "vp_clerk", tracking_code=receipt["tracking_code"])
    assert [c["tracking_code"] for c in page["items"]] == [receipt["tracking_code"]]
    assert ids(find(world, "sotc_officer", tracking_code=receipt["tracking_code"])) == []


def test_the_search_finds_words_of_the_summary_without_diacritics_or_case(world):
    land = world.create("sotc_clerk", **complaint(summary="Khiếu nại quyết định THU HỒI ĐẤT"))
    world.create("sotc_clerk", **complaint(summary="Khiếu nại việc cấp giấy phép xây dựng"))
    for q in ("thu hoi dat", "Thu Hồi đất", "DAT hoi"):
        assert ids(find(world, "sotc_officer", q=q)) == [land["id"]], q
    assert len(find(world, "sotc_officer", q="khieu nai")["items"]) == 2
    assert ids(find(world, "sotc_officer", q="thu hoi", kind="denunciation")) == []
    assert ids(find(world, "soxd_officer", q="thu hoi dat")) == []  # another department's
    assert ids(find(world, "chairman", q="thu hoi dat", unit_id="all")) == [land["id"]]


def test_the_search_pages_newest_first(world):
    made = [world.create("sotc_clerk", **complaint(summary=f"Đơn số {n} về đất")) for n in range(3)]
    first = find(world, "sotc_officer", q="dat", limit="2")
    assert ids(first) == [made[2]["id"], made[1]["id"]] and first["next_cursor"]
    second = find(world, "sotc_officer", q="dat", limit="2", cursor=first["next_cursor"])
    assert ids(second) == [made[0]["id"]] and second["next_cursor"] is None


def test_a_search_page_does_not_tell_of_matches_the_caller_may_not_see(world):
    """A cursor only when another case the caller sees follows: one after an older match in
    another department would tell that it holds a case with those words."""
    world.create("sotc_clerk", **complaint(summary="Khiếu nại ông Trần Văn Bình nhận hối lộ"))
    mine = world.create("soxd_officer", **complaint(summary="Trần Văn Bình hối lộ"))
    page = find(world, "soxd_officer", q="tran van binh hoi lo", limit="1")
    assert ids(page) == [mine["id"]] and page["next_cursor"] is None
    both = find(world, "chairman", q="tran van binh hoi lo", unit_id="all", limit="1")
    assert ids(both) == [mine["id"]] and both["next_cursor"]


def test_a_denunciators_identity_is_never_indexed(world):
    case = world.create("sotc_clerk")
    indexed = set()
    for word in ("nguyen", "nhung", "hong", "hang", "bong", "0912345678", "tocao"):
        rows = query_all(
            store.table(), key_condition="pk = :pk", values={":pk": f"SEARCH#2027#{word}"}
        )
        indexed |= {r["sk"] for r in rows}
    assert case["id"] not in indexed
    assert ids(find(world, "inspector", q=DENUNCIATOR["name"], unit_id="all")) == []
    assert ids(find(world, "sotc_officer", q="dia chinh")) == [case["id"]]  # its summary


def test_lookups_are_not_combined_with_other_filters(world):
    for query in (
        {"q": "dat", "reference": "KN-2027-AAAAAA"},
        {"reference": "KN-2027-AAAAAA", "unit_id": "all"},
        {"q": "dat", "overdue": "true"},
        {"reference": "not a reference"},
    ):
        status, _, _problem = world.get("sotc_officer", "/v1/cases", query=query)
        assert status == 422, query
