"""A field error says what is wrong in Vietnamese, at its field (`cityops.core.api`): the
console shows it as it is, and so does a mobile client."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pytest
from cityops.core.api import OTHER_FIELD_ERROR, field_message
from pydantic import BaseModel, Field, ValidationError, field_validator


class Body(BaseModel):
    reason: str = Field(min_length=1, max_length=10)
    kind: Literal["complaint", "denunciation", "voter_petition"] = "complaint"
    due: date | None = None
    copies: int = Field(default=1, ge=1, le=5)
    units: list[str] = Field(default_factory=lambda: ["U1"], min_length=1)

    @field_validator("reason")
    @classmethod
    def no_x(cls, value: str) -> str:
        if value == "x":
            raise ValueError("Lý do không được là «x».")
        return value


def messages(**body) -> dict[str, str]:
    with pytest.raises(ValidationError) as invalid:
        Body.model_validate(body)
    return {str(e["loc"][0]): field_message(e) for e in invalid.value.errors()}


def test_a_missing_or_empty_field_is_said_to_be_required():
    assert messages() == {"reason": "Chưa nhập: bắt buộc."}
    assert messages(reason="") == {"reason": "Chưa nhập: bắt buộc."}


def test_limits_are_said_with_their_numbers():
    assert messages(reason="x" * 11, copies=9, units=[]) == {
        "reason": "Quá dài: tối đa 10 ký tự.",
        "copies": "Tối đa là 5.",
        "units": "Cần ít nhất 1 mục.",
    }
    assert messages(reason="ok", copies=0) == {"copies": "Tối thiểu là 1."}


def test_a_choice_outside_the_list_names_the_list_in_vietnamese():
    said = messages(reason="ok", kind="petition")["kind"]
    assert said == (
        "Hãy chọn một giá trị trong danh sách: 'complaint', 'denunciation' hoặc 'voter_petition'."
    )


def test_a_date_or_number_that_cannot_be_read_is_said_so():
    assert messages(reason="ok", due="31/13/2027", copies="hai") == {
        "due": "Ngày không hợp lệ.",
        "copies": "Phải là một số nguyên.",
    }


def test_a_validators_own_words_are_kept_without_pydantics_prefix():
    assert messages(reason="x") == {"reason": "Lý do không được là «x»."}


def test_an_error_of_a_kind_not_in_the_table_is_still_said_in_vietnamese():
    assert field_message({"type": "uuid_version", "msg": "UUID version 4 expected"}) == (
        OTHER_FIELD_ERROR
    )
    assert field_message({"type": "string_too_long", "msg": "?", "ctx": {}}) == OTHER_FIELD_ERROR
