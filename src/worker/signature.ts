import { createHmac } from 'node:crypto'

/**
 * Standard Webhooks signature header value: `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, one
 * per secret, space-separated. Several secrets are signed while a rotated-out one is still honoured,
 * so a handler that knows either secret verifies the callback.
 */
export function signWebhook (secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`
  return secrets.map((secret) => {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64')
    return 'v1,' + createHmac('sha256', key).update(content).digest('base64')
  }).join(' ')
}
