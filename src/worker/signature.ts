import { createHmac, createSecretKey, type KeyObject } from 'node:crypto'

const keys = new Map<string, KeyObject>()

/** A secret's HMAC key, decoded from base64 once rather than per callback. */
function keyOf (secret: string): KeyObject {
  let key = keys.get(secret)
  if (!key) {
    // Secrets change only when rotated; a bound keeps a long-lived worker's map small regardless.
    if (keys.size >= 100) keys.clear()
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64'))
    keys.set(secret, key)
  }
  return key
}

/**
 * Standard Webhooks signature header value: `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, one
 * per secret, space-separated. Several secrets are signed while a rotated-out one is still honoured,
 * so a handler that knows either secret verifies the callback.
 */
export function signWebhook (secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`
  let header = ''
  for (const secret of secrets) {
    if (header !== '') header += ' '
    header += 'v1,' + createHmac('sha256', keyOf(secret)).update(content).digest('base64')
  }
  return header
}
