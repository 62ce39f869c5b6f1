import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * What `npm run lint` runs besides ESLint. The layering rules (.dependency-cruiser.mjs): the fixture
 * test/fixtures/layering/src breaks each of them once, and they must say so; the worker's own src/ breaks none.
 * knip: the fixture test/fixtures/unused has an unused file, export and dependency, and it must name them.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')
const CONFIG = path.join(ROOT, '.dependency-cruiser.mjs')
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise')
const KNIP = path.join(ROOT, 'node_modules/.bin/knip')

interface Violation {
  rule: { name: string }
  from: string
  to: string
}

function cruise(cwd: string): Violation[] {
  let out: string
  try {
    out = execFileSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8' })
  } catch (err) {
    // depcruise exits non-zero when it finds violations; its report is still on stdout.
    out = (err as { stdout: string }).stdout
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations
}

describe('the layering rules', () => {
  it('catch each deliberate violation of the fixture', () => {
    const found = cruise(path.join(ROOT, 'test/fixtures/layering')).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
    expect(found.sort()).toEqual(
      [
        'no-circular: src/admin/task.ts -> src/cron/job.ts',
        'floor-domain: src/domain/rule.ts -> src/db/rows.ts',
        'domain-is-pure: src/domain/rule.ts -> src/db/rows.ts',
        'db-calls-no-api: src/db/rows.ts -> src/bigcommerce/client.ts',
        'floor-cron: src/cron/job.ts -> src/admin/task.ts',
        'floor-admin: src/admin/task.ts -> src/cron/job.ts',
        'every-room-has-a-floor: src/stray.ts -> src/domain/rule.ts',
      ].sort(),
    )
  })

  it("find nothing in the worker's own src/", () => {
    expect(cruise(ROOT)).toEqual([])
  })
})

describe('knip', () => {
  it('names an unused file, export and dependency, and fails', () => {
    let failed = false
    let out: string
    try {
      out = execFileSync(KNIP, ['--no-progress', '--reporter', 'json'], { cwd: path.join(ROOT, 'test/fixtures/unused'), encoding: 'utf8' })
    } catch (err) {
      failed = true
      out = (err as { stdout: string }).stdout
    }
    const issues = (JSON.parse(out) as { issues: { file: string; files: unknown[]; exports: { name: string }[]; dependencies: { name: string }[] }[] }).issues
    expect(failed).toBe(true)
    expect(issues.filter((i) => i.files.length).map((i) => i.file)).toEqual(['src/orphan.ts'])
    expect(issues.flatMap((i) => i.exports.map((e) => `${i.file}: ${e.name}`))).toEqual(['src/used.ts: neverImported'])
    expect(issues.flatMap((i) => i.dependencies.map((d) => d.name))).toEqual(['left-pad'])
  })
})
