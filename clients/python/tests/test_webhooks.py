"""jobq.webhooks without a server: signatures, header shapes, freshness, tampering."""

import base64
import email.message
import io
import json
import unittest

from jobq import WebhookVerificationError
from jobq.webhooks import TOLERANCE_SECONDS, sign, verify

# Computed by the reference implementation, the `standardwebhooks` npm package (Webhook#sign).
REFERENCE = [
    ('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330,
     '{"test": 2432232314}', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='),
    ('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'VcE1jTf00001', 1700000000,
     '{"job_id":"VcE1jTf00001","entity_id":"Zoë 😀"}', 'v1,nV54lpd8a1bLJV7qkBRFyK9mYub2pwddqI68J1xdWwo='),
]

SECRET = 'whsec_' + base64.b64encode(b'k' * 32).decode()
OTHER = 'whsec_' + base64.b64encode(b'o' * 32).decode()
NOW = 1_700_000_000
BODY = json.dumps({'job_id': 'J1', 'entity_id': 'user-42', 'task': 'email.send', 'args': ['welcome'],
                   'kwargs': {'name': 'Zoë 😀'}, 'priority': 1, 'attempt': 1, 'metadata': {}},
                  ensure_ascii=False).encode('utf-8')


def headers(msg_id='J1', timestamp=NOW, body=BODY, secrets=(SECRET,)):
    return {'webhook-id': msg_id, 'webhook-timestamp': str(timestamp),
            'webhook-signature': ' '.join(sign(s, msg_id, timestamp, body) for s in secrets)}


class SignTest(unittest.TestCase):
    def test_matches_the_reference_implementation(self):
        for secret, msg_id, timestamp, body, expected in REFERENCE:
            self.assertEqual(sign(secret, msg_id, timestamp, body), expected)
            self.assertEqual(sign(secret, msg_id, timestamp, body.encode('utf-8')), expected)

    def test_refuses_a_malformed_secret(self):
        for secret in ('whsec_', 'whsec_not base64!', ''):
            with self.assertRaises(ValueError, msg=secret):
                sign(secret, 'id', NOW, b'{}')
        with self.assertRaises(TypeError):
            sign(b'whsec_a2V5', 'id', NOW, b'{}')


class VerifyTest(unittest.TestCase):
    def test_returns_the_decoded_body(self):
        job = verify(SECRET, headers(), BODY, now=NOW)
        self.assertEqual(job['job_id'], 'J1')
        self.assertEqual(job['kwargs'], {'name': 'Zoë 😀'})

    def test_reference_vectors_verify(self):
        for secret, msg_id, timestamp, body, signature in REFERENCE:
            found = verify(secret, {'webhook-id': msg_id, 'webhook-timestamp': str(timestamp),
                                    'webhook-signature': signature}, body, now=timestamp)
            self.assertEqual(found, json.loads(body))

    def test_takes_every_header_shape(self):
        plain = headers()
        message = email.message.Message()
        for name, value in plain.items():
            message[name.title()] = value
        environ = {'HTTP_' + name.upper().replace('-', '_'): value for name, value in plain.items()}
        environ.update({'wsgi.input': io.BytesIO(BODY), 'wsgi.multithread': False, 'CONTENT_LENGTH': str(len(BODY))})
        shapes = {
            'dict': plain,
            'upper-case dict': {name.upper(): value for name, value in plain.items()},
            'http.server headers': message,
            'list of pairs': list(plain.items()),
            'bytes pairs': [(name.encode(), value.encode()) for name, value in plain.items()],
            'WSGI environ': environ,
        }
        for what, shape in shapes.items():
            with self.subTest(what):
                self.assertEqual(verify(SECRET, shape, BODY, now=NOW)['job_id'], 'J1')

    def test_any_of_several_signatures_and_secrets(self):
        both = headers(secrets=(OTHER, SECRET))
        self.assertEqual(verify(SECRET, both, BODY, now=NOW)['job_id'], 'J1')
        self.assertEqual(verify(OTHER, both, BODY, now=NOW)['job_id'], 'J1')
        only_other = headers(secrets=(OTHER,))
        self.assertEqual(verify([SECRET, OTHER], only_other, BODY, now=NOW)['job_id'], 'J1')
        # The same header twice counts as one list.
        pairs = [('webhook-id', 'J1'), ('webhook-timestamp', str(NOW)),
                 ('webhook-signature', sign(OTHER, 'J1', NOW, BODY)), ('webhook-signature', sign(SECRET, 'J1', NOW, BODY))]
        self.assertEqual(verify(SECRET, pairs, BODY, now=NOW)['job_id'], 'J1')

    def test_a_str_body_is_its_utf8_bytes(self):
        self.assertEqual(verify(SECRET, headers(), BODY.decode('utf-8'), now=NOW)['job_id'], 'J1')

    def test_timestamps_within_five_minutes_either_way(self):
        self.assertEqual(TOLERANCE_SECONDS, 300)
        for offset in (-299, -240, 0, 240, 299):
            with self.subTest(offset=offset):
                verify(SECRET, headers(timestamp=NOW + offset), BODY, now=NOW)
        for offset in (-360, -301, 301, 360):
            with self.subTest(offset=offset), self.assertRaises(WebhookVerificationError):
                verify(SECRET, headers(timestamp=NOW + offset), BODY, now=NOW)

    def test_refuses_what_is_not_genuine(self):
        good = headers()
        cases = {
            'another secret': (OTHER, good, BODY),
            'a tampered body': (SECRET, good, BODY.replace(b'"args": ["welcome"]', b'"args": ["extra"]')),
            'a re-serialized body': (SECRET, good, json.dumps(json.loads(BODY)).encode()),
            'another webhook-id': (SECRET, {**good, 'webhook-id': 'J2'}, BODY),
            'another timestamp': (SECRET, {**good, 'webhook-timestamp': str(NOW + 1)}, BODY),
            'a signature not marked v1': (SECRET, {**good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,')}, BODY),
            'an empty v1 signature': (SECRET, {**good, 'webhook-signature': 'v1,'}, BODY),
            'no signature': (SECRET, {k: v for k, v in good.items() if k != 'webhook-signature'}, BODY),
            'no webhook-id': (SECRET, {k: v for k, v in good.items() if k != 'webhook-id'}, BODY),
            'no timestamp': (SECRET, {k: v for k, v in good.items() if k != 'webhook-timestamp'}, BODY),
            'a timestamp that is not a number': (SECRET, {**good, 'webhook-timestamp': '1.7e9'}, BODY),
            'a negative timestamp': (SECRET, {**good, 'webhook-timestamp': '-5'}, BODY),
            'no headers': (SECRET, {}, BODY),
        }
        for what, (secret, given, body) in cases.items():
            with self.subTest(what), self.assertRaises(WebhookVerificationError):
                verify(secret, given, body, now=NOW)

    def test_a_signed_body_that_is_not_json(self):
        body = b'not json'
        with self.assertRaisesRegex(WebhookVerificationError, 'not JSON'):
            verify(SECRET, headers(body=body), body, now=NOW)

    def test_a_malformed_secret_is_the_handlers_mistake(self):
        with self.assertRaises(ValueError):
            verify('whsec_%%%', headers(), BODY, now=NOW)
        with self.assertRaises(ValueError):
            verify([], headers(), BODY, now=NOW)

    def test_uses_the_clock_by_default(self):
        with self.assertRaises(WebhookVerificationError):
            verify(SECRET, headers(timestamp=NOW), BODY)  # 2023: long past


if __name__ == '__main__':
    unittest.main()
