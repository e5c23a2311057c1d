"""What every HTTP function shares: the resolver with its problem replies, the caller,
If-Match, ETags, body limits and idempotent creates. Functions hold only their routes."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel

from cityops.core import logs
from cityops.core.auth import Principal
from cityops.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PreconditionRequired,
    UnsupportedMediaType,
    problem,
)
from cityops.core.pipeline import time_limit
from cityops.core.settings import get_settings

PROBLEM = "application/problem+json"
REPLY_MARGIN_SECONDS = 1.5  # what an append's retries leave of the function's timeout


def problem_response(error: DomainError) -> Response:
    body = json.dumps(error.problem(), ensure_ascii=False)
    return Response(error.status, PROBLEM, body, headers=error.headers() or None)


# What a field error says, by pydantic's type, in the words the console shows at the field
# (and a mobile client as it is); `{...}` are the error's `ctx`. A validator's own words
# (`value_error`) are kept, without pydantic's "Value error, ".
FIELD_MESSAGES = {
    "missing": "Chưa nhập: bắt buộc.",
    "string_too_short": "Cần ít nhất {min_length} ký tự.",
    "string_too_long": "Quá dài: tối đa {max_length} ký tự.",
    "too_short": "Cần ít nhất {min_length} mục.",
    "too_long": "Quá nhiều: tối đa {max_length} mục.",
    "enum": "Hãy chọn một giá trị trong danh sách: {expected}.",
    "literal_error": "Hãy chọn một giá trị trong danh sách: {expected}.",
    "date_parsing": "Ngày không hợp lệ.",
    "date_type": "Ngày không hợp lệ.",
    "date_from_datetime_parsing": "Ngày không hợp lệ.",
    "date_from_datetime_inexact": "Ngày không hợp lệ.",
    "datetime_parsing": "Thời điểm không hợp lệ.",
    "datetime_type": "Thời điểm không hợp lệ.",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ.",
    "timezone_aware": "Thời điểm phải có múi giờ.",
    "int_parsing": "Phải là một số nguyên.",
    "int_type": "Phải là một số nguyên.",
    "int_from_float": "Phải là một số nguyên.",
    "float_parsing": "Phải là một số.",
    "float_type": "Phải là một số.",
    "decimal_parsing": "Phải là một số.",
    "decimal_type": "Phải là một số.",
    "finite_number": "Phải là một số hữu hạn.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Tối thiểu là {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Tối đa là {le}.",
    "string_pattern_mismatch": "Không đúng định dạng.",
    "string_type": "Phải là một chuỗi ký tự.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "list_type": "Phải là một danh sách.",
    "set_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "extra_forbidden": "Không nhận trường này; hãy bỏ trường này khỏi yêu cầu.",
    "json_invalid": "Không phải JSON hợp lệ.",
    "json_type": "Không phải JSON hợp lệ.",
    "url_parsing": "Địa chỉ URL không hợp lệ.",
    "uuid_parsing": "Mã không hợp lệ.",
}
OTHER_FIELD_ERROR = "Giá trị không hợp lệ."
_OWN_WORDS = {"value_error": "Value error, ", "assertion_error": "Assertion failed, "}


def field_message(err: dict[str, Any]) -> str:
    """A pydantic error's message in Vietnamese (FIELD_MESSAGES); a validator's own words."""
    kind = str(err.get("type", ""))
    if kind in _OWN_WORDS:
        return str(err.get("msg", "")).removeprefix(_OWN_WORDS[kind]) or OTHER_FIELD_ERROR
    if kind == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        kind = "missing"  # an empty text where one is required
    template = FIELD_MESSAGES.get(kind)
    if template is None:
        return OTHER_FIELD_ERROR
    ctx = {k: str(v).replace(" or ", " hoặc ") for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return OTHER_FIELD_ERROR


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append(
            {
                "loc": [p if isinstance(p, int) else str(p) for p in err.get("loc", ())],
                "msg": field_message(err),
                "type": str(err.get("type", "")),
            }
        )
    return out


def _to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


# JSON deeper than this is refused before it is parsed (the parser recurses once a level).
MAX_JSON_DEPTH = 32


def _raw_problem(error: DomainError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM},
        "body": json.dumps(error.problem(), ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _is_json(content_type: str) -> bool:
    """`application/json`, in any case, with at most a `charset` of UTF-8 (RFC 8259)."""
    media, *params = (part.strip() for part in content_type.split(";"))
    if media.lower() != "application/json":
        return False
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, counted without parsing it (brackets
    inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_body(event: dict[str, Any]) -> DomainError | None:
    """The edge's checks of a body, before anything parses it: its size, its media type
    (JSON only: a 415 otherwise) and how deep it nests. Returns the error to answer with.
    A request that passes reaches the routes with `content-type: application/json`."""
    body = event.get("body") or ""
    limit = get_settings().max_body_bytes
    if len(body.encode()) > limit:
        return PayloadTooLarge(f"Nội dung gửi lên tối đa {limit} byte.")
    headers = event.setdefault("headers", {}) or {}
    event["headers"] = headers
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for key in [k for k in headers if k.lower() == "content-type"]:
        del headers[key]
    if not body:
        return None  # nothing to parse: the header, whatever it says, does not matter
    if content_type and not _is_json(content_type):
        return UnsupportedMediaType(
            f"Nội dung phải là application/json (UTF-8), không phải {content_type[:100]!r}."
        )
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return InvalidInput("Nội dung gửi lên không phải JSON hợp lệ.")
        event["body"], event["isBase64Encoded"] = body, False
    if json_depth(body) > MAX_JSON_DEPTH:
        return InvalidInput(f"JSON lồng nhau tối đa {MAX_JSON_DEPTH} cấp.")
    headers["content-type"] = "application/json"
    return None


_REGEX_SYNTAX = frozenset(".^$*+?()[]{}|\\")


class RoutePattern:
    """A route's pattern, compiled on the first request whose path starts with the rule's
    literal part (all before its first `<param>`). Powertools compiles every route's regex
    when it is registered (about 0.17 ms each: 6 ms for the cases' 34 routes, in every cold
    start); this way a cold start compiles the one it serves and those sharing its prefix.
    A path the literal part does not start is no match, as the regex would say."""

    __slots__ = ("_base", "_compiled", "_literal", "groups", "rule")

    def __init__(self, rule: str, base: str) -> None:
        self.rule, self._base, self._compiled = rule, base, None
        literal = rule.split("<", 1)[0]
        self._literal = "" if _REGEX_SYNTAX.intersection(literal) else literal
        self.groups = rule.count("<")  # what Powertools asks before any match: dynamic?

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    def match(self, path: str) -> re.Match[str] | None:
        if not path.startswith(self._literal):
            return None
        if self._compiled is None:
            self._compiled = APIGatewayHttpResolver._compile_regex(self.rule, self._base)
        return self._compiled.match(path)


class Resolver(APIGatewayHttpResolver):
    """Refuses an oversize, non-JSON or too deeply nested body before anything parses it;
    compiles a route's pattern when a request may match it (`RoutePattern`)."""

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = "^{}$") -> Any:  # Powertools' default
        return RoutePattern(rule, base_regex)

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        error = check_body(event)
        if error is not None:
            return _raw_problem(error)
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return super().resolve(event, context)
        # appends retry lost races while the function has time, less a margin for the reply
        with time_limit(remaining() / 1000 - REPLY_MARGIN_SECONDS):
            return super().resolve(event, context)


