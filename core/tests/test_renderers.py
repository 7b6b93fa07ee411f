"""The orjson renderer writes what DRF's JSONRenderer writes, byte for byte."""

import dataclasses
import datetime
import uuid
from decimal import Decimal
from enum import IntEnum

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.renderers import JSONRenderer


class Rank(IntEnum):
    FIRST = 1


UTC = datetime.UTC
MOSCOW = datetime.timezone(datetime.timedelta(hours=3))

PAYLOADS = [
    {},
    [],
    {"count": 10000, "next": "http://testserver/api/orders/?page=2", "previous": None},
    {
        "moments": [
            datetime.datetime(2026, 12, 4, 10, 0, 0, 123456, tzinfo=UTC),
            datetime.datetime(2026, 12, 4, 10, 0, tzinfo=MOSCOW),
            datetime.datetime(2026, 12, 4, 10, 0),
            datetime.date(2026, 12, 4),
            datetime.time(10, 30, 5, 12),
        ],
        "decimals": [Decimal("1.50"), Decimal("50000.00"), Decimal("-0.01"), Decimal("0")],
        "text": ["Привет", "emoji \U0001f600", 'quote " and \\ and \n', "\u2028\u2029 line seps"],
        "lazy": gettext_lazy("Not found."),
        "errors": {"phone": [ErrorDetail("Enter a valid phone.", code="invalid")]},
        "nested": ReturnDict(
            {"items": ReturnList([1, 2.5, True, False, None], serializer=None)}, serializer=None
        ),
        "ids": [uuid.UUID(int=7), Rank.FIRST, 2**63 - 1, -(2**63)],
        "a set": {3},
        "a tuple": (1, "two"),
        "delta": datetime.timedelta(hours=1, seconds=1),
        1: "an int key",
        None: "a None key",
    },
]


@pytest.mark.parametrize("data", PAYLOADS)
def test_the_same_bytes_as_drf(data, monkeypatch):
    expected = DRFJSONRenderer().render(data)

    def not_drf(*args, **kwargs):
        raise AssertionError("left to DRF's renderer")

    monkeypatch.setattr(DRFJSONRenderer, "render", not_drf)  # orjson wrote it
    assert JSONRenderer().render(data) == expected


def test_an_indented_answer_is_drf_s():
    data = {"a": [1, {"b": None}]}
    media_type = "application/json; indent=4"

    rendered = JSONRenderer().render(data, media_type)

    assert rendered == DRFJSONRenderer().render(data, media_type)
    assert b'\n    "a"' in rendered


@pytest.mark.parametrize("data", [{"big": 2**64}, {(1, 2): "a tuple key"}])
def test_what_orjson_refuses_goes_to_drf(data):
    renderer = JSONRenderer()
    try:
        expected = DRFJSONRenderer().render(data)
    except TypeError as error:
        with pytest.raises(TypeError, match=str(error)[:20]):
            renderer.render(data)
    else:
        assert renderer.render(data) == expected


def test_what_drf_cannot_write_fails_alike():
    @dataclasses.dataclass
    class Point:
        x: int

    with pytest.raises(TypeError):
        DRFJSONRenderer().render({"p": Point(1)})
    with pytest.raises(TypeError):
        JSONRenderer().render({"p": Point(1)})


def test_none_is_an_empty_body():
    assert JSONRenderer().render(None) == b""
