"""The JobQ API from Python, with the standard library only."""

from __future__ import annotations

import datetime as _dt
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from ._version import __version__
from .errors import BadRequest, TransportError, WaitTimeout, api_error

__all__ = ['Client', 'DEFAULT_URL', 'TERMINAL_STATUSES']

#: Where the client goes when neither ``url`` nor ``JOBQ_URL`` says otherwise (what ``npm start`` serves).
DEFAULT_URL = 'http://127.0.0.1:3000'

#: A job in one of these has ended: :meth:`Client.wait` returns it.
TERMINAL_STATUSES = frozenset({'completed', 'failed', 'cancelled'})

#: The longest a single wait request asks the server to hold (see :meth:`Client.wait`).
_LONG_POLL_MAX_SECONDS = 10.0

_NO_BODY = object()

Job = Dict[str, Any]
Delay = Union[int, float, _dt.timedelta]


def _segment(value: str) -> str:
    """One path segment: a job_id, entity_id, handler or queue name, percent-encoded whatever it holds."""
    if not isinstance(value, str) or value == '':
        raise ValueError(f'expected a non-empty str, got {value!r}')
    return urllib.parse.quote(value, safe='')


def _delay_ms(delay: Delay) -> int:
    seconds = delay.total_seconds() if isinstance(delay, _dt.timedelta) else delay
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f'delay: expected seconds (int or float) or a timedelta, got {delay!r}')
    if not seconds >= 0:  # NaN too
        raise ValueError(f'delay: must be 0 or more seconds, got {delay!r}')
    return int(round(seconds * 1000))


def _rfc3339(when: Union[_dt.datetime, str]) -> str:
    if isinstance(when, str):
        return when
    if not isinstance(when, _dt.datetime):
        raise TypeError(f'run_at: expected a datetime or an RFC 3339 str, got {when!r}')
    # A naive datetime is local time, as datetime.now() gives it.
    return (when if when.tzinfo is not None else when.astimezone()).isoformat()