def only_known_query_parameters(app: Any, next_middleware: Any) -> Response:
    """Unknown query parameters are a 422, not ignored (a misspelt filter would otherwise
    answer with everything): the route's declared query parameters, by their aliases."""
    route = app.context.get("_route")
    given = set((app.current_event.query_string_parameters or {}).keys())
    if route is not None and given:
        known = {f.alias for f in route.dependant.query_params}
        unknown = sorted(given - known)
        if unknown:
            raise InvalidInput(
                f"Tham số truy vấn không được hỗ trợ: {', '.join(unknown)}.",
                errors=[{"loc": ["query", n], "msg": "Tham số không được hỗ trợ.", "type": "extra"}
                        for n in unknown],
            )  # fmt: skip
    return next_middleware(app)


def make_resolver() -> Resolver:
    """An HTTP API resolver that validates requests, refuses unknown query parameters and
    answers every error as a problem."""
    app = Resolver(enable_validation=True, serializer=_to_json)
    app.use(middlewares=[only_known_query_parameters])

    @app.exception_handler(DomainError)
    def _domain_error(exc: DomainError) -> Response:
        if exc.status >= 500:
            logs.logger().exception("domain error")
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        detail = (
            "Nội dung gửi lên không phải JSON hợp lệ."
            if any(e["type"] == "json_invalid" for e in errors)
            else "Có trường bị thiếu hoặc không hợp lệ."
        )
        return problem_response(InvalidInput(detail, errors=errors))

    @app.not_found
    def _no_route(_exc: Exception) -> Response:
        return problem_response(NotFound("Không tìm thấy địa chỉ yêu cầu."))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logs.logger().exception("unexpected error")
        body = problem(500, "internal-error", "Lỗi hệ thống", "Hệ thống gặp lỗi; hãy thử lại sau.")
        return Response(500, PROBLEM, json.dumps(body))

    return app


