"""The API's JSON parser: DRF's, with the nesting of the body bounded before it is decoded.

Python's json decoder recurses once per level, so a body nested 100,000 deep ends in a RecursionError (a 500).
The depth is measured on the bytes first, in a few passes of C code over a 50 MB body at most.
"""

import codecs
import io

import numpy as np
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

_STRUCTURE = b'"[]{}'
_OTHER_BYTES = bytes(byte for byte in range(256) if byte not in _STRUCTURE)
_CHUNK = 1 << 20


def nesting_depth(body: bytes) -> int:
    """How deep the arrays and objects of a UTF-8 JSON text nest (0 for a scalar); brackets inside strings
    do not count. Exact for valid JSON; for invalid JSON, exact up to the first error, which is as far as a
    decoder would get."""
    # Escaped backslashes, then escaped quotes, occur only inside strings; without them every quote left
    # opens or closes a string.
    skeleton = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _OTHER_BYTES)
    octets = np.frombuffer(skeleton, dtype=np.uint8)
    # The parity of the quotes so far (a uint8 running count keeps parity when it wraps): even is outside.
    outside = np.cumsum(octets == ord('"'), dtype=np.uint8) % 2 == 0
    opens = (octets == ord("[")) | (octets == ord("{"))
    closes = (octets == ord("]")) | (octets == ord("}"))
    steps = np.where(outside, opens.astype(np.int8) - closes.astype(np.int8), 0).astype(np.int8)
    depth = deepest = 0
    for start in range(0, len(steps), _CHUNK):
        running = np.cumsum(steps[start : start + _CHUNK], dtype=np.int64) + depth
        deepest = max(deepest, int(running.max()))
        depth = int(running[-1])
    return deepest


class BoundedJSONParser(JSONParser):
    """Refuses, as a malformed request (400), a body nested deeper than JSON_MAX_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        # Django has already dropped a charset it does not know.
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read()
        utf8 = codecs.lookup(encoding).name == "utf-8"
        text = body if utf8 else body.decode(encoding, errors="replace").encode()
        depth = nesting_depth(text)
        if depth > settings.JSON_MAX_DEPTH:
            raise ParseError(
                f"The JSON body is nested {depth:,} levels deep; at most {settings.JSON_MAX_DEPTH} are accepted."
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
