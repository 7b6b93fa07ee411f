from rest_framework.parsers import BaseParser


class YAMLBytesParser(BaseParser):
    """Hands a YAML body over unparsed: only the catalogue import may turn it into data,
    with its own safe loader and limits."""

    media_type = "application/x-yaml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""


class TextYAMLBytesParser(YAMLBytesParser):
    media_type = "text/yaml"
