"""The layer's one base model (`core.models.Model`): a schema is built on first use, and once,
however many schemas nest the model (pydantic alone builds a deferred model again inside each
schema that nests it, and once more for itself)."""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Annotated, Any

import cityops
import pytest
from cityops.core.models import Model
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import core_schema


def _counted() -> type:
    """A field type that counts how often a schema is generated for it."""

    class Counted(str):
        built = 0

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
            cls.built += 1
            return core_schema.str_schema()

    return Counted


def test_a_model_is_built_on_first_use_not_when_defined() -> None:
    class Inner(Model):
        name: str

    assert Inner.__pydantic_complete__ is False
    assert Inner(name="a").name == "a"
    assert Inner.__pydantic_complete__ is True


def test_a_nested_model_is_built_once_for_itself_and_every_schema_that_nests_it() -> None:
    Counted = _counted()

    class Inner(Model):
        code: Counted  # type: ignore[valid-type]

    class Outer(Model):
        inner: Inner

    class Many(Model):
        inners: list[Inner] = Field(default_factory=list)

    assert Outer.model_validate({"inner": {"code": "a"}}).inner.code == "a"
    assert Many.model_validate({"inners": [{"code": "b"}]}).inners[0].code == "b"
    body = TypeAdapter(Annotated[Inner, Field(description="a request body")])  # as Powertools
    assert body.validate_python({"code": "c"}).code == "c"
    assert Inner(code="d").model_dump() == {"code": "d"}
    assert Counted.built == 1


def test_a_nested_model_still_reports_its_errors_where_they_are() -> None:
    class Inner(Model):
        n: int

    class Outer(Model):
        inner: Inner

    with pytest.raises(ValidationError) as refused:
        Outer.model_validate({"inner": {"n": "many"}})
    assert [error["loc"] for error in refused.value.errors()] == [("inner", "n")]


def test_a_model_that_nests_itself_builds_and_shows_as_pydantic_shows_it() -> None:
    class Node(Model):
        name: str
        children: list[Node] = Field(default_factory=list)

    class PlainNode(BaseModel):
        name: str
        children: list[PlainNode] = Field(default_factory=list)

    tree = Node.model_validate({"name": "a", "children": [{"name": "b", "children": []}]})
    assert tree.children[0].name == "b"
    shown = json.dumps(Node.model_json_schema()).replace("Node", "PlainNode")
    assert json.loads(shown) == PlainNode.model_json_schema()


def test_a_list_default_is_a_new_list_for_each_model_and_reads_no_builtin_signature() -> None:
    class Holder(Model):
        items: list[int] = Field(default_factory=list)

    one, two = Holder(), Holder()
    one.items.append(1)
    assert (one.items, two.items) == ([1], [])
    assert Holder.model_fields["items"].default_factory is not list  # its signature costs
    assert "default" not in Holder.model_json_schema()["properties"]["items"]


def test_every_model_of_the_layer_derives_from_the_one_base_model() -> None:
    """Every module of the layer, those a route loads late too (an importer, an export)."""
    for module in pkgutil.walk_packages(cityops.__path__, "cityops."):
        importlib.import_module(module.name)
    seen: set[type] = set()
    todo: list[type] = [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    ours = [c for c in seen if c.__module__.startswith("cityops.")]
    assert len(ours) > 100  # the layer's, found
    other = sorted(f"{c.__module__}.{c.__qualname__}" for c in ours if not issubclass(c, Model))
    assert other == [], f"derive from cityops.core.models.Model, not BaseModel: {other}"
