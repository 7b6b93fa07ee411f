"""The hand-built items' money and moments are DRF's fields' text, and a page looks the time
zone up once."""

import datetime
import zoneinfo
from decimal import Decimal, InvalidOperation

import pytest
from django.utils import timezone
from rest_framework import serializers

from core import representation
from core.representation import PageItem, PageSerializer, moment, moments, money

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize("digits", [12, 14])
@pytest.mark.parametrize(
    "value",
    [
        Decimal("50000.00"),
        Decimal("0.00"),
        Decimal("-0.01"),
        Decimal("1.5"),
        Decimal("2.345"),
        Decimal("2.355"),
        Decimal("7"),
        Decimal("1E+3"),
        Decimal("9999999999.99"),
        "12.3",
        3,
        None,
    ],
)
def test_money_is_drf_s_decimal_field(value, digits):
    field = serializers.DecimalField(max_digits=digits, decimal_places=2)
    expected = None if value is None else field.to_representation(value)
    assert money(value, max_digits=digits) == expected


def test_money_past_its_digits_fails_as_drf_s():
    too_long = Decimal("123456789012.00")  # 14 digits
    with pytest.raises(InvalidOperation):
        serializers.DecimalField(max_digits=12, decimal_places=2).to_representation(too_long)
    with pytest.raises(InvalidOperation):
        money(too_long, max_digits=12)


MOMENTS = [
    datetime.datetime(2026, 12, 4, 10, 0, 0, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 4, 10, 0, tzinfo=MOSCOW),
    datetime.datetime(2026, 12, 4, 10, 0),  # naive: left to the field
    None,
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Moscow", "America/St_Johns"])
def test_moments_are_drf_s_datetime_field(settings, zone):
    settings.TIME_ZONE = zone
    field = serializers.DateTimeField()
    with timezone.override(zone):
        expected = [None if value is None else field.to_representation(value) for value in MOMENTS]
        assert moments(None, *MOMENTS) == expected
        assert moments(timezone.get_current_timezone(), *MOMENTS) == expected
        assert [moment(value) for value in MOMENTS] == expected
    assert moments(MOSCOW, MOMENTS[0]) == ["2026-12-04T13:00:00.123456+03:00"]


class ItemSerializer(PageItem, serializers.Serializer):
    class Meta:
        list_serializer_class = PageSerializer

    def to_representation(self, instance):
        return {"at": moment(instance, self.zone)}


def test_a_page_looks_the_zone_up_once(monkeypatch):
    looked_up = []

    def counting_zone():
        looked_up.append(1)
        return MOSCOW

    monkeypatch.setattr(representation.timezone, "get_current_timezone", counting_zone)
    items = [MOMENTS[0]] * 5

    data = ItemSerializer(items, many=True).data

    assert data == [{"at": "2026-12-04T13:00:00.123456+03:00"}] * 5
    assert len(looked_up) == 1
    assert ItemSerializer(MOMENTS[0]).data == {"at": "2026-12-04T13:00:00.123456+03:00"}
    assert len(looked_up) == 2  # on its own, the item looks it up itself
