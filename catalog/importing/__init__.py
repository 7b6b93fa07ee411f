"""Importing one bank's full catalogue from YAML (SPEC §5), all or nothing.

The `import_catalog` command, the bank API and the admin all call `catalog_import`. The work
is split by job: `loader` reads the YAML safely, `validation` checks the data and collects
every problem, `writer` writes it in one transaction. Refusals are `catalog.errors`.
"""

from catalog.importing.loader import MAX_CATALOG_BYTES, catalog_yaml_load
from catalog.importing.validation import BANK_NAME_MAX_LENGTH
from catalog.importing.writer import ImportSummary, catalog_import

__all__ = [
    "BANK_NAME_MAX_LENGTH",
    "MAX_CATALOG_BYTES",
    "ImportSummary",
    "catalog_import",
    "catalog_yaml_load",
]