def _new_job(entity_id: str, task: str, args: Optional[Iterable[Any]], kwargs: Optional[Mapping[str, Any]],
             priority: Optional[int], delay: Optional[Delay], run_at: Optional[Union[_dt.datetime, str]],
             metadata: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The body of one new job, leaving out what the API defaults."""
    body: Dict[str, Any] = {'task': task, 'entity_id': entity_id}
    if args is not None:
        body['args'] = list(args)
    if kwargs is not None:
        body['kwargs'] = dict(kwargs)
    if priority is not None:
        body['priority'] = priority
    if metadata is not None:
        body['metadata'] = dict(metadata)
    if delay is not None and run_at is not None:
        raise ValueError('give either delay or run_at, not both')
    if delay is not None:
        body['delay_ms'] = _delay_ms(delay)
    if run_at is not None:
        body['run_at'] = _rfc3339(run_at)
    return body


class Client:
    """A client of one JobQ API, and of one queue in it.

    Its methods mirror the Atlas Consortia JobQ library (``enqueue``, ``update_priority``,
    ``get_status``, ``get_queue_status``) and the rest of the API: ``cancel``, ``retry``, ``wait``,
    batches, queues and handlers. Every answer is the API's JSON as dicts and lists; every error
    answer raises an :class:`~jobq.errors.ApiError` subclass carrying the API's ``code``.

    Args:
        url: the API, e.g. ``http://jobq.internal:3000``; default ``$JOBQ_URL``, else
            ``http://127.0.0.1:3000``.
        api_key: the bearer key, when the API has keys (an admin key to manage handlers); default
            ``$JOBQ_API_KEY``. Without one no ``Authorization`` header is sent.
        queue: a named queue: the job, handler and queue methods then use ``/queues/{queue}/...``.
            ``None`` (the default) is the API's default queue (JOBQ_QUEUE), at ``/jobs``, ``/queue``...
        timeout: seconds a request may take before :class:`~jobq.errors.TransportError`.
    """

    def __init__(self, url: Optional[str] = None, api_key: Optional[str] = None, queue: Optional[str] = None,
                 timeout: float = 10.0) -> None:
        self.url = (url or os.environ.get('JOBQ_URL') or DEFAULT_URL).rstrip('/')
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in ('http', 'https') or not parsed.netloc:
            raise ValueError(f'url: expected http(s)://host[:port], got {self.url!r}')
        self.api_key = (api_key if api_key is not None else os.environ.get('JOBQ_API_KEY')) or None
        self.queue = queue
        self.timeout = timeout
        self._prefix = '' if queue is None else '/queues/' + _segment(queue)
        # None until a wait tells whether the server takes ?wait_ms=; False once it refused it.
        self._long_poll: Optional[bool] = None
        self._opener = urllib.request.build_opener()

    def __repr__(self) -> str:
        queue = '' if self.queue is None else f', queue={self.queue!r}'
        return f'Client({self.url!r}{queue})'

    def with_queue(self, queue: Optional[str]) -> 'Client':
        """The same API and key, for another queue (``None``: the default queue)."""
        return Client(self.url, self.api_key or '', queue, self.timeout)  # '': no key, not $JOBQ_API_KEY

    # -- jobs -----------------------------------------------------------------------------------

    def enqueue(self, entity_id: str, task: str, args: Optional[Iterable[Any]] = None,
                kwargs: Optional[Mapping[str, Any]] = None, priority: int = 1, delay: Optional[Delay] = None, *,
                run_at: Optional[Union[_dt.datetime, str]] = None, metadata: Optional[Mapping[str, Any]] = None) -> Job:
        """Enqueues a job for ``entity_id``, to be delivered to the handler named ``task``.

        One active job per entity: if the entity already waits, nothing new is created and the
        answer's ``outcome`` is ``exists``, or ``priority_raised`` when this priority is higher.

        Args:
            entity_id: the resource the job is about.
            task: the name of a registered handler.
            args, kwargs: positional and keyword arguments, sent to the handler as JSON.
            priority: 1 (highest, the default) to 3.
            delay: run no sooner than this many seconds from now (a number or a timedelta).
            run_at: run no sooner than this time (a datetime, naive meaning local time, or an
                RFC 3339 string). Not with ``delay``.
            metadata: anything to keep with the job and get back.

        Returns:
            The job, with ``outcome`` (``created``, ``exists``, ``priority_raised``), ``job_id``,
            ``status``, ``position_in_queue``...

        Raises:
            Conflict: the entity is being processed (``code`` ``JQ_ERR_ENTITY_PROCESSING``,
                ``job_id`` the running job); enqueue it again once that finishes.
            UnprocessableEntity: no handler named ``task`` in this queue.
        """
        return self._request('POST', self._prefix + '/jobs',
                             _new_job(entity_id, task, args, kwargs, priority, delay, run_at, metadata))

    def enqueue_many(self, jobs: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
        """Enqueues 1 to 1000 jobs in one atomic call; one result per job, in order.

        Each job is a mapping of :meth:`enqueue`'s arguments: ``entity_id``, ``task`` and any of
        ``args``, ``kwargs``, ``priority``, ``delay``, ``run_at``, ``metadata``. A result's ``outcome``
        is as for :meth:`enqueue`, or ``processing`` (nothing enqueued, ``job_id`` the running job),
        or ``no_handler`` (nothing enqueued: no such task).
        """
        known = {'entity_id', 'task', 'args', 'kwargs', 'priority', 'delay', 'run_at', 'metadata'}
        bodies = []
        for i, job in enumerate(jobs):
            unknown = set(job) - known
            if unknown:
                raise TypeError(f'jobs[{i}]: unknown field {", ".join(sorted(unknown))}')
            bodies.append(_new_job(job['entity_id'], job['task'], job.get('args'), job.get('kwargs'),
                                   job.get('priority'), job.get('delay'), job.get('run_at'), job.get('metadata')))
        return self._request('POST', self._prefix + '/jobs/batch', {'jobs': bodies})['results']

    def get_job_status(self, identifier: str) -> Job:
        """A job by ``job_id`` or ``entity_id``: status, priority, ``position_in_queue``, attempts, result...

        By entity_id, the entity's active job, or its most recent finished one while retained.
        Raises NotFound when there is none.
        """
        return self._request('GET', self._job_path(identifier))

    #: The Atlas Consortia JobQ library's name for :meth:`get_job_status`.
    get_status = get_job_status

    def update_priority(self, identifier: str, new_priority: int) -> Job:
        """Moves a waiting job to ``new_priority`` (1-3), keeping its first-enqueue place.

        Raises Conflict once the job is no longer waiting (a worker has it, or it has ended).
        """
        return self._request('PATCH', self._job_path(identifier) + '/priority', {'priority': new_priority})

    def cancel(self, identifier: str) -> None:
        """Cancels a waiting job (its entity is free again), or forgets a finished one.

        Raises Conflict while the job is being processed.
        """
        self._request('DELETE', self._job_path(identifier))

    def retry(self, identifier: str) -> Job:
        """Puts a failed job back in the queue with a fresh allowance of attempts. Conflict unless it failed."""
        return self._request('POST', self._job_path(identifier) + '/retry')

    def wait(self, job_or_entity: Union[str, Mapping[str, Any]], timeout: float = 30.0, *,
             interval: float = 0.05, max_interval: float = 1.0) -> Job:
        """Waits until a job has ended (completed, failed or cancelled) and returns it.

        Args:
            job_or_entity: a job as this client returned it (its ``job_id`` is used), or a
                ``job_id`` or ``entity_id``.
            timeout: seconds to wait in all; then WaitTimeout, whose ``job`` is the job as last seen.
            interval, max_interval: the pause between two reads, doubled after each up to ``max_interval``.

        Each read asks the server to hold the answer until the job ends (``GET /jobs/{id}?wait_ms=``,
        at most 10 s a read), so the answer comes as the job ends, without a polling loop. An older
        server that ignores the parameter is read again after a pause, and one that refuses it
        (400) is read without it from then on.
        """
        if isinstance(job_or_entity, Mapping):
            identifier = job_or_entity['job_id']
        else:
            identifier = job_or_entity
        path = self._job_path(identifier)
        deadline = time.monotonic() + timeout
        pause = interval
        while True:
            started = time.monotonic()
            hold = min(_LONG_POLL_MAX_SECONDS, deadline - started)
            held = self._long_poll is not False and hold >= 0.1
            job = self._read_for_wait(path, hold) if held else self._request('GET', path)
            if job['status'] in TERMINAL_STATUSES:
                return job
            now = time.monotonic()
            if now >= deadline:
                raise WaitTimeout(f'job {identifier} is still {job["status"]} after {timeout:g} s', job)
            # An answer that came back well before the hold asked for (a server without wait_ms, or a
            # change short of the end): pause before the next read.
            if not held or now - started < hold / 2:
                time.sleep(min(pause, deadline - now))
                pause = min(pause * 2, max_interval)

    def _read_for_wait(self, path: str, hold: float) -> Job:
        """GET with ``?wait_ms=``; without it from now on if the server refuses it."""
        try:
            job = self._request('GET', path, query={'wait_ms': int(hold * 1000)}, timeout=self.timeout + hold)
        except BadRequest:
            job = self._request('GET', path)  # raises if the 400 was not about wait_ms
            self._long_poll = False
            return job
        self._long_poll = True
        return job

    # -- the queue ------------------------------------------------------------------------------

    def get_queue_status(self, list: Optional[str] = None, cursor: Optional[str] = None,
                         limit: Optional[int] = None) -> Dict[str, Any]:
        """The queue at a glance: ``queued``, ``by_priority``, ``processing``, ``scheduled``, ``failed``...

        With ``list='queued'`` or ``list='processing'`` the answer also has ``jobs``, one page of
        them in dispatch order (``limit``, default 100), and ``next_cursor`` for the next page
        (``None`` at the end). For a named queue, NotFound when it does not exist.
        """
        query: Dict[str, Any] = {}
        if list is not None:
            query['list'] = list
        if cursor is not None:
            query['cursor'] = cursor
        if limit is not None:
            query['limit'] = limit
        return self._request('GET', self._prefix + '/queue' if self.queue is None else self._prefix, query=query)

    def iter_jobs(self, state: str = 'queued', page_size: int = 100) -> Iterator[Job]:
        """Every ``queued`` (or ``processing``) job, in dispatch order, read page by page."""
        cursor: Optional[str] = None
        while True:
            page = self.get_queue_status(list=state, cursor=cursor, limit=page_size)
            yield from page['jobs']
            cursor = page.get('next_cursor')
            if not cursor:
                return

    def list_queues(self) -> List[Dict[str, Any]]:
        """Every queue the key may use, by name, with its counts (whatever this client's queue)."""
        return self._request('GET', '/queues')['queues']

    # -- handlers -------------------------------------------------------------------------------

    def register_handler(self, name: str, url: str, *, timeout_ms: Optional[int] = None,
                         max_attempts: Optional[int] = None, backoff_ms: Optional[int] = None,
                         headers: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
        """Registers (or replaces) the handler ``name``: jobs whose task is ``name`` are POSTed to ``url``.

        Settings left out take their defaults, except ``headers``: left out, the stored ones stay
        (``{}`` removes them). The first registration's answer carries ``secret``, the handler's
        ``whsec_...`` signing secret, shown only then; a later one keeps the secret. Needs an admin key.
        """
        body: Dict[str, Any] = {'url': url}
        for field, value in (('timeout_ms', timeout_ms), ('max_attempts', max_attempts), ('backoff_ms', backoff_ms)):
            if value is not None:
                body[field] = value
        if headers is not None:
            body['headers'] = dict(headers)
        return self._request('PUT', self._handler_path(name), body)

    def get_handler(self, name: str) -> Dict[str, Any]:
        """A handler's settings (never its secret; callback header values masked)."""
        return self._request('GET', self._handler_path(name))

    def list_handlers(self) -> List[Dict[str, Any]]:
        """Every handler of the queue."""
        return self._request('GET', self._prefix + '/handlers')['handlers']

    def delete_handler(self, name: str) -> None:
        """Removes a handler; jobs that still name it fail when they are dispatched."""
        self._request('DELETE', self._handler_path(name))

    def rotate_secret(self, name: str, grace_ms: Optional[int] = None) -> Dict[str, Any]:
        """Gives a handler a new signing secret, returned as ``secret`` (shown only then).

        Until ``grace_ms`` has passed (default a day) callbacks are signed with the old secret too,
        so the handler can switch without refusing one.
        """
        body = _NO_BODY if grace_ms is None else {'grace_ms': grace_ms}
        return self._request('POST', self._handler_path(name) + '/rotate-secret', body)

    # -- HTTP -----------------------------------------------------------------------------------

    def _job_path(self, identifier: str) -> str:
        return f'{self._prefix}/jobs/{_segment(identifier)}'

    def _handler_path(self, name: str) -> str:
        return f'{self._prefix}/handlers/{_segment(name)}'

    def _request(self, method: str, path: str, body: Any = _NO_BODY, query: Optional[Mapping[str, Any]] = None,
                 timeout: Optional[float] = None) -> Any:
        """One request: the decoded JSON answer (None for 204), or the ApiError of the error answer."""
        url = self.url + path + ('?' + urllib.parse.urlencode(query) if query else '')
        headers = {'accept': 'application/json', 'user-agent': _USER_AGENT}
        data = None
        if body is not _NO_BODY:
            data = json.dumps(body, separators=(',', ':'), allow_nan=False).encode('utf-8')
            headers['content-type'] = 'application/json'
        if self.api_key:
            headers['authorization'] = 'Bearer ' + self.api_key
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout if timeout is None else timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as err:
            with err:
                raw = err.read()
            raise api_error(err.code, _error_body(err.code, raw), _retry_after(err.headers.get('retry-after'))) from None
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError) as err:
            reason = getattr(err, 'reason', None) or err
            raise TransportError(f'{method} {url}: {reason}') from err
        if status == 204 or not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise TransportError(f'{method} {url}: answered {status} with a body that is not JSON: {raw[:200]!r}') from None


def _error_body(status: int, raw: bytes) -> Dict[str, Any]:
    """The API's error object; something like it for an answer from elsewhere (a proxy's page)."""
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and 'message' in body:
        return body
    reason = http.client.responses.get(status, 'Error')
    return {'statusCode': status, 'error': reason, 'message': raw[:200].decode('utf-8', 'replace') or reason}


def _retry_after(value: Optional[str]) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


_USER_AGENT = f'jobq-python/{__version__}'

