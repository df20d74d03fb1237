"""Refusing webhook URLs that point inside the network (SSRF), at registration and again
at every delivery, since a name can resolve elsewhere the second time (DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def checked_address(url: str, *, allow_private: bool) -> tuple[str, int, str]:
    """Resolve `url`'s host; return (host, port, the address to connect to) or raise
    ValidationError when the scheme is not http(s) or any address is not public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("عنوان الخطاف يجب أن يبدأ بـ http أو https."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(_("تعذّر العثور على المضيف: %s") % parts.hostname) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not allow_private:
        refused = [str(a) for a in addresses if not is_public(a)]
        if refused:
            raise ValidationError(
                _("المضيف %(host)s يشير إلى عنوان داخلي (%(address)s).")
                % {"host": parts.hostname, "address": refused[0]}
            )
    return parts.hostname, port, str(addresses[0])
