import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { loadConfig } from '../src/config/config.js'
import { SETTINGS } from '../src/config/settings.js'
import { assertSafeExposure } from '../src/api/plugins/auth.js'

const root = join(import.meta.dirname, '..')
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'))
const hasCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0

/** Compose's `${VAR:-default}` with nothing set in the shell: the default. */
function interpolate (env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]))
}

describe('docker-compose.yml', () => {
  it('should be valid for `docker compose config`', { skip: hasCompose ? false : 'no docker compose plugin on this machine; the parsed checks below still run' }, () => {
    const res = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: root, encoding: 'utf8' })
    assert.equal(res.status, 0, res.stderr)
  })

  it('should run redis with AOF on a volume and a healthcheck, and the api and worker after it', () => {
    const { redis, api, worker } = compose.services
    assert.ok(redis.command.includes('--appendonly') && redis.command[redis.command.indexOf('--appendonly') + 1] === 'yes')
    assert.ok(redis.healthcheck?.test)
    assert.ok(redis.volumes.some((v: string) => v.endsWith(':/data')))
    assert.ok(Object.keys(compose.volumes).length > 0)
    for (const service of [api, worker]) {
      assert.equal(service.depends_on.redis.condition, 'service_healthy')
      assert.equal(service.build, '.')
    }
    assert.deepEqual(api.command, ['api'])
    assert.deepEqual(worker.command, ['worker'])
  })

  it('should let the worker scale: no fixed ports, container names or host-bound resources', () => {
    const { worker } = compose.services
    assert.equal(worker.ports, undefined)
    assert.equal(worker.container_name, undefined)
  })

  it('should configure every process through settings the configuration schema knows, with valid values', () => {
    const known = new Set<string>(SETTINGS.map((s) => s.env))
    for (const name of ['api', 'worker']) {
      const env = interpolate(compose.services[name].environment as Record<string, string>)
      for (const variable of Object.keys(env)) assert.ok(known.has(variable), `${name}: ${variable} is not a setting`)
      // The same checks the process makes at start, with the compose file's defaults filled in.
      assert.doesNotThrow(() => {
        const config = loadConfig(env)
        if (name === 'api') assertSafeExposure(config)
      }, `${name}: its environment must load`)
    }
  })
})
