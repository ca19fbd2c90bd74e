"""Amazon Transcribe streaming over WebSocket: the presigned URL.

``wss://transcribestreaming.{region}.amazonaws.com:8443/stream-transcription-websocket?language-code=...``
presigned for service ``transcribe``, at most 300 s, the ``:8443`` in the
signed host, the session token signed in the query (unlike IoT).

Out of scope: the audio and transcript frames.  After the handshake every
WebSocket binary message is one AWS event-stream message: a 12-byte prelude
(total length, headers length, CRC32 of those 8 bytes), typed headers
(``:message-type`` = ``event``, ``:event-type`` = ``AudioEvent``,
``:content-type`` = ``application/octet-stream``; each header a 1-byte name
length, name, a type byte and a length-prefixed value), the raw audio chunk,
and a CRC32 of the whole message.  The responses (``TranscriptEvent`` JSON
payloads, or ``:message-type`` = ``exception``) come back in the same
framing.  Over WebSocket the frames are not signed (the presigned URL
authenticates the connection), so encoding them needs only ``struct`` and
``binascii.crc32``: about 60 lines for the encoder and decoder, plus the
tests against AWS's published event-stream vectors.
"""

from __future__ import annotations

from ._recipes import check_utf8, make_signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from ..core.credentials import Credentials, CredentialsProvider

__all__ = ["TRANSCRIBE_MAX_EXPIRES", "transcribe_websocket_url"]

#: Transcribe refuses a WebSocket URL presigned for longer.
TRANSCRIBE_MAX_EXPIRES = 300
_PATHS = {False: "/stream-transcription-websocket", True: "/medical-stream-transcription-websocket"}


def _value(name: str, value: object) -> str:
    from ..core.errors import ParamValidationError
    from ._common import check_text

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return check_text(name, value)
    raise ParamValidationError(name, f"must be a str, int or bool, not {type(value).__name__}")


def transcribe_websocket_url(
    region: str,
    *,
    language_code: str | None = None,
    media_encoding: str = "pcm",
    sample_rate: int = 16000,
    params: Mapping[str, object] | None = None,
    medical: bool = False,
    credentials: Credentials | CredentialsProvider | None = None,
    expires_in: int = TRANSCRIBE_MAX_EXPIRES,
    now: datetime | None = None,
) -> str:
    """The URL to open a streaming transcription with.

    ``language_code`` (``en-US`` ...), ``media_encoding`` (``pcm``,
    ``ogg-opus``, ``flac``) and ``sample_rate`` become ``language-code``,
    ``media-encoding`` and ``sample-rate``; ``params`` adds the other query
    parameters by their wire names (``vocabulary-name``,
    ``identify-language``, ``show-speaker-label`` ...; bools as ``true``/``false``).
    ``medical=True`` uses the Transcribe Medical path.  ``expires_in`` is 1..300."""
    from ..core.errors import ParamValidationError
    from ..core.urls import quote
    from ._common import check_expires

    seconds = check_expires("expires_in", expires_in, TRANSCRIBE_MAX_EXPIRES)
    if not isinstance(medical, bool):
        raise ParamValidationError("medical", f"must be True or False, not {type(medical).__name__}")
    pairs: dict[str, str] = {}
    if language_code is not None:
        pairs["language-code"] = _value("language_code", language_code)
    pairs["media-encoding"] = _value("media_encoding", media_encoding)
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate < 1:
        raise ParamValidationError("sample_rate", f"must be a positive int (Hz), not {sample_rate!r}")
    pairs["sample-rate"] = str(sample_rate)
    for name, value in (params or {}).items():
        if not isinstance(name, str) or not name or name.lower().startswith("x-amz-"):
            raise ParamValidationError("params", f"{name!r} is not a Transcribe query parameter")
        check_utf8("params", name)
        pairs[name] = _value(name, value)
    if "language-code" not in pairs and not {"identify-language", "identify-multiple-languages"} & set(pairs):
        raise ParamValidationError("language_code", "is required unless params asks for identify-language")
    signer = make_signer(credentials, region, "transcribe")
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs.items())
    url = f"wss://transcribestreaming.{signer.region}.amazonaws.com:8443{_PATHS[medical]}?{query}"
    return signer.presign("GET", url, seconds, now=now).url
