"""Prints, as JSON, the SQL that rebuilds the statistics tables from the rows, for
`bench/over_http.py`'s bulk load.

The load inserts its rows with the statistics triggers disabled (a trigger per row updates
the same few totals again and again in one transaction, each update walking the versions the
previous ones left: a hundred thousand rows did not load in fifteen minutes) and then, in the
same transaction, recomputes PartnerProductDay, PartnerProductTotal and BankProductTotal from
every row with the very statements the migrations' backfills use. Run in the server's
environment."""

import importlib
import json

import django

django.setup()

days = importlib.import_module("orders.migrations.0005_partner_product_day")
totals = importlib.import_module("orders.migrations.0006_partner_product_total")
bank_totals = importlib.import_module("orders.migrations.0008_bank_product_total")

print(
    json.dumps(
        [
            "TRUNCATE orders_partnerproductday, orders_partnerproducttotal, "
            "orders_bankproducttotal",
            *days._backfill(days._pg_day),
            *totals.BACKFILL,
            *bank_totals.BACKFILL,
        ]
    )
)
