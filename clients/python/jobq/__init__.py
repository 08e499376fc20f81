"""JobQ for Python: a client of the JobQ HTTP API, and the check of its signed callbacks.

    from jobq import Client

    jobq = Client('http://127.0.0.1:3000')          # or $JOBQ_URL; api_key= or $JOBQ_API_KEY
    job = jobq.enqueue('user-42', 'email.send', args=['welcome'], priority=2)
    print(jobq.wait(job)['status'])

Standard library only, Python 3.9 or later. Handlers verify callbacks with
:func:`jobq.webhooks.verify`.
"""

from ._version import __version__
from .client import DEFAULT_URL, TERMINAL_STATUSES, Client
from .errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    JobQError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    TransportError,
    Unauthorized,
    Unavailable,
    UnprocessableEntity,
    WaitTimeout,
)
from . import webhooks
from .webhooks import WebhookVerificationError

__all__ = [
    '__version__',
    'ApiError',
    'BadRequest',
    'Client',
    'Conflict',
    'DEFAULT_URL',
    'Forbidden',
    'JobQError',
    'NotFound',
    'PayloadTooLarge',
    'RateLimited',
    'TERMINAL_STATUSES',
    'TransportError',
    'Unauthorized',
    'Unavailable',
    'UnprocessableEntity',
    'WaitTimeout',
    'WebhookVerificationError',
    'webhooks',
]
