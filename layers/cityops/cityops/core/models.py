"""Base classes for request and reply models."""

import re
import types
import typing
import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    from cityops.core.auth import Principal


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Thời điểm phải có múi giờ.")
    return moment


def _stored(moment: datetime) -> str:
    from cityops.core.clock import iso

    return iso(moment)


# An instant on a domain object: timezone-aware, stored and shown as `clock.iso` gives it
# (UTC, microseconds, so that stored times sort as text).
Instant = Annotated[
    datetime, AfterValidator(_aware), PlainSerializer(_stored, return_type=str, when_used="json")
]


# Every date an API takes lies in these years (no rule of the city reaches outside them).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value: object) -> object:
    """A date is written YYYY-MM-DD: not a number (`0` would read as 1 January 1970)."""
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and not _ISO_DAY.fullmatch(value.strip())
    ):
        raise ValueError("Ngày phải viết theo dạng YYYY-MM-DD.")
    return value


def sane_day(day: date) -> date:
    if isinstance(day, date) and not isinstance(day, datetime) and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"Ngày phải trong khoảng {FIRST_DAY:%d/%m/%Y}–{LAST_DAY:%d/%m/%Y}.")
    return day


def not_future(day: date) -> date:
    from cityops.core import clock

    if day > clock.today():
        raise ValueError("Không được sau ngày hôm nay.")
    return day


# A date the API takes (a query parameter or a body's field; `Request` applies the same
# checks to every `date` field it declares): YYYY-MM-DD, from 2000 to 2100.
Day = Annotated[date, BeforeValidator(iso_day), AfterValidator(sane_day)]
# A day something already happened (received, issued, held): also not after today.
PastDay = Annotated[Day, AfterValidator(not_future)]


def _mentions_date(annotation: object) -> bool:
    if annotation is date:
        return True
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return False
    return any(_mentions_date(arg) for arg in typing.get_args(annotation))


def nfc(text: str) -> str:
    """NFC-normalise text: Vietnamese has composed and decomposed forms of the same letters."""
    return unicodedata.normalize("NFC", text)


# Allowed although they are controls or formats: line breaks and tabs (multi-line text) and
# the zero-width (non-)joiners that emoji and some scripts need.
_ALLOWED = frozenset("\t\n\r\u200c\u200d")


def refused_character(text: str) -> str | None:
    """The first character no text field may hold, or None: C0/C1 controls (NUL among them)
    but tab and line breaks; formatting characters (bidi embeddings and overrides
    U+202A–202E, isolates U+2066–2069, marks, BOM U+FEFF, zero-width space); the line and
    paragraph separators U+2028/2029; lone surrogates; and noncharacters (U+FFFE, U+FFFF, …)."""
    for char in text:
        if char in _ALLOWED:
            continue
        code = ord(char)
        if (
            unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
        ):
            return char
    return None


