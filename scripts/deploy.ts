/**
 * `npm run deploy [-- --env <store>] [-- --config <file>] [-- --dry-run] [...]`: the D1 migrations, then the
 * Worker, for the top-level configuration or one store's wrangler environment (README, "Many stores").
 * `--env` and `--config` go to both commands, so a store's migrations reach that store's database and not
 * another's; `--dry-run` checks the deploy without applying anything (migrations cannot be dry-run, so they are
 * skipped); any other argument goes to `wrangler deploy`.
 */
import { spawnSync } from 'node:child_process'
import process from 'node:process'
import { pathToFileURL } from 'node:url'

export interface DeployPlan {
  /** `wrangler` argument lists, run in order; the next runs only when the previous succeeded. */
  commands: string[][]
  /** Why a step is left out (dry run), for the log. */
  skipped: string[]
}

/** Flags both commands take, with their value. */
const SHARED = new Map([['--env', '--env'], ['-e', '--env'], ['--config', '--config'], ['-c', '--config']])

export function deployPlan(argv: readonly string[]): DeployPlan {
  const shared: string[] = []
  const deployOnly: string[] = []
  let dryRun = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const name = SHARED.get(flag)
    if (name) {
      const value = inline ?? argv[++i]
      if (value === undefined || value.startsWith('-')) throw new Error(`${flag} needs a value`)
      shared.push(name, value)
    } else if (arg === '--dry-run') {
      dryRun = true
    } else {
      deployOnly.push(arg)
    }
  }
  const migrations = ['d1', 'migrations', 'apply', 'DB', '--remote', ...shared]
  const deploy = ['deploy', ...shared, ...(dryRun ? ['--dry-run'] : []), ...deployOnly]
  return dryRun
    ? { commands: [deploy], skipped: [`wrangler ${migrations.join(' ')} (a dry run applies no migration)`] }
    : { commands: [migrations, deploy], skipped: [] }
}

function main(): number {
  let plan: DeployPlan
  try {
    plan = deployPlan(process.argv.slice(2))
  } catch (err) {
    console.error(`deploy: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }
  for (const skipped of plan.skipped) console.log(`deploy: skipped ${skipped}`)
  for (const args of plan.commands) {
    console.log(`deploy: wrangler ${args.join(' ')}`)
    // npm puts node_modules/.bin first on PATH: this is the pinned wrangler.
    const result = spawnSync('wrangler', args, { stdio: 'inherit' })
    if (result.status !== 0) return result.status ?? 1
  }
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(main())
