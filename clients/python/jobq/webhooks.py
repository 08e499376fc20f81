"""Checking JobQ's callbacks before trusting them.

JobQ signs each callback per Standard Webhooks (https://www.standardwebhooks.com/): the header
``webhook-signature`` holds ``v1,<base64 HMAC-SHA256>`` of ``<webhook-id>.<webhook-timestamp>.<body>``,
keyed with the base64-decoded part of the handler's secret after ``whsec_``. While a rotated-out
secret is still honoured there are several, space-separated, and any one may match.

    from jobq.webhooks import verify, WebhookVerificationError

    try:
        job = verify(secret, headers, raw_body)   # the body's bytes exactly as they arrived
    except WebhookVerificationError:
        ...                                       # answer 401: the job fails, nothing is done

``headers`` may be a dict (any case), the headers of :mod:`http.server`, a list of pairs, or a WSGI
``environ`` (``HTTP_WEBHOOK_ID``, ...).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

from .errors import JobQError

__all__ = ['TOLERANCE_SECONDS', 'WebhookVerificationError', 'sign', 'verify']

#: A ``webhook-timestamp`` further than this from now, either way, is refused: a captured request
#: cannot be replayed later (a replay within it is a repeat, which the webhook-id absorbs).
TOLERANCE_SECONDS = 5 * 60

_HEADERS = ('webhook-id', 'webhook-timestamp', 'webhook-signature')
_TIMESTAMP = re.compile(r'[0-9]{1,15}')

Headers = Union[Mapping[str, Any], Iterable[Tuple[str, Any]]]
Secrets = Union[str, Iterable[str]]


class WebhookVerificationError(JobQError):
    """The request is not a genuine, fresh callback: answer it 401 and do nothing."""


def _key(secret: str) -> bytes:
    if not isinstance(secret, str):
        raise TypeError('secret: expected the handler\'s whsec_... secret as a str')
    encoded = secret[len('whsec_'):] if secret.startswith('whsec_') else secret
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        key = b''
    if not key:
        raise ValueError('secret: not a whsec_<base64> signing secret')
    return key


def _signature(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    content = f'{msg_id}.{timestamp}.'.encode('utf-8') + body
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())


def _as_bytes(body: Union[bytes, bytearray, memoryview, str]) -> bytes:
    if isinstance(body, str):
        return body.encode('utf-8')
    return bytes(body)


def _wanted_headers(headers: Headers) -> dict:
    """The Standard Webhooks headers, by lower-case name, from any of the shapes verify() takes."""
    items = headers.items() if hasattr(headers, 'items') else headers
    found: dict = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode('latin-1')
        if isinstance(value, bytes):
            value = value.decode('latin-1')
        if not isinstance(name, str) or not isinstance(value, str):
            continue  # a WSGI environ also holds streams and flags
        key = name.lower()
        if key.startswith('http_'):
            key = key[len('http_'):].replace('_', '-')
        if key not in _HEADERS:
            continue
        if key == 'webhook-signature' and key in found:
            found[key] += ' ' + value  # the same header sent twice: its values, as one list
        else:
            found.setdefault(key, value)
    return found


def sign(secret: str, msg_id: str, timestamp: int, body: Union[bytes, str]) -> str:
    """The ``webhook-signature`` value JobQ sends for this id, timestamp and body: ``v1,<base64>``.

    For tests of a handler: it is what the worker computes for one secret.
    """
    return 'v1,' + _signature(_key(secret), msg_id, str(int(timestamp)), _as_bytes(body)).decode('ascii')


def verify(secret: Secrets, headers: Headers, body: Union[bytes, str], *,
           tolerance: float = TOLERANCE_SECONDS, now: Optional[float] = None) -> Any:
    """Checks a callback and returns its decoded JSON body; raises WebhookVerificationError if it is not genuine.

    Args:
        secret: the handler's ``whsec_...`` secret, or several (any may match), e.g. the old and
            the new one while a handler moves to a rotated secret.
        headers: the request's headers (see the module's docstring for the shapes taken).
        body: the raw body, exactly as received. Decoding and encoding the JSON again before
            verifying changes the bytes and fails the check.
        tolerance: seconds a ``webhook-timestamp`` may be from now, either way (default 5 minutes).
        now: the current time, for tests; ``time.time()`` otherwise.

    Returns:
        The callback: ``{job_id, entity_id, task, args, kwargs, priority, attempt, metadata}``.

    Raises:
        WebhookVerificationError: a header is missing or malformed, the timestamp is too old or
            too far ahead, no ``v1`` signature matches, or the verified body is not JSON.
        ValueError: ``secret`` is not a ``whsec_`` secret (a mistake of the handler, not of the request).
    """
    keys: List[bytes] = [_key(secret)] if isinstance(secret, str) else [_key(s) for s in secret]
    if not keys:
        raise ValueError('secret: give at least one whsec_... secret')
    found = _wanted_headers(headers)
    missing = [name for name in _HEADERS if not found.get(name)]
    if missing:
        raise WebhookVerificationError(f'missing header {", ".join(missing)}')
    msg_id, timestamp = found['webhook-id'], found['webhook-timestamp'].strip()
    if not _TIMESTAMP.fullmatch(timestamp):
        raise WebhookVerificationError('webhook-timestamp: not a number of seconds')
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        raise WebhookVerificationError('webhook-timestamp: too far from now (a stale or replayed request)')

    raw = _as_bytes(body)
    offered = []
    for candidate in found['webhook-signature'].split(' '):
        version, _, value = candidate.partition(',')
        if version == 'v1' and value:
            offered.append(value.encode('utf-8', 'replace'))
    # Every key against every signature, without stopping early: the time taken does not tell which matched.
    matched = False
    for key in keys:
        expected = _signature(key, msg_id, timestamp, raw)
        for value in offered:
            matched |= hmac.compare_digest(value, expected)
    if not matched:
        raise WebhookVerificationError('webhook-signature: no valid v1 signature for this secret')
    try:
        return json.loads(raw)
    except ValueError as err:
        raise WebhookVerificationError(f'body: not JSON ({err})') from None
