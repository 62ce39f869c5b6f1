/** The rows of `npm run check:live` and of the dashboard's deploy checks (src/admin/live-checks.ts). */
export type CheckLevel = 'pass' | 'warn' | 'fail'

export interface LiveCheck {
  platform: 'hubspot' | 'bigcommerce' | 'worker'
  id: string
  label: string
  /** `fail` is a blocker: the deploy would fail or lose data. `warn` turns a feature off or needs setup. */
  level: CheckLevel
  detail: string
}

export interface LiveCheckReport {
  ranAt: string
  blockers: number
  checks: LiveCheck[]
}
