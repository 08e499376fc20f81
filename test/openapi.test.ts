import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config/config.js'
import { openApiDocument } from '../src/api/openapi.js'

const committed = join(import.meta.dirname, '../openapi/openapi.json')

describe('openapi/openapi.json', () => {
  it('should be exactly what the server serves (run `npm run openapi` after changing a schema)', async () => {
    const served = await openApiDocument(loadConfig({}))
    assert.equal(readFileSync(committed, 'utf8'), served)
  })

  it('should say that a key is optional (the server runs without keys) and that rotate-secret may have no body', () => {
    const doc = JSON.parse(readFileSync(committed, 'utf8'))
    // Either a bearer key or nothing: an API run without keys takes requests without one.
    assert.deepEqual(doc.security, [{ bearerAuth: [] }, {}])
    assert.match(doc.components.securitySchemes.bearerAuth.description, /Required .* as soon as any of those is set/)
    const optional: string[] = []
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (op.requestBody && op.requestBody.required !== true) optional.push(`${method.toUpperCase()} ${path}`)
        assert.ok(!Object.keys(op).some((key) => key.startsWith('x-jobq-')), `${method} ${path} leaks an internal marker`)
        if (op.security !== undefined) assert.deepEqual(op.security, [], `${method} ${path}: only public routes override security`)
      }
    }
    // `curl -X POST` with no body: a default grace, a heartbeat with the handler's lease, a complete without a result.
    assert.deepEqual(optional.sort(), ['POST /handlers/{name}/rotate-secret', 'POST /jobs/{id}/complete', 'POST /jobs/{id}/heartbeat',
      'POST /queues/{queue}/handlers/{name}/rotate-secret', 'POST /queues/{queue}/jobs/{id}/complete', 'POST /queues/{queue}/jobs/{id}/heartbeat'])
  })

  it('should describe every route with a response schema for each status and resolvable refs', () => {
    const doc = JSON.parse(readFileSync(committed, 'utf8'))
    assert.equal(doc.openapi, '3.1.0')
    const schemas = Object.keys(doc.components.schemas)
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1])
    assert.ok(refs.length > 0)
    for (const ref of refs) assert.ok(schemas.includes(ref), `dangling $ref ${ref}`)
    for (const path of ['/jobs', '/jobs/{id}', '/jobs/{id}/priority', '/jobs/{id}/retry', '/queue', '/handlers', '/handlers/{name}', '/healthz', '/readyz']) {
      assert.ok(doc.paths[path], `missing path ${path}`)
      for (const [method, op] of Object.entries<{ responses: Record<string, unknown> }>(doc.paths[path])) {
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} documents no response`)
      }
    }
  })
})
