import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, startRedis, uniqueQueueName } from './helper.js'

const root = join(import.meta.dirname, '..')
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
const stages = dockerfile.split(/^FROM /m).slice(1)
const runtime = stages[stages.length - 1]

describe('Dockerfile', () => {
  it('should build in two stages and run as a non-root user with a healthcheck', () => {
    assert.equal(stages.length, 2)
    assert.match(stages[0], /^node:24\S* AS build/)
    assert.match(runtime, /^node:24/)
    assert.match(runtime, /^USER node$/m)
    assert.match(runtime, /^HEALTHCHECK /m)
    assert.match(runtime, /npm ci --omit=dev/)
    for (const [, from] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) assert.ok(existsSync(join(root, from)), `COPY ${from}: no such path`)
  })

  // The image cannot be built here (no Docker engine), so lay out its runtime stage by hand: the
  // production dependencies, the compiled code and the Lua scripts, nothing else. That catches a
  // runtime import of a devDependency, or a file the image would lack.
  it('should start the API from exactly what the runtime stage copies', { timeout: 240_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'jobq-image-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    // Compiled into the temp dir, so it never races another test's `npm run build` in dist/.
    const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'),
      '--outDir', join(dir, 'dist'), '--tsBuildInfoFile', join(dir, 'build.tsbuildinfo')], { cwd: root, encoding: 'utf8' })
    assert.equal(build.status, 0, build.stdout + build.stderr)
    for (const path of ['package.json', 'package-lock.json', 'lua', 'openapi', 'ui']) cpSync(join(root, path), join(dir, path), { recursive: true })
    const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' })
    assert.equal(install.status, 0, install.stderr)

    const redis = await startRedis(t)
    const port = await freePort()
    const api = spawn(process.execPath, ['dist/cli.js', 'api'], {
      cwd: dir,
      env: { PATH: process.env.PATH, REDIS_URL: redis.url, PORT: String(port), JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    api.stderr?.on('data', (chunk) => { stderr += chunk })
    t.after(() => api.kill('SIGKILL'))
    let ready = false
    for (let i = 0; i < 100 && !ready && api.exitCode === null; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)
      if (!ready) await sleep(100)
    }
    assert.ok(ready, `the API did not become ready: ${stderr}`)
    assert.equal((await fetch(`http://127.0.0.1:${port}/docs/json`)).status, 200)
    // The dashboard's chart library is a production dependency, served from node_modules.
    assert.equal((await fetch(`http://127.0.0.1:${port}/ui/vendor/uPlot.iife.min.js`)).status, 200)
    const worker = spawnSync(process.execPath, ['dist/cli.js', 'worker', '--help'], { cwd: dir, encoding: 'utf8' })
    assert.equal(worker.status, 0, worker.stderr)
  })
})
