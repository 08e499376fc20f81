"""jobq.Client and jobq.webhooks against a real JobQ: API, worker and Redis.

npm test runs these through test/python-client.test.ts, which starts everything and sets:
JOBQ_URL (an API without keys, whose default queue the worker serves), JOBQ_TEST_NAMED_QUEUE (a
named queue the worker serves too) and, for the key checks, JOBQ_TEST_KEYED_URL with
JOBQ_TEST_CLIENT_KEY and JOBQ_TEST_ADMIN_KEY. Without JOBQ_URL they are skipped.
"""

import json
import os
import pathlib
import queue
import subprocess
import sys
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jobq
from jobq import Client
from jobq.webhooks import WebhookVerificationError, verify

PACKAGE = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = PACKAGE / 'examples' / 'wsgi_handler.py'
URL = os.environ.get('JOBQ_URL')
WAIT = 15


def unique(prefix):
    return f'{prefix}-{uuid.uuid4().hex[:12]}'


class Capture:
    """A handler that records every callback and answers as told per entity_id (default: 200)."""

    def __init__(self):
        self.requests = []
        self.plans = {}  # entity_id -> list of (status, body) or threading.Event to wait on, used in order
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('content-length') or 0))
                capture.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                try:
                    entity = json.loads(body)['entity_id']
                except (ValueError, KeyError, TypeError):
                    entity = None
                plan = capture.plans.get(entity) or []
                step = plan.pop(0) if plan else (200, {'captured': True})
                if isinstance(step, threading.Event):
                    step.wait(WAIT)
                    step = (200, {'captured': True})
                data = json.dumps(step[1]).encode()
                self.send_response(step[0])
                self.send_header('content-type', 'application/json')
                self.send_header('content-length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = f'http://127.0.0.1:{self.server.server_port}/hook'
        threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()

    def of(self, job_id):
        """The callbacks of one job, as (headers, raw body)."""
        return [(h, b) for h, b in self.requests if h.get('jobq-job-id') == job_id]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Example:
    """examples/wsgi_handler.py run as a user runs it, on a free port, with the handler's secret."""

    def __init__(self, secret):
        env = {**os.environ, 'PORT': '0', 'WEBHOOK_SECRET': secret, 'PYTHONUNBUFFERED': '1',
               'PYTHONPATH': os.pathsep.join(filter(None, [str(PACKAGE), os.environ.get('PYTHONPATH')]))}
        self.proc = subprocess.Popen([sys.executable, str(EXAMPLE)], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        self.output = []
        threading.Thread(target=self._read, daemon=True).start()
        first = self.lines.get(timeout=20)
        if not first.startswith('handler listening on '):
            raise RuntimeError(f'the example did not start: {first}')
        self.url = first[len('handler listening on '):].strip()

    def _read(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def printed(self, text, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.output):
                return [line for line in self.output if text in line]
            time.sleep(0.02)
        return []

    def close(self):
        self.proc.kill()
        self.proc.wait(10)
        self.proc.stdout.close()


@unittest.skipUnless(URL, 'set JOBQ_URL to a JobQ API with a worker (npm test runs these through test/python-client.test.ts)')
class RealApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = Client(URL, api_key='')
        cls.capture = Capture()
        cls.addClassCleanup(cls.capture.close)
        cls.capture_secret = cls.client.register_handler('py.capture', cls.capture.url, max_attempts=1, timeout_ms=10_000)['secret']
        # The example needs the secret to start, and the handler its URL: register, start, register again.
        created = cls.client.register_handler('py.email', 'http://127.0.0.1:9/')
        cls.example = Example(created['secret'])
        cls.addClassCleanup(cls.example.close)
        again = cls.client.register_handler('py.email', cls.example.url)
        assert 'secret' not in again, 'registering again should keep the secret and not show it'
        cls.email_secret = created['secret']

    def test_enqueue_wait_and_read_a_job(self):
        entity = unique('user')
        job = self.client.enqueue(entity, 'py.email', args=['welcome'], kwargs={'lang': 'en'}, priority=2)
        self.assertEqual((job['outcome'], job['entity_id'], job['task'], job['priority']), ('created', entity, 'py.email', 2))
        self.assertEqual((job['args'], job['kwargs']), (['welcome'], {'lang': 'en'}))
        done = self.client.wait(job, timeout=WAIT)
        self.assertEqual((done['status'], done['result'], done['attempts'], done['last_error']), ('completed', {'sent': True}, 1, None))
        self.assertEqual(self.client.get_job_status(entity)['job_id'], job['job_id'])
        self.assertEqual(self.client.get_status(job['job_id'])['status'], 'completed')
        self.assertEqual(self.client.wait(entity, timeout=1)['job_id'], job['job_id'])
        # The example did the work once, having verified the worker's real callback.
        self.assertEqual(len(self.example.printed(f"job {job['job_id']}: py.email for {entity}")), 1, ''.join(self.example.output))

    def test_the_example_refuses_a_callback_it_cannot_verify(self):
        import urllib.error
        import urllib.request
        entity = unique('tamper')
        job = self.client.enqueue(entity, 'py.capture')
        self.client.wait(job, timeout=WAIT)
        headers, body = self.capture.of(job['job_id'])[0]
        # Signed for py.capture, not for the example's handler; and the same again with a tampered body.
        for sent in (body, body.replace(b'"args":[]', b'"args":["x"]')):
            request = urllib.request.Request(self.example.url, data=sent, method='POST', headers={
                name: headers[name] for name in ('content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature')})
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5)
            self.assertEqual(caught.exception.code, 401)
            caught.exception.close()
        self.assertEqual(self.example.printed(job['job_id'], timeout=0.2), [])

    def test_verify_takes_the_workers_callback_and_refuses_a_tampered_one(self):
        entity = unique('verify')
        job = self.client.enqueue(entity, 'py.capture', kwargs={'name': 'Zoë 😀'})
        self.assertEqual(self.client.wait(job, timeout=WAIT)['result'], {'captured': True})
        [(headers, body)] = self.capture.of(job['job_id'])
        self.assertEqual(headers['webhook-id'], job['job_id'])
        payload = verify(self.capture_secret, headers, body)
        self.assertEqual((payload['job_id'], payload['entity_id'], payload['kwargs'], payload['attempt']),
                         (job['job_id'], entity, {'name': 'Zoë 😀'}, 1))
        tampered = {
            'a changed body': (headers, body.replace(b'"attempt":1', b'"attempt":2')),
            'another webhook-id': ({**headers, 'webhook-id': job['job_id'] + 'x'}, body),
            'an old timestamp': ({**headers, 'webhook-timestamp': str(int(headers['webhook-timestamp']) - 400)}, body),
            'no signature': ({k: v for k, v in headers.items() if k != 'webhook-signature'}, body),
        }
        for what, (given, sent) in tampered.items():
            with self.subTest(what), self.assertRaises(WebhookVerificationError):
                verify(self.capture_secret, given, sent)
        with self.assertRaises(WebhookVerificationError):
            verify(self.email_secret, headers, body)

    def test_a_rotated_secret_and_the_old_one_both_verify(self):
        name = unique('py.rotate')
        old = self.client.register_handler(name, self.capture.url)['secret']
        new = self.client.rotate_secret(name, grace_ms=60_000)['secret']
        self.assertNotEqual(new, old)
        job = self.client.enqueue(unique('rotate'), name)
        self.client.wait(job, timeout=WAIT)
        [(headers, body)] = self.capture.of(job['job_id'])
        self.assertEqual(len(headers['webhook-signature'].split(' ')), 2)
        self.assertEqual(verify(old, headers, body)['job_id'], job['job_id'])
        self.assertEqual(verify(new, headers, body)['job_id'], job['job_id'])
        # Without grace_ms the request has no body at all: the default grace, a day.
        newest = self.client.rotate_secret(name)['secret']
        self.assertNotIn(newest, (old, new))
        self.client.delete_handler(name)

    def test_retry_a_failed_job(self):
        entity = unique('retry')
        self.capture.plans[entity] = [(400, {'error': 'not today'})]
        job = self.client.enqueue(entity, 'py.capture')
        failed = self.client.wait(job, timeout=WAIT)
        self.assertEqual(failed['status'], 'failed')
        self.assertIn('400', failed['last_error'])
        with self.assertRaises(jobq.Conflict) as caught:
            self.client.update_priority(job['job_id'], 2)
        self.assertEqual(caught.exception.code, 'JQ_ERR_JOB_NOT_WAITING')
        retried = self.client.retry(entity)
        self.assertEqual(retried['job_id'], job['job_id'])
        self.assertIn(retried['status'], ('queued', 'processing', 'completed'))
        done = self.client.wait(job, timeout=WAIT)
        self.assertEqual((done['status'], done['result']), ('completed', {'captured': True}))
        with self.assertRaises(jobq.Conflict) as caught:
            self.client.retry(job['job_id'])
        self.assertEqual((caught.exception.status, caught.exception.code), (409, 'JQ_ERR_JOB_NOT_FAILED'))

    def test_conflicts_while_a_job_is_processed(self):
        entity = unique('busy')
        release = threading.Event()
        self.capture.plans[entity] = [release]
        job = self.client.enqueue(entity, 'py.capture')
        try:
            deadline = time.monotonic() + WAIT
            while self.client.get_job_status(entity)['status'] != 'processing':
                self.assertLess(time.monotonic(), deadline, 'the job should have been dispatched')
                time.sleep(0.02)
            with self.assertRaises(jobq.Conflict) as caught:
                self.client.enqueue(entity, 'py.capture')
            self.assertEqual((caught.exception.code, caught.exception.job_id), ('JQ_ERR_ENTITY_PROCESSING', job['job_id']))
            with self.assertRaises(jobq.Conflict) as caught:
                self.client.cancel(entity)
            self.assertEqual(caught.exception.code, 'JQ_ERR_JOB_PROCESSING')
        finally:
            release.set()
        self.assertEqual(self.client.wait(job, timeout=WAIT)['status'], 'completed')

    def test_a_queue_no_worker_serves(self):
        idle = self.client.with_queue(unique('py-idle'))
        with self.assertRaises(jobq.NotFound) as caught:
            idle.get_queue_status()
        self.assertEqual(caught.exception.code, 'JQ_ERR_QUEUE_NOT_FOUND')
        self.assertIn('secret', idle.register_handler('py.idle', self.capture.url))
        self.assertIn(idle.queue, [q['name'] for q in self.client.list_queues()])

        a = idle.enqueue('a', 'py.idle', priority=3)
        b = idle.enqueue('b', 'py.idle', priority=2)
        self.assertEqual((a['outcome'], a['status'], a['position_in_queue']), ('created', 'queued', 1))
        self.assertEqual(b['position_in_queue'], 1)
        again = idle.enqueue('a', 'py.idle', priority=3)
        self.assertEqual((again['outcome'], again['job_id']), ('exists', a['job_id']))
        raised = idle.enqueue('a', 'py.idle', priority=1)
        self.assertEqual((raised['outcome'], raised['priority'], raised['position_in_queue']), ('priority_raised', 1, 1))

        status = idle.get_queue_status(list='queued')
        self.assertEqual((status['queue'], status['queued'], status['by_priority']), (idle.queue, 2, {'1': 1, '2': 1, '3': 0}))
        self.assertEqual([job['entity_id'] for job in status['jobs']], ['a', 'b'])
        moved = idle.update_priority('a', 3)
        self.assertEqual((moved['priority'], moved['position_in_queue']), (3, 2))
        self.assertEqual([job['entity_id'] for job in idle.iter_jobs(page_size=1)], ['b', 'a'])

        idle.cancel('a')
        self.assertEqual(idle.get_job_status(a['job_id'])['status'], 'cancelled')
        with self.assertRaises(jobq.Conflict) as caught:
            idle.update_priority(a['job_id'], 1)
        self.assertEqual(caught.exception.code, 'JQ_ERR_JOB_NOT_WAITING')
        self.assertEqual(idle.enqueue('a', 'py.idle')['outcome'], 'created')  # the entity is free again
        idle.cancel(a['job_id'])  # a finished job is forgotten
        with self.assertRaises(jobq.NotFound) as caught:
            idle.get_job_status(a['job_id'])
        self.assertEqual(caught.exception.code, 'JQ_ERR_JOB_NOT_FOUND')

        later = idle.enqueue('later', 'py.idle', delay=60)
        self.assertEqual(later['status'], 'scheduled')
        self.assertIsNotNone(later['next_attempt_at'])
        with self.assertRaises(jobq.WaitTimeout) as caught:
            idle.wait(later, timeout=0.3)
        self.assertEqual(caught.exception.job['status'], 'scheduled')

        results = idle.enqueue_many([{'entity_id': 'm1', 'task': 'py.idle', 'priority': 2},
                                     {'entity_id': 'm2', 'task': 'py.nope'}, {'entity_id': 'b', 'task': 'py.idle', 'priority': 3}])
        self.assertEqual([r['outcome'] for r in results], ['created', 'no_handler', 'exists'])
        with self.assertRaises(jobq.UnprocessableEntity) as caught:
            idle.enqueue('x', 'py.nope')
        self.assertEqual(caught.exception.code, 'JQ_ERR_NO_HANDLER')
        with self.assertRaises(jobq.BadRequest) as caught:
            idle.enqueue('x', 'py.idle', priority=7)
        self.assertIn('body.priority', caught.exception.message)
        self.assertIsNone(caught.exception.code)

    def test_a_named_queue_the_worker_serves(self):
        name = os.environ.get('JOBQ_TEST_NAMED_QUEUE')
        if not name:
            self.skipTest('JOBQ_TEST_NAMED_QUEUE is not set')
        named = Client(URL, api_key='', queue=name)
        secret = named.register_handler('py.capture', self.capture.url)['secret']
        entity = unique('named')
        job = named.enqueue(entity, 'py.capture')
        self.assertEqual(named.wait(job, timeout=WAIT)['status'], 'completed')
        [(headers, body)] = self.capture.of(job['job_id'])
        self.assertEqual((headers['webhook-id'], headers['jobq-queue']), (f"{name}:{job['job_id']}", name))
        self.assertEqual(verify(secret, headers, body)['entity_id'], entity)
        with self.assertRaises(jobq.NotFound):
            self.client.get_job_status(entity)  # another queue's entity
        self.assertEqual(named.get_queue_status()['queue'], name)
        with self.assertRaises(jobq.BadRequest):
            Client(URL, queue='not a queue name!').get_queue_status()

    def test_handlers(self):
        name = unique('py.crud')
        created = self.client.register_handler(name, self.capture.url)
        self.assertTrue(created['secret'].startswith('whsec_'))
        changed = self.client.register_handler(name, self.capture.url, timeout_ms=1000, headers={'x-tenant': 'acme'})
        self.assertNotIn('secret', changed)
        self.assertEqual((changed['timeout_ms'], changed['headers']), (1000, {'x-tenant': '****'}))
        self.assertEqual(self.client.get_handler(name)['url'], self.capture.url)
        self.assertIn(name, [h['name'] for h in self.client.list_handlers()])
        self.assertIsNone(self.client.delete_handler(name))
        for call in (self.client.get_handler, self.client.delete_handler, self.client.rotate_secret):
            with self.subTest(call.__name__), self.assertRaises(jobq.NotFound) as caught:
                call(name)
            self.assertEqual(caught.exception.code, 'JQ_ERR_HANDLER_NOT_FOUND')

    def test_api_keys(self):
        keyed = os.environ.get('JOBQ_TEST_KEYED_URL')
        if not keyed:
            self.skipTest('JOBQ_TEST_KEYED_URL is not set')
        client_key, admin_key = os.environ['JOBQ_TEST_CLIENT_KEY'], os.environ['JOBQ_TEST_ADMIN_KEY']
        for key in ('', 'not-a-key'):
            with self.subTest(key=key), self.assertRaises(jobq.Unauthorized) as caught:
                Client(keyed, api_key=key).get_queue_status()
            self.assertEqual(caught.exception.status, 401)
        self.assertIn('queued', Client(keyed, api_key=client_key).get_queue_status())
        with self.assertRaises(jobq.Forbidden):
            Client(keyed, api_key=client_key).register_handler('py.keyed', self.capture.url)
        admin = Client(keyed, api_key=admin_key)
        self.assertIn('py.capture', [h['name'] for h in admin.list_handlers()])
        os.environ['JOBQ_API_KEY'] = admin_key
        try:
            self.assertEqual(Client(keyed).api_key, admin_key)  # the key from the environment
            self.assertIn('py.capture', [h['name'] for h in Client(keyed).list_handlers()])
        finally:
            del os.environ['JOBQ_API_KEY']


if __name__ == '__main__':
    unittest.main()
