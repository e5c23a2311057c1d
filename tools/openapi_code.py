"""What a route's handler does over HTTP, read from its code: the statuses and media types it
answers with, the response headers it sends, the request headers it reads, the errors it can
raise. tools/openapi.py turns these facts into the OpenAPI document, so that the document
follows the code instead of a hand list.

The handler's source is parsed (`ast`) and followed into the helpers it calls that live in
its own module (`_task`, `_act`, ...) and into the edge's helpers of `cityops.core.api`, with
the literal arguments bound to the helpers' parameters:

- `Response(status, media_type, ..., headers=...)`: a status, a media type, response headers;
- `reply(body, status, version=..., location=...)`: a JSON reply, with `ETag` when a version is
  given and `Location` when a location is;
- `if_match(...)`: the `If-Match` request header (412 and 428 with it);
- `idempotent(...)`: the `Idempotency-Key` request header (409 while the first is running);
- `<router>.current_event.headers.get("x-name")`: a request header the handler reads;
- `caller(...)`: a signed-in caller vouched by the directory (403 for a disabled account);
- a call into a module that defines a `DomainError` the function's resolver maps with an
  exception handler of its own (e.g. 429 for too many wrong tracking secrets).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import Response

UNKNOWN = object()


@dataclass
class Facts:
    statuses: dict[int, set[str]] = field(default_factory=dict)  # status -> media types
    response_headers: dict[int, set[str]] = field(default_factory=dict)  # status -> names
    request_headers: dict[str, bool] = field(default_factory=dict)  # name -> required
    calls_caller: bool = False
    reads_if_match: bool = False
    idempotent: bool = False
    modules_called: set[str] = field(default_factory=set)

    def answer(self, status: int, media: str | None, headers: set[str]) -> None:
        self.statuses.setdefault(status, set())
        if media:
            self.statuses[status].add(media)
        self.response_headers.setdefault(status, set()).update(headers)


def _parse(func: Any) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    if not isinstance(node, ast.FunctionDef):
        raise TypeError(f"not a function: {func!r}")
    return node


class _Reader:
    def __init__(self, handler: Any):
        import cityops.core.api as edge

        self.edge = edge
        self.globals = handler.__globals__
        self.facts = Facts()
        self.seen: set[tuple[str, tuple]] = set()

    # --- values --------------------------------------------------------------------------

    def value(self, node: ast.AST | None, scope: dict[str, Any]) -> Any:
        if node is None:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in scope:
                return scope[node.id]
            return self.globals.get(node.id, UNKNOWN)
        if isinstance(node, ast.Attribute):
            base = self.value(node.value, scope)
            if isinstance(base, ModuleType):
                return getattr(base, node.attr, UNKNOWN)
            return UNKNOWN
        if isinstance(node, ast.IfExp):
            test = self.value(node.test, scope)
            if test is UNKNOWN:
                return UNKNOWN
            return self.value(node.body if test else node.orelse, scope)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.value(node.left, scope), self.value(node.comparators[0], scope)
            if left is UNKNOWN or right is UNKNOWN or type(node.ops[0]) not in (ast.Eq, ast.NotEq):
                return UNKNOWN
            return (left == right) is isinstance(node.ops[0], ast.Eq)
        if isinstance(node, ast.JoinedStr):
            return "<text>"
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:  # **other
                    other = self.value(item, scope)
                    out.update(other if isinstance(other, dict) else {})
                else:
                    out[self.value(key, scope)] = self.value(item, scope)
            return out
        return UNKNOWN

    @staticmethod
    def _argument(call: ast.Call, index: int, name: str) -> ast.AST | None:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        return call.args[index] if len(call.args) > index else None

    # --- calls ---------------------------------------------------------------------------

    def read(self, func: Any, scope: dict[str, Any]) -> None:
        key = (func.__qualname__, tuple(sorted((k, repr(v)) for k, v in scope.items())))
        if key in self.seen:
            return
        self.seen.add(key)
        node = _parse(func)
        scope = dict(scope)
        for statement in node.body:  # the helper's own names, e.g. `location = ... if ...`
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name) and not isinstance(statement.value, ast.Dict):
                    scope[target.id] = self.value(statement.value, scope)
        local_dicts: dict[str, set[str]] = {}
        for child in ast.walk(node):
            if isinstance(child, ast.Assign) and isinstance(child.value, ast.Dict):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        keys = self.value(child.value, scope)
                        local_dicts[target.id] = {k for k in keys if isinstance(k, str)}
        for child in ast.walk(node):
            if isinstance(child, ast.Call):
                self.call(child, scope, local_dicts)

    def call(self, call: ast.Call, scope: dict[str, Any], local_dicts: dict[str, set[str]]):
        target = self.value(call.func, scope)
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "headers"
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            self.facts.request_headers.setdefault(str(call.args[0].value).lower(), False)
            return
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            base = self.value(func.value, scope)
            if isinstance(base, ModuleType):
                self.facts.modules_called.add(base.__name__)
        if target is Response:
            self.response(call, scope, local_dicts)
        elif target is self.edge.reply:
            self.reply(call, scope)
        elif target is self.edge.if_match:
            required = self.value(self._argument(call, 99, "required"), scope)
            self.facts.request_headers["if-match"] = required is not False
            self.facts.reads_if_match = True
        elif target is self.edge.idempotent:
            self.facts.request_headers.setdefault("idempotency-key", False)
            self.facts.idempotent = True
        elif target is self.edge.caller:
            self.facts.calls_caller = True
        elif inspect.isfunction(target) and target.__globals__ is self.globals:
            self.helper(target, call, scope)

    def helper(self, target: Any, call: ast.Call, scope: dict[str, Any]) -> None:
        """A helper of the handler's module, its parameters bound to the call's literals."""
        signature = inspect.signature(target)
        bound: dict[str, Any] = {}
        names = list(signature.parameters)
        for index, name in enumerate(names):
            given = self._argument(call, index, name)
            default = signature.parameters[name].default
            if given is not None:
                bound[name] = self.value(given, scope)
            elif default is not inspect.Parameter.empty:
                bound[name] = default
            else:
                bound[name] = UNKNOWN
        self.read(target, bound)

    def response(self, call: ast.Call, scope: dict[str, Any], local_dicts: dict[str, set[str]]):
        status = self.value(self._argument(call, 0, "status_code"), scope)
        media = self.value(self._argument(call, 1, "content_type"), scope)
        headers_node = self._argument(call, 3, "headers")
        names: set[str] = set()
        if isinstance(headers_node, ast.Name) and headers_node.id in local_dicts:
            names = local_dicts[headers_node.id]
        elif headers_node is not None:
            given = self.value(headers_node, scope)
            names = {k for k in given if isinstance(k, str)} if isinstance(given, dict) else set()
        if not isinstance(status, int):
            status = -1  # e.g. an exception handler's `exc.status`: its caller knows it
        self.facts.answer(status, media if isinstance(media, str) else None, names)

    def reply(self, call: ast.Call, scope: dict[str, Any]) -> None:
        parameters = inspect.signature(self.edge.reply).parameters
        status_node = self._argument(call, 1, "status")
        status = parameters["status"].default if status_node is None else None
        if status is None:
            status = self.value(status_node, scope)
        if not isinstance(status, int):
            raise ValueError(f"a reply whose status the code does not say: {ast.unparse(call)}")
        headers = set()
        for name, header in (("version", "ETag"), ("location", "Location")):
            node = self._argument(call, 99, name)
            if node is not None and self.value(node, scope) is not None:
                headers.add(header)
        self.facts.answer(status, "application/json", headers)


def read_handler(handler: Any) -> Facts:
    """The facts of one route's handler (see the module's docstring)."""
    reader = _Reader(handler)
    reader.read(handler, {})
    return reader.facts
