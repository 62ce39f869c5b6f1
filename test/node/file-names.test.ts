import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sharedFileNames } from '../../scripts/check-file-names'

/**
 * No two source files of src/ share a name (issue 19: names a newcomer can search for). `npm run lint` runs
 * scripts/check-file-names.ts; the fixture test/fixtures/file-names/src shares two names, and it must say so.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')
const FIXTURE = path.join(ROOT, 'test/fixtures/file-names/src')

describe('the file name check', () => {
  it("names each name the fixture's files share, extensions aside", () => {
    expect(sharedFileNames(FIXTURE)).toEqual({
      index: ['cron/index.ts', 'index.ts'],
      status: ['admin/status.ts', 'cron/status.ts', 'routes/dashboard/status.tsx'],
    })
  })

  it('fails lint on the fixture, naming the files', () => {
    let failure: { status: number; stderr: string } | null = null
    try {
      execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/check-file-names.ts', FIXTURE], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      failure = err as { status: number; stderr: string }
    }
    expect(failure?.status).toBe(1)
    expect(failure?.stderr).toContain('"status" names 3 files: admin/status.ts, cron/status.ts, routes/dashboard/status.tsx')
    expect(failure?.stderr).toContain('"index" names 2 files: cron/index.ts, index.ts')
  })

  it("finds no shared name in the worker's own src/", () => {
    expect(sharedFileNames(path.join(ROOT, 'src'))).toEqual({})
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/check-file-names.ts'], { cwd: ROOT, stdio: 'pipe' })
  })
})
