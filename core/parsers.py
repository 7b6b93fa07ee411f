from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser


class YAMLBytesParser(BaseParser):
    """Hands a YAML body over unparsed: only the catalogue import may turn it into data,
    with its own safe loader and limits."""

    media_type = "application/x-yaml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""


class TextYAMLBytesParser(YAMLBytesParser):
    media_type = "text/yaml"


class ApplicationYAMLBytesParser(YAMLBytesParser):
    """The registered type (RFC 9512), beside the two that tools have long sent."""

    media_type = "application/yaml"


class JSONParser(parsers.JSONParser):
    """DRF's parser, plus: a body nested deeper than Python can follow is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
