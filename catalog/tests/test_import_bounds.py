"""A catalogue file is bounded while it is read, before its tree is built (issue 11, point 3).

A 1 MiB flow list (`products: [1,1,1,...]`) built ~500,000 nodes before validation looked at
it: 10 s of a worker for one upload, and four at once passed gunicorn's timeout.
"""

import time

import pytest
import yaml

from catalog.errors import CatalogImportError
from catalog.importing import MAX_CATALOG_BYTES
from catalog.importing.loader import (
    MAX_CATALOG_YAML_ITEMS,
    MAX_CATALOG_YAML_KEYS,
    MAX_CATALOG_YAML_NODES,
    PurePythonCatalogLoader,
    catalog_yaml_load,
)
from catalog.tests.helpers import catalog_data, product_item

LOADERS = [None, PurePythonCatalogLoader]  # the default (libyaml when built) and the fallback


def flow_list_bomb() -> bytes:
    head = b"bank: Example Bank\nproducts: ["
    count = (MAX_CATALOG_BYTES - len(head) - 1) // 2
    return head + b"1," * count + b"]"


def flat_mapping_bomb() -> bytes:
    lines = [b"bank: Example Bank"]
    size = len(lines[0])
    number = 0
    while size < MAX_CATALOG_BYTES - 20:
        line = b"k%d: 1" % number
        lines.append(line)
        size += len(line) + 1
        number += 1
    return b"\n".join(lines)


def refused(raw: bytes, loader) -> tuple[str, float]:
    kwargs = {} if loader is None else {"loader": loader}
    started = time.perf_counter()
    with pytest.raises(CatalogImportError) as info:
        catalog_yaml_load(raw=raw, **kwargs)
    return str(info.value.errors if hasattr(info.value, "errors") else info.value), (
        time.perf_counter() - started
    )


@pytest.mark.parametrize("loader", LOADERS)
def test_a_flow_list_of_a_megabyte_stops_at_the_item_cap(loader):
    raw = flow_list_bomb()
    assert len(raw) <= MAX_CATALOG_BYTES
    message, _ = refused(raw, loader)
    assert f"more than {MAX_CATALOG_YAML_ITEMS} items in one list" in message


@pytest.mark.parametrize("loader", LOADERS)
def test_a_mapping_of_a_megabyte_stops_at_the_key_cap(loader):
    raw = flat_mapping_bomb()
    assert len(raw) <= MAX_CATALOG_BYTES
    message, _ = refused(raw, loader)
    assert f"more than {MAX_CATALOG_YAML_KEYS} keys in one mapping" in message


def test_many_lists_stop_at_the_node_cap():
    """Lists each under the item cap, together over the node cap: as costly as the largest
    real catalogue at most (about a second with libyaml), never the whole megabyte."""
    per_list = MAX_CATALOG_YAML_ITEMS - 1
    lists = MAX_CATALOG_YAML_NODES // per_list + 1
    raw = b"\n".join(b"k%d: [%s]" % (n, b",".join([b"1"] * per_list)) for n in range(lists))
    assert len(raw) <= MAX_CATALOG_BYTES
    message, _ = refused(raw, None)
    assert f"more than {MAX_CATALOG_YAML_NODES} values in the file" in message


def test_the_largest_real_catalogue_fits_the_caps():
    products = [product_item(id=f"p{n}", name=f"Product {n}") for n in range(5000)]
    raw = yaml.safe_dump(catalog_data(products=products), sort_keys=False).encode()
    data = catalog_yaml_load(raw=raw)
    assert len(data["products"]) == 5000