def caller(app: APIGatewayHttpResolver, units: Iterable[str] = ()) -> Principal:
    """The signed-in caller, from the claims the JWT authorizer verified, checked against
    their directory profile (`core.access.vouched`: the profile's name, active, same unit).
    `units`: ids the request names (a task's lead and coordinating units), read with the
    profile when a new container reads it, so the use case finds them kept (`UNITS`)."""
    from cityops.core.access import vouched

    claims = app.current_event.request_context.authorizer.jwt_claim or {}
    return vouched(Principal.from_claims(claims), units)


def if_match(app: APIGatewayHttpResolver, *, required: bool = True) -> int | None:
    """The version the client last read, from `If-Match: "3"` (weak or strong). Routes whose
    change runs through the pipeline pass `required=False`: the pipeline answers a missing
    one with 428 in its place in the order of checks (after 404 and 403)."""
    raw = app.current_event.headers.get("if-match")
    if not raw:
        if not required:
            return None
        raise PreconditionRequired("Hãy gửi If-Match với ETag đọc được lần gần nhất.")
    text = raw.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput(
            "If-Match phải là một ETag do API này trả về.",
            errors=[{"loc": ["header", "if-match"], "msg": "Không phải ETag."}],
        )
    return int(text)


def reply(
    body: BaseModel | dict[str, Any] | list[Any],
    status: int = 200,
    *,
    version: int | None = None,
    location: str | None = None,
) -> Response:
    """A JSON reply; with an ETag when the body is a versioned entity."""
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    headers: dict[str, str] = {}
    if version is not None:
        headers["ETag"] = f'"{version}"'
    if location:
        headers["Location"] = location
    return Response(status, "application/json", data, headers=headers)


@cache
def _idempotency() -> tuple[Any, Any]:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
    )

    store = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table)
    config = IdempotencyConfig(
        event_key_jmespath="[operation, caller, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=24 * 3600,
    )
    return store, config


def idempotent(
    app: APIGatewayHttpResolver,
    operation: str,
    who: Principal,
    body: dict[str, Any],
    create: Callable[[], Response],
) -> Response:
    """Run `create` once per `Idempotency-Key`: a retry with the same key and body gets the
    first reply again; the same key with another body is refused (422)."""
    key = app.current_event.headers.get("idempotency-key")
    if not key:
        return create()
    if len(key) > 128:
        raise InvalidInput(
            "Idempotency-Key tối đa 128 ký tự.",
            errors=[{"loc": ["header", "idempotency-key"], "msg": "Quá dài: tối đa 128 ký tự."}],
        )
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    store, config = _idempotency()
    if app.lambda_context is not None:
        config.register_lambda_context(app.lambda_context)

    @idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)
    def run(request: dict[str, Any]) -> dict[str, Any]:
        response = create()
        return {"status": response.status_code, "body": response.body, "headers": response.headers}

    try:
        stored = run(request={"operation": operation, "caller": who.sub, "key": key, "body": body})
    except IdempotencyValidationError as exc:
        raise InvalidInput("Idempotency-Key này đã được dùng với một nội dung khác.") from exc
    except IdempotencyAlreadyInProgressError as exc:
        from cityops.core.errors import Conflict

        raise Conflict(
            "Yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát."
        ) from exc
    headers = {k: v for k, v in (stored.get("headers") or {}).items() if isinstance(v, str)}
    return Response(stored["status"], "application/json", stored["body"], headers=headers)
