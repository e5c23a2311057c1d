"""The folded-word search of `cityops.core.search`, without AWS: the rows a change writes and
removes, and the words a query asks for."""

from __future__ import annotations

from cityops.core.search import MAX_WORDS, SearchIndex, fold, query_words, words


def test_a_change_puts_the_new_words_and_deletes_the_gone_ones():
    index = SearchIndex("DocumentsTable")
    items = index.changes("DOC1", ("U#2026", ["quy", "hoach"]), ("U#2026", ["quy", "thu", "do"]))
    puts = sorted(i["Put"]["Item"]["pk"]["S"] for i in items if "Put" in i)
    deletes = [i["Delete"]["Key"]["pk"]["S"] for i in items if "Delete" in i]
    assert puts == ["SEARCH#U#2026#do", "SEARCH#U#2026#thu"]
    assert deletes == ["SEARCH#U#2026#hoach"]
    assert all(i.get("Put", i.get("Delete"))["TableName"] == "DocumentsTable" for i in items)


def test_a_new_entity_puts_every_word_and_an_unchanged_one_writes_nothing():
    index = SearchIndex("T")
    assert len(index.changes("E", None, ("S", ["a", "b"]))) == 2
    assert index.changes("E", ("S", ["a", "b"]), ("S", ["b", "a"])) == []


def test_moving_to_another_scope_moves_every_row():
    items = SearchIndex("T").changes("E", ("A#2026", ["x"]), ("B#2026", ["x"]))
    assert [next(iter(i)) for i in items] == ["Put", "Delete"]


def test_an_entity_indexes_at_most_forty_words_and_a_query_at_most_eight():
    text = " ".join(f"w{i}" for i in range(100))
    assert len(words(text)) == MAX_WORDS
    assert len(query_words(text)) == 8


def test_folding_handles_composed_and_decomposed_vietnamese_alike():
    import unicodedata

    composed = "Quyết định Điều chỉnh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert fold(composed) == fold(decomposed) == "quyet dinh dieu chinh"
