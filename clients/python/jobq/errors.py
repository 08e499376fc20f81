"""Exceptions of the JobQ client.

Every error the API answers becomes an :class:`ApiError` carrying the API's ``code`` (a stable
``JQ_ERR_...`` string, or ``None`` for a plain schema violation), its message and the HTTP status.
A subclass per status lets callers catch what they can act on::

    try:
        jobq.update_priority('user-43', 1)
    except jobq.Conflict as err:      # 409: the job is not waiting any more
        print(err.code, err.message)
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class JobQError(Exception):
    """Base class of every exception this package raises."""


class TransportError(JobQError):
    """The API could not be reached, or its answer was not JSON (a proxy's page, a cut connection)."""


class ApiError(JobQError):
    """An error answer of the API: ``{statusCode, error, message, code?, job_id?}``.

    Attributes:
        status: the HTTP status (400, 404, 409, ...).
        code: the API's stable error code, e.g. ``JQ_ERR_JOB_NOT_FOUND``; ``None`` when the API gave
            none (a request that does not match the schema: the message names the field).
        error: the HTTP reason phrase, as the API wrote it.
        message: what went wrong, naming the offending field where there is one.
        job_id: the job the error is about, where the API names one (e.g. the running job of a 409).
        retry_after: seconds from a ``Retry-After`` header (429, 503), else ``None``.
        body: the whole decoded answer.
    """

    def __init__(self, status: int, body: Dict[str, Any], retry_after: Optional[float] = None) -> None:
        self.status = status
        self.body = body
        self.code: Optional[str] = body.get('code')
        self.error: str = str(body.get('error') or '')
        self.message: str = str(body.get('message') or '')
        self.job_id: Optional[str] = body.get('job_id')
        self.retry_after = retry_after
        text = f'{status} {self.error}: {self.message}' if self.error else f'{status}: {self.message}'
        super().__init__(f'{text} ({self.code})' if self.code else text)


class BadRequest(ApiError):
    """400: the request was refused as it stands (schema, limits); nothing changed."""


class Unauthorized(ApiError):
    """401: no bearer key, or not a valid one, while the API has keys."""


class Forbidden(ApiError):
    """403: the key may not do this (handlers need an admin key; a key limited to other queues)."""


class NotFound(ApiError):
    """404: no such job, entity, handler or queue."""


class Conflict(ApiError):
    """409: the job is in a state that does not allow it (processing, not waiting, not failed).

    From :meth:`jobq.Client.enqueue`, ``code`` is ``JQ_ERR_ENTITY_PROCESSING`` and ``job_id`` names
    the job that is processing the entity.
    """


class PayloadTooLarge(ApiError):
    """413: the body is over the API's JOBQ_BODY_LIMIT."""


class UnprocessableEntity(ApiError):
    """422: the job names a task no handler is registered for (``JQ_ERR_NO_HANDLER``)."""


class RateLimited(ApiError):
    """429: over JOBQ_RATE_LIMIT; ``retry_after`` says when to try again."""


class Unavailable(ApiError):
    """503: Redis is unreachable or did not replicate in time; ``retry_after`` says when to try again.

    A write answered 503 may have taken effect: repeating it is safe (enqueueing is deduplicated
    by entity).
    """


class WaitTimeout(JobQError, TimeoutError):
    """:meth:`jobq.Client.wait` ran out of time; ``job`` is the job as last seen."""

    def __init__(self, message: str, job: Dict[str, Any]) -> None:
        super().__init__(message)
        self.job = job


_BY_STATUS = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    422: UnprocessableEntity,
    429: RateLimited,
    503: Unavailable,
}


def api_error(status: int, body: Dict[str, Any], retry_after: Optional[float] = None) -> ApiError:
    """The exception for an error answer: the subclass of its status, else :class:`ApiError`."""
    return _BY_STATUS.get(status, ApiError)(status, body, retry_after)
