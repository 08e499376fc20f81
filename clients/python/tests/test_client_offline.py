"""jobq.Client against a stub HTTP server: requests sent, answers and errors decoded, wait's fallbacks."""

import datetime
import json
import socket
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jobq
from jobq import Client

JOB = {'job_id': 'J1', 'entity_id': 'user 42/x', 'task': 'email.send', 'status': 'queued', 'priority': 1}


class Stub:
    """Records each request and answers with respond(request) -> (status, body or None, headers)."""

    def __init__(self):
        self.requests = []
        self.respond = lambda request: (200, JOB, {})
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one(self):
                length = int(self.headers.get('content-length') or 0)
                request = {'method': self.command, 'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()},
                           'body': self.rfile.read(length) if length else None}
                stub.requests.append(request)
                status, body, headers = stub.respond(request)
                data = b'' if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header('content-type', 'application/json')
                self.send_header('content-length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_port}'
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.stub = Stub()
        self.addCleanup(self.stub.close)
        self.client = Client(self.stub.url, api_key='')

    def last(self):
        return self.stub.requests[-1]

    def test_enqueue_sends_the_api_fields(self):
        self.client.enqueue('user-42', 'email.send', ['welcome'], {'lang': 'en'}, 2, metadata={'by': 'test'})
        request = self.last()
        self.assertEqual((request['method'], request['path']), ('POST', '/jobs'))
        self.assertEqual(request['headers']['content-type'], 'application/json')
        self.assertEqual(json.loads(request['body']), {'task': 'email.send', 'entity_id': 'user-42', 'args': ['welcome'],
                                                       'kwargs': {'lang': 'en'}, 'priority': 2, 'metadata': {'by': 'test'}})
        self.assertTrue(request['headers']['user-agent'].startswith('jobq-python/'))
        self.assertNotIn('authorization', request['headers'])

    def test_delay_and_run_at(self):
        self.client.enqueue('e', 't', delay=1.5)
        self.assertEqual(json.loads(self.last()['body'])['delay_ms'], 1500)
        self.client.enqueue('e', 't', delay=datetime.timedelta(minutes=2))
        self.assertEqual(json.loads(self.last()['body'])['delay_ms'], 120_000)
        when = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        self.client.enqueue('e', 't', run_at=when)
        self.assertEqual(json.loads(self.last()['body'])['run_at'], '2030-01-02T03:04:05+00:00')
        self.client.enqueue('e', 't', run_at='2030-01-02T03:04:05Z')
        self.assertEqual(json.loads(self.last()['body'])['run_at'], '2030-01-02T03:04:05Z')
        count = len(self.stub.requests)
        for bad, error in ((-1, ValueError), (float('nan'), ValueError), ('5', TypeError), (True, TypeError)):
            with self.subTest(delay=bad), self.assertRaises(error):
                self.client.enqueue('e', 't', delay=bad)
        with self.assertRaises(ValueError):
            self.client.enqueue('e', 't', delay=1, run_at=when)
        self.assertEqual(len(self.stub.requests), count, 'nothing should have been sent')

    def test_paths_encode_ids_and_follow_the_queue(self):
        self.client.get_job_status('user 42/x')
        self.assertEqual(self.last()['path'], '/jobs/user%2042%2Fx')
        named = self.client.with_queue('emails')
        named.update_priority('J1', 3)
        self.assertEqual((self.last()['method'], self.last()['path']), ('PATCH', '/queues/emails/jobs/J1/priority'))
        self.assertEqual(json.loads(self.last()['body']), {'priority': 3})
        named.retry('J1')
        self.assertEqual((self.last()['method'], self.last()['path']), ('POST', '/queues/emails/jobs/J1/retry'))
        self.stub.respond = lambda request: (200, {'queue': 'emails', 'jobs': [], 'next_cursor': None}, {})
        named.get_queue_status(list='queued', limit=5)
        self.assertEqual(self.last()['path'], '/queues/emails?list=queued&limit=5')
        self.client.get_queue_status()
        self.assertEqual(self.last()['path'], '/queue')
        self.stub.respond = lambda request: (200, {'queues': [{'name': 'emails'}]}, {})
        self.assertEqual(named.list_queues(), [{'name': 'emails'}])
        self.assertEqual(self.last()['path'], '/queues')
        self.assertEqual(named.get_status, named.get_status)  # the seed library's name is there

    def test_a_204_is_none_and_rotate_secret_may_send_no_body(self):
        self.stub.respond = lambda request: (204, None, {})
        self.assertIsNone(self.client.cancel('J1'))
        self.assertEqual((self.last()['method'], self.last()['path']), ('DELETE', '/jobs/J1'))
        self.stub.respond = lambda request: (200, {'name': 'h', 'secret': 'whsec_x'}, {})
        self.client.rotate_secret('h')
        self.assertIsNone(self.last()['body'])
        self.assertNotIn('content-type', self.last()['headers'])
        self.client.rotate_secret('h', grace_ms=0)
        self.assertEqual(json.loads(self.last()['body']), {'grace_ms': 0})

    def test_the_api_key_is_a_bearer_header(self):
        Client(self.stub.url, api_key='k-123').get_job_status('J1')
        self.assertEqual(self.last()['headers']['authorization'], 'Bearer k-123')
        Client(self.stub.url, api_key='k-123').with_queue(None).get_job_status('J1')
        self.assertEqual(self.last()['headers']['authorization'], 'Bearer k-123')

    def test_errors_carry_the_api_code(self):
        cases = [
            (400, jobq.BadRequest, None), (401, jobq.Unauthorized, None), (403, jobq.Forbidden, None),
            (404, jobq.NotFound, 'JQ_ERR_JOB_NOT_FOUND'), (409, jobq.Conflict, 'JQ_ERR_ENTITY_PROCESSING'),
            (413, jobq.PayloadTooLarge, None), (422, jobq.UnprocessableEntity, 'JQ_ERR_NO_HANDLER'),
            (429, jobq.RateLimited, None), (503, jobq.Unavailable, 'JQ_ERR_REDIS_UNAVAILABLE'), (418, jobq.ApiError, None),
        ]
        for status, kind, code in cases:
            body = {'statusCode': status, 'error': 'Reason', 'message': f'm{status}', **({'code': code} if code else {}),
                    **({'job_id': 'J9'} if status == 409 else {})}
            self.stub.respond = lambda request, body=body, status=status: (status, body, {'retry-after': '2'})
            with self.subTest(status=status), self.assertRaises(kind) as caught:
                self.client.get_job_status('J1')
            err = caught.exception
            self.assertIsInstance(err, jobq.ApiError)
            self.assertIsInstance(err, jobq.JobQError)
            self.assertEqual((err.status, err.code, err.message, err.retry_after), (status, code, f'm{status}', 2.0))
            self.assertEqual(err.job_id, 'J9' if status == 409 else None)
            self.assertIn(f'm{status}', str(err))

    def test_an_answer_from_something_else(self):
        self.stub.respond = lambda request: (502, b'<html>Bad Gateway</html>', {})
        with self.assertRaises(jobq.ApiError) as caught:
            self.client.get_job_status('J1')
        self.assertEqual((caught.exception.status, caught.exception.code), (502, None))
        self.assertIn('Bad Gateway', caught.exception.message)
        self.stub.respond = lambda request: (200, b'<html>', {})
        with self.assertRaises(jobq.TransportError):
            self.client.get_job_status('J1')

    def test_an_unreachable_api_is_a_transport_error(self):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        with self.assertRaises(jobq.TransportError):
            Client(f'http://127.0.0.1:{port}', timeout=2).get_job_status('J1')
        with self.assertRaises(ValueError):
            Client('127.0.0.1:3000')

    def test_wait_returns_the_ended_job_and_backs_off(self):
        seen = []

        def respond(request):
            seen.append(time.monotonic())
            return 200, {**JOB, 'status': 'completed' if len(seen) >= 4 else 'processing'}, {}
        self.stub.respond = respond
        job = self.client.wait({'job_id': 'J1'}, timeout=5, interval=0.05)
        self.assertEqual(job['status'], 'completed')
        self.assertEqual(len(seen), 4)
        self.assertTrue(self.last()['path'].startswith('/jobs/J1?wait_ms='), self.last()['path'])
        gaps = [b - a for a, b in zip(seen, seen[1:])]
        self.assertGreaterEqual(gaps[2], 0.15)  # 0.05, 0.1, 0.2

    def test_wait_reads_without_wait_ms_once_a_server_refuses_it(self):
        def respond(request):
            if 'wait_ms=' in request['path']:
                return 400, {'statusCode': 400, 'error': 'Bad Request', 'message': 'querystring.wait_ms: unknown field'}, {}
            return 200, {**JOB, 'status': 'failed'}, {}
        self.stub.respond = respond
        self.assertEqual(self.client.wait('user 42/x', timeout=5)['status'], 'failed')
        self.assertEqual(self.client.wait('J1', timeout=5)['status'], 'failed')
        paths = [r['path'] for r in self.stub.requests]
        self.assertRegex(paths[0], r'^/jobs/user%2042%2Fx\?wait_ms=\d+$')
        self.assertEqual(paths[1:], ['/jobs/user%2042%2Fx', '/jobs/J1'])

    def test_wait_raises_a_400_that_is_not_about_wait_ms(self):
        self.stub.respond = lambda request: (400, {'statusCode': 400, 'error': 'Bad Request', 'message': 'params.id: too long'}, {})
        with self.assertRaises(jobq.BadRequest):
            self.client.wait('J1', timeout=5)

    def test_wait_times_out_with_the_job_as_last_seen(self):
        self.stub.respond = lambda request: (200, {**JOB, 'status': 'scheduled'}, {})
        started = time.monotonic()
        with self.assertRaises(jobq.WaitTimeout) as caught:
            self.client.wait('J1', timeout=0.3)
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(caught.exception.job['status'], 'scheduled')
        self.assertIsInstance(caught.exception, TimeoutError)

    def test_enqueue_many_checks_its_fields(self):
        self.stub.respond = lambda request: (200, {'results': [{'outcome': 'created'}, {'outcome': 'no_handler'}]}, {})
        results = self.client.enqueue_many([{'entity_id': 'a', 'task': 't', 'priority': 2, 'delay': 1},
                                            {'entity_id': 'b', 'task': 'u'}])
        self.assertEqual([r['outcome'] for r in results], ['created', 'no_handler'])
        self.assertEqual(json.loads(self.last()['body']), {'jobs': [
            {'task': 't', 'entity_id': 'a', 'priority': 2, 'delay_ms': 1000}, {'task': 'u', 'entity_id': 'b'}]})
        with self.assertRaises(TypeError):
            self.client.enqueue_many([{'entity_id': 'a', 'task': 't', 'priorty': 2}])


if __name__ == '__main__':
    unittest.main()
