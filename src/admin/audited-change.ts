import { recordAudit, type Actor } from '../db/audit'

/**
 * Runs a change and records it in the audit log, whether it succeeds or fails: who (role and token
 * fingerprint), what, when, the state before and the state after (or the error).
 */
export async function audited<T>(
  db: D1Database,
  change: { actor: Actor; action: string; target: string | null; before: unknown },
  run: () => Promise<T>,
  after: (result: T) => unknown = (result) => result,
): Promise<T> {
  let result: T
  try {
    result = await run()
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    await recordAudit(db, { ...change, outcome: 'failed', after: { error }, at: new Date() })
    throw err
  }
  await recordAudit(db, { ...change, outcome: 'ok', after: after(result), at: new Date() })
  return result
}
