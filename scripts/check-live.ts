/**
 * `npm run check:live [-- --write] [--vars FILE] [--toml FILE]`: checks the real HubSpot portal and BigCommerce
 * store the worker is configured for (the worker's own variables: wrangler.toml [vars], then .dev.vars, then
 * the environment) for everything a deploy needs, prints one table, and exits 1 on a blocker (2 when the
 * configuration itself is invalid). `--write` also round-trips one record of each object in a TEST portal.
 * Run it before the first backfill.
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { runLiveChecks, type LiveCheckReport } from '../src/admin/live-checks'
import { loadConfig } from '../src/config'

/** `KEY=value` lines (.dev.vars) or the `[vars]` table of wrangler.toml (`KEY = "value"`). */
export function readVars(text: string, toml = false): Record<string, string> {
  const vars: Record<string, string> = {}
  let inVars = !toml
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (toml && /^\[.*\]$/.test(line)) {
      inVars = line === '[vars]'
      continue
    }
    const match = /^([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!inVars || !match || line.startsWith('#')) continue
    const value = match[2]!.trim()
    vars[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value
  }
  return vars
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

const MARK = { pass: 'ok', warn: 'warn', fail: 'FAIL' } as const

export function formatReport(report: LiveCheckReport): string {
  const rows = report.checks.map((c) => [MARK[c.level], c.platform, c.label, c.detail])
  const widths = [4, 11, Math.max(5, ...rows.map((r) => r[2]!.length))]
  const line = (cells: string[]) => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')
  const blockers = report.blockers
  return [
    line(['', 'platform', 'check', 'detail']),
    ...rows.map(line),
    '',
    blockers ? `${blockers} blocker${blockers === 1 ? '' : 's'}: fix them before deploying.` : 'No blocker.',
  ].join('\n')
}

export async function main(argv: string[], print: (text: string) => void = console.log): Promise<number> {
  const option = (name: string) => {
    const at = argv.indexOf(name)
    return at >= 0 ? argv[at + 1] : undefined
  }
  const vars = {
    ...readVars(readOptional(option('--toml') ?? 'wrangler.toml'), true),
    ...readVars(readOptional(option('--vars') ?? '.dev.vars')),
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(BIGCOMMERCE|HUBSPOT|PUBLIC_URL)/.test(k))),
  }
  const config = loadConfig(vars)
  if (!config.ok) {
    for (const error of config.errors) print(`invalid configuration: ${error.variable}: ${error.message}`)
    return 2
  }
  const report = await runLiveChecks(config.config, { now: new Date(), write: argv.includes('--write') })
  print(formatReport(report))
  return report.blockers ? 1 : 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err))
      process.exit(2)
    },
  )
}
