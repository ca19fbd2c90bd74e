"""AWS IoT Core: the presigned URL of MQTT over WebSocket.

``wss://{endpoint}/mqtt?X-Amz-Algorithm=...&X-Amz-Signature=...`` presigned
for service ``iotdevicegateway``, only ``host`` signed, the payload hash that
of the empty string.  IoT's one quirk: with temporary credentials the
``X-Amz-Security-Token`` parameter is appended **after** signing and is not
part of the signature (a URL whose signature covers the token is refused).

::

    url = iot_websocket_url("abc123-ats.iot.eu-west-1.amazonaws.com", "eu-west-1")
    # paho-mqtt: client = mqtt.Client(transport="websockets"); client.ws_set_options(path=url[url.index("/mqtt"):])
"""

from __future__ import annotations

from ..core.credentials import Credentials
from ..core.settings import MAX_EXPIRES
from ..core.signer import Signer
from ..core.urls import quote
from ._common import check_expires, check_host, check_region, check_text
from ._recipes import resolve_credentials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from ..core.credentials import CredentialsProvider

__all__ = ["IOT_SERVICE", "iot_websocket_url"]

IOT_SERVICE = "iotdevicegateway"


def iot_websocket_url(
    endpoint: str,
    region: str,
    *,
    credentials: Credentials | CredentialsProvider | None = None,
    expires_in: int = 300,
    path: str = "/mqtt",
    now: datetime | None = None,
) -> str:
    """The ``wss://`` URL to connect to the IoT data endpoint ``endpoint`` (a host
    name, e.g. ``abc123-ats.iot.eu-west-1.amazonaws.com``) with.  The URL is
    checked only when the connection opens: ``expires_in`` (1..604800, default
    300) need only cover that."""
    host = check_host("endpoint", endpoint, allow_port=True)
    if host.endswith(":443"):  # WebSocket clients send the default port's Host without it
        host = host[:-4]
    region = check_region("region", region)
    seconds = check_expires("expires_in", expires_in, MAX_EXPIRES)
    if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path or not check_text("path", path):
        from ..core.errors import ParamValidationError

        raise ParamValidationError("path", "must start with '/' and carry no query or fragment")
    provider = resolve_credentials(credentials)
    creds = provider if isinstance(provider, Credentials) else provider.get_credentials()
    if not isinstance(creds, Credentials):
        from ..core.errors import CredentialsError

        raise CredentialsError("credentials", "provider returned no Credentials")
    # Signed without the token, which is added afterwards.
    unsigned_token = creds.token
    bare = Credentials(creds.access_key, creds.secret_key) if unsigned_token else creds
    url = Signer(bare, region, IOT_SERVICE).presign("GET", f"wss://{host}{path}", seconds, now=now).url
    return f"{url}&X-Amz-Security-Token={quote(unsigned_token)}" if unsigned_token else url
