import json
import os
from wsgiref.simple_server import WSGIRequestHandler, make_server

from jobq.webhooks import WebhookVerificationError, verify

SECRET = os.environ.get('WEBHOOK_SECRET', '')  # the handler's whsec_... secret
results = {}  # webhook-id -> result; in production, a table keyed by it


def send_email(job):
    print(f"job {job['job_id']}: {job['task']} for {job['entity_id']}", job['args'], job['kwargs'],
          f"attempt {job['attempt']}", flush=True)
    return {'sent': True}


def app(environ, start_response):
    """A WSGI app: any WSGI server (gunicorn, uWSGI, mod_wsgi...) can run it."""
    body = environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))  # the raw body, as signed
    try:
        job = verify(SECRET, environ, body)  # signature, any of several, and a fresh timestamp
    except WebhookVerificationError as err:
        return answer(start_response, '401 Unauthorized', {'error': str(err)})
    key = environ['HTTP_WEBHOOK_ID']  # the job_id (<queue>:<job_id> for a worker's other queues)
    if key not in results:
        results[key] = send_email(job)
    return answer(start_response, '200 OK', results[key])


def answer(start_response, status, value):
    data = json.dumps(value).encode()
    start_response(status, [('content-type', 'application/json'), ('content-length', str(len(data)))])
    return [data]


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # wsgiref would log every request to stderr
        pass


if __name__ == '__main__':
    if not SECRET.startswith('whsec_'):
        raise SystemExit("set WEBHOOK_SECRET to the handler's whsec_... secret")
    server = make_server('127.0.0.1', int(os.environ.get('PORT', '4000')), app, handler_class=QuietRequestHandler)
    print(f'handler listening on http://127.0.0.1:{server.server_port}/', flush=True)
    server.serve_forever()
