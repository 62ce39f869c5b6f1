import { z } from 'zod'

/**
 * Date ranges of the report routes: `from` and `to` are dates (`2026-11-01`, a whole UTC day, `to`
 * inclusive) or ISO-8601 datetimes (`to` exclusive). Without them: the last `defaultDays` days up to now.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/
const MAX_DAYS = 366

export const rangeBound = z
  .string()
  .refine((v) => (DATE.test(v) ? !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) : z.iso.datetime({ offset: true }).safeParse(v).success), {
    message: 'must be a date (YYYY-MM-DD) or an ISO-8601 datetime',
  })

export const rangeQueryShape = {
  from: rangeBound.optional().describe('Start: a date (UTC day) or ISO-8601 datetime; default 30 days before `to`'),
  to: rangeBound.optional().describe('End: a date (inclusive) or ISO-8601 datetime (exclusive); default now'),
}

function bound(text: string, end: boolean): Date {
  if (!DATE.test(text)) return new Date(text)
  const day = new Date(`${text}T00:00:00Z`)
  return end ? new Date(day.getTime() + 86_400_000) : day
}

export type RangeResult = { ok: true; from: Date; to: Date } | { ok: false; message: string }

export function resolveRange(query: { from?: string; to?: string }, now: Date, defaultDays = 30): RangeResult {
  const to = query.to ? bound(query.to, true) : now
  const from = query.from ? bound(query.from, false) : new Date(to.getTime() - defaultDays * 86_400_000)
  if (from.getTime() >= to.getTime()) return { ok: false, message: 'query.from must be before query.to' }
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
    return { ok: false, message: `the range may span at most ${MAX_DAYS} days` }
  }
  return { ok: true, from, to }
}
