"""The rate counters moved from the former `config` app to `core` without losing a row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import RateCounter


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_an_existing_config_ratecounter_table_is_adopted_with_every_row():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", None)])  # a database from before: the table has its old name
    assert "config_ratecounter" in _tables()
    assert "core_ratecounter" not in _tables()
    expires = timezone.now() + timedelta(minutes=5)
    rows = [(f"throttle:auth:10.0.0.{n}", n) for n in range(1, 4)]
    stored_expiry = connection.ops.adapt_datetimefield_value(expires)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO config_ratecounter (key, count, expires_at) VALUES (%s, %s, %s)",
            [(key, count, stored_expiry) for key, count in rows],
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("core"))

    assert "config_ratecounter" not in _tables()
    assert sorted(RateCounter.objects.values_list("key", "count")) == rows
    assert RateCounter.objects.filter(expires_at=expires).count() == 3