def _check_text(value: object) -> None:
    if isinstance(value, str):
        char = refused_character(value)
        if char is not None:
            raise ValueError(
                f"Có ký tự điều khiển hoặc định dạng U+{ord(char):04X}, không được phép (chỉ "
                "cho phép xuống dòng và tab)."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_text(item)


_BUILDING: set[type] = set()  # the models whose own schema is being built


def _new_list() -> list[Any]:
    """A new empty list: `list` as a default factory, with a signature cheap to read."""
    return []


class Model(BaseModel):
    """The layer's one base model: its schema is built on first use (`defer_build`: an
    import builds none), and built once.

    - A nested model is built on its own first, and the schemas that nest it refer to it.
      Pydantic alone, asked for a model's schema inside another's (a deadline in a deadline
      book, a request body in Powertools' validation) while the model is not built yet,
      builds it again in each schema that nests it, and once more when the model is used
      itself: a case's first request built its request body twice and a deadline five
      times.
    - `Field(default_factory=list)` reaches pydantic as `_new_list`, which does the same.
      Pydantic reads a factory's signature in every schema it builds (does it take the
      validated data?), and the builtin `list`'s costs 0.27 ms to parse, a function's
      0.02: 3.5 of the 29 ms of a case's first three schemas.
    """

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for field in cls.__pydantic_fields__.values():
            if field.default_factory is list:
                field.default_factory = _new_list

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        if source is cls and not cls.__pydantic_complete__ and cls not in _BUILDING:
            cls.model_rebuild()
        return handler(source)

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        _BUILDING.add(cls)
        try:
            return super().model_rebuild(
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=_parent_namespace_depth + 1,  # this frame is ours
                _types_namespace=_types_namespace,
            )
        finally:
            _BUILDING.discard(cls)


class Request(Model):
    """A request body: unknown fields are refused; text is stripped, NFC-normalised, and may
    hold no control or formatting character but line breaks and tabs (`refused_character`),
    at any depth (in lists and nested objects too)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: object, info: ValidationInfo) -> object:
        _check_text(value)
        if info.field_name in cls._date_fields():
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    iso_day(item)
        if isinstance(value, str):
            return nfc(value)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _sane_days(cls, value: object) -> object:
        for item in value if isinstance(value, list) else [value]:
            sane_day(item)  # type: ignore[arg-type]
        return value

    @classmethod
    def _date_fields(cls) -> frozenset[str]:
        """The fields that take a date (or a list of dates): written YYYY-MM-DD."""
        found = cls.__dict__.get("_found_date_fields")
        if found is None:
            found = frozenset(
                name for name, field in cls.model_fields.items() if _mentions_date(field.annotation)
            )
            cls._found_date_fields = found  # type: ignore[attr-defined]
        return found


# The date of an instant in Asia/Ho_Chi_Minh, beside it in a reply: what officials read. A
# reply declares `<x>_on: LocalDay = None` beside `<x>_at` (or beside an instant `<x>`, such
# as a task's `judged_deadline`), and `Reply` fills it from that instant.
LocalDay = Annotated[
    date | None, Field(description="The date of the instant beside it, in Asia/Ho_Chi_Minh")
]


def local_day(moment: datetime | str | None) -> date | None:
    """The date of an instant in Asia/Ho_Chi_Minh (`2027-02-17T18:00:00Z` → 18/2/2027)."""
    if moment is None or moment == "":
        return None
    from cityops.core.calendar import CITY_TZ

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment.astimezone(CITY_TZ).date()


class Reply(Model):
    """A reply body: unknown fields are left out, and every `<x>_on` declared beside an
    instant `<x>_at` (or `<x>`) is that instant's date in Asia/Ho_Chi_Minh."""

    model_config = ConfigDict(extra="ignore")
    _local_days: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.model_fields
        pairs = {}
        for name in fields:
            if not name.endswith("_on"):
                continue
            stem = name.removesuffix("_on")
            source = next((s for s in (f"{stem}_at", stem) if s in fields), None)
            if source is not None:
                pairs[name] = source
        cls._local_days = pairs

    @model_validator(mode="before")
    @classmethod
    def _fill_local_days(cls, data: Any) -> Any:
        if not cls._local_days or not isinstance(data, dict):
            return data
        filled = dict(data)
        for name, source in cls._local_days.items():
            if filled.get(name) is None and filled.get(source):
                filled[name] = local_day(filled[source])
        return filled


class DeadlineOut(Reply):
    """A deadline as replies show it (an entity's deadline book), with its local date."""

    key: str
    kind: str
    due_at: str
    due_on: LocalDay = None
    status: str
    outcome: str | None = None
    responsible_unit_id: str


class Person(Model):
    """Who did something, as a record shows them (an id and the directory's name)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str


def person(who: "Principal", name: str | None = None) -> Person:
    """Who did it, as the records show them: a caller's name is their directory profile's
    (`core.api.caller` put it on the principal: `core.access.vouched`), read nothing here."""
    return Person(id=who.sub, name=name or who.name or who.username)


class UnitRef(Model):
    """A unit as the directory names it, with its path (root first, itself last)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    code: str = ""
    path: list[str] = Field(default_factory=list)
