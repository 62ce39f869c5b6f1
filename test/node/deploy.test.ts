import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deployPlan } from '../../scripts/deploy'

/**
 * Many stores: `npm run deploy -- --env <store>` and the two-store example configuration
 * (deploy/wrangler.stores.example.toml), checked with the pinned wrangler itself.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')
const CONFIG = 'deploy/wrangler.stores.example.toml'
const scratch = mkdtempSync(path.join(tmpdir(), 'bc-hubspot-deploy-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function wrangler(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/wrangler'), args, {
    cwd: ROOT,
    encoding: 'utf8',
    // No account, no network: a dry run must need neither.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_API_TOKEN: '', CI: '1' },
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('the deploy script', () => {
  it('passes --env and --config to both the migrations and the deploy', () => {
    expect(deployPlan(['--env', 'acme'])).toEqual({
      commands: [
        ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'acme'],
        ['deploy', '--env', 'acme'],
      ],
      skipped: [],
    })
    expect(deployPlan(['-e', 'globex', `--config=${CONFIG}`, '--minify']).commands).toEqual([
      ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'globex', '--config', CONFIG],
      ['deploy', '--env', 'globex', '--config', CONFIG, '--minify'],
    ])
    // Without an environment: the top-level configuration, as before.
    expect(deployPlan([]).commands).toEqual([['d1', 'migrations', 'apply', 'DB', '--remote'], ['deploy']])
  })

  it('applies no migration on a dry run, and refuses a flag without its value', () => {
    const plan = deployPlan(['--env', 'acme', '--dry-run'])
    expect(plan.commands).toEqual([['deploy', '--env', 'acme', '--dry-run']])
    expect(plan.skipped[0]).toMatch(/migrations apply DB --remote --env acme/)
    expect(() => deployPlan(['--env'])).toThrow(/--env needs a value/)
    expect(() => deployPlan(['--env', '--dry-run'])).toThrow(/--env needs a value/)
  })
})

/** The names of a dry run's bindings other than variables (D1, Durable Objects, queues, ...). */
function resourceBindings(output: string): string[] {
  return [...output.matchAll(/^env\.(\w+) .*?\s{2,}(.+?)\s*$/gm)].filter((m) => m[2] !== 'Environment Variable').map((m) => m[1]!).sort()
}

/** What wrangler.toml itself binds and consumes: each store must have all of it, since nothing is inherited. */
let topLevel: { bindings: string[]; consumers: number } | undefined
function topLevelResources(): { bindings: string[]; consumers: number } {
  if (!topLevel) {
    const top = wrangler(['deploy', '--dry-run', '--outdir', path.join(scratch, 'top')])
    expect(top.status, top.output).toBe(0)
    const consumers = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^\[\[queues\.consumers\]\]/gm)?.length ?? 0
    topLevel = { bindings: resourceBindings(top.output), consumers }
  }
  return topLevel
}

describe('two stores in one wrangler configuration', () => {
  it.each([
    ['acme', 'globex'],
    ['globex', 'acme'],
  ])('deploys %s (dry run) with its own database, queues and variables, none of %s, and every resource of wrangler.toml', (store, other) => {
    const { commands } = deployPlan(['--env', store, '--config', CONFIG, '--dry-run', '--outdir', path.join(scratch, store)])
    const { status, output } = wrangler(commands[0]!)
    expect(status, output).toBe(0)
    expect(output).toContain(`env.DB (bc-hubspot-edge-${store})`)
    expect(output).toContain(`env.WEBHOOK_QUEUE (bc-hubspot-webhooks-${store})`)
    expect(output).toMatch(/env\.CONTACT \(ContactObject\)\s+Durable Object/)
    expect(output).toMatch(/env\.HUBSPOT_WRITER \(HubSpotWriter\)\s+Durable Object/)
    expect(output).toContain('env.BIGCOMMERCE_STORE_HASH')
    expect(output).not.toContain(other)
    // Every binding and queue consumer of wrangler.toml, so a resource added there is not forgotten here.
    const { bindings, consumers } = topLevelResources()
    expect(bindings).toEqual(expect.arrayContaining(['CONTACT', 'DB', 'HUBSPOT_WRITER', 'WEBHOOK_QUEUE']))
    expect(resourceBindings(output)).toEqual(bindings)
    const example = readFileSync(path.join(ROOT, CONFIG), 'utf8')
    expect(example.match(new RegExp(`^\\[\\[env\\.${store}\\.queues\\.consumers\\]\\]`, 'gm'))?.length).toBe(consumers)
  })

  it('refuses a store the configuration does not have', () => {
    const { commands } = deployPlan(['--env', 'initech', '--config', CONFIG, '--dry-run', '--outdir', path.join(scratch, 'initech')])
    expect(wrangler(commands[0]!).status).not.toBe(0)
  })

  it("applies the migrations to that store's database only (locally: a remote one needs an account)", () => {
    const persist = ['--persist-to', path.join(scratch, 'd1')]
    const local = (store: string, command: 'apply' | 'list') =>
      deployPlan(['--env', store, '--config', CONFIG]).commands[0]!.map((a) => (a === '--remote' ? '--local' : a === 'apply' ? command : a))
    const applied = wrangler([...local('acme', 'apply'), ...persist])
    expect(applied.status, applied.output).toBe(0)
    expect(applied.output).toMatch(/0060_storefronts\.sql\s*│\s*✅/)
    expect(wrangler([...local('acme', 'list'), ...persist]).output).toContain('No migrations to apply')
    // The other store's database is another database: nothing was applied to it.
    const other = wrangler([...local('globex', 'list'), ...persist])
    expect(other.status, other.output).toBe(0)
    expect(other.output).toContain('0060_storefronts.sql')
    expect(other.output).not.toContain('No migrations to apply')
  })
})
