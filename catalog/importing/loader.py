"""Reading a catalogue file's YAML into plain data, safely.

A catalogue comes from outside (a bank's upload, an admin's file), so the reader refuses what
a catalogue never needs and an attacker would use: more than 1 MiB, aliases (the "billion
laughs"), deep nesting (a recursion crash), duplicate keys (a silently dropped list) and tags
that build objects. Every refusal is a `CatalogImportError` with one short, readable line.
"""

from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver

from catalog.errors import CatalogImportError, CatalogTooLarge

try:
    from yaml.cyaml import CParser as _LibyamlParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser does the same job
    _LibyamlParser = None

MAX_CATALOG_BYTES = 1024 * 1024
# A catalogue is four levels deep (file, list, item, value); the cap keeps a file of nested
# brackets from exhausting Python's recursion limit in the (recursive) composer.
MAX_CATALOG_YAML_DEPTH = 10
# Nodes (scalars, lists, mappings) a file may hold, and items one list or mapping may hold. The
# largest real catalogue (5,000 products of seven fields) is about 76,000 nodes in lists of
# 5,000; a 1 MiB flow list (`[1,1,1,...]`) is 500,000 nodes, which took 10 s to build before
# anything looked at it. Both are counted while the tree is composed, so a file over either
# stops at the first node too many.
MAX_CATALOG_YAML_NODES = 100_000
MAX_CATALOG_YAML_ITEMS = 10_000
# Keys one mapping may hold: a catalogue's largest has eight (a product).
MAX_CATALOG_YAML_KEYS = 50


class _PlainDataComposer(Composer):
    """Composes the node tree but refuses every alias, deep nesting and duplicate keys.

    An alias repeats a node by reference: nine levels of ten aliases each (the "billion laughs")
    turn a few hundred bytes into a billion strings while they are built. A catalogue never needs
    one, so the first alias ends the parse before anything is constructed. Tags are left to
    SafeConstructor, which knows no `!!python/...` tag and so builds only plain data.
    """

    _depth = 0
    _nodes = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            raise ComposerError(None, None, "aliases are not allowed", self.peek_event().start_mark)
        self._nodes += 1
        if self._nodes > MAX_CATALOG_YAML_NODES:
            raise ComposerError(
                None,
                None,
                f"more than {MAX_CATALOG_YAML_NODES} values in the file",
                self.peek_event().start_mark,
            )
        # `index` is the item's position in its list; None for a mapping's key, whose pairs so
        # far are in the parent's `value`.
        if isinstance(parent, SequenceNode) and index >= MAX_CATALOG_YAML_ITEMS:
            raise ComposerError(
                None,
                None,
                f"more than {MAX_CATALOG_YAML_ITEMS} items in one list",
                self.peek_event().start_mark,
            )
        if (
            isinstance(parent, MappingNode)
            and index is None
            and len(parent.value) >= MAX_CATALOG_YAML_KEYS
        ):
            raise ComposerError(
                None,
                None,
                f"more than {MAX_CATALOG_YAML_KEYS} keys in one mapping",
                self.peek_event().start_mark,
            )
        if self._depth >= MAX_CATALOG_YAML_DEPTH:
            raise ComposerError(
                None,
                None,
                f"nested deeper than {MAX_CATALOG_YAML_DEPTH} levels",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor):
        """Refuse a key written twice.

        YAML keeps the last one silently: a second `products:` pasted into a file would drop
        the first list and deactivate all of its products.
        """
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise ComposerError(
                    "while composing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value[:40]!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return node


class PurePythonCatalogLoader(_PlainDataComposer, yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases: the fallback when libyaml is missing."""


CatalogLoader: type = PurePythonCatalogLoader
if _LibyamlParser is not None:

    class LibyamlCatalogLoader(_PlainDataComposer, _LibyamlParser, SafeConstructor, Resolver):
        """libyaml scans and parses, the alias-refusing composer above builds the tree.

        About five times faster than the pure-Python loader on a full 1 MiB file (1 s against
        5 s), while every node still passes through `compose_node`.
        """

        def __init__(self, stream: str) -> None:
            _LibyamlParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    CatalogLoader = LibyamlCatalogLoader


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    """One short line: the problem and where it is, never a copy of the offending text."""
    where = ""
    if isinstance(exc, MarkedYAMLError):
        text = " ".join(part for part in (exc.context, exc.problem) if part) or "malformed"
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            where = _(" (line {line}, column {column})").format(
                line=mark.line + 1, column=mark.column + 1
            )
    elif isinstance(exc, ReaderError):
        text = f"unacceptable character #x{exc.character:04x}"
        where = _(" (position {position})").format(position=exc.position)
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _("Invalid YAML: {problem}{where}.").format(
        problem=" ".join(text.split())[:160], where=where
    )


def catalog_yaml_load(*, raw: bytes, loader: type = CatalogLoader) -> Any:
    """The plain data (dicts, lists, strings, numbers, booleans) of a catalogue file."""
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogTooLarge(max_bytes=MAX_CATALOG_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogImportError({"file": [_("The file must be UTF-8 text.")]}) from None
    parser = None
    try:
        parser = loader(text)  # the pure-Python reader checks the characters right here
        return parser.get_single_data()
    except yaml.YAMLError as exc:
        raise CatalogImportError({"file": [_yaml_error_message(exc)]}) from None
    except ValueError:
        # An integer beyond Python's 4,300-digit limit or an impossible date such as 2024-13-45.
        raise CatalogImportError(
            {"file": [_("Invalid YAML: a value cannot be read (number too long or bad date).")]}
        ) from None
    finally:
        if parser is not None:
            parser.dispose()
