import { eventLatency, orderMatchCounts } from '../db/quality'
import { duplicateDefinition, duplicateFigures, type DuplicateFigures } from './duplicate-review'

/**
 * Data-quality figures against the targets integration playbooks name: orders matched to a contact above
 * 95%, duplicate contacts (same normalized email or phone) under 2% a month, event latency (webhook `created_at` to the order's first accepted HubSpot
 * write, live events only: orders the backfill wrote first do not count) well under 15 minutes, here: the 99th
 * percentile under 15 minutes.
 */
export const QUALITY_TARGETS = {
  matchRate: { above: 0.95, text: 'above 95%' },
  duplicateRate: { below: 0.02, text: 'below 2%' },
  latencyP99Ms: { below: 15 * 60_000, text: '99th percentile under 15 minutes' },
} as const

export interface QualityReport {
  window: { days: number; since: string }
  matchRate: { value: number | null; matched: number; orders: number; target: string; met: boolean | null }
  duplicateRate: {
    /** Over all contacts. */
    value: number | null
    duplicates: number
    contacts: number
    /** Groups of contacts that are one person by the definition (each has one original). */
    groups: number
    examples: DuplicateFigures['examples']
    target: string
    met: boolean | null
    /** Per month the contacts became known, newest first: the playbook's "under 2% a month". */
    byMonth: { month: string; value: number | null; duplicates: number; contacts: number; met: boolean | null }[]
    definition: string
    /** Phones left out for being shared by more than DUPLICATE_PHONE_MAX_GROUP contacts. */
    crowdedPhones: DuplicateFigures['crowdedPhones']
  }
  eventLatency: {
    samples: number
    p50Ms: number | null
    p90Ms: number | null
    p95Ms: number | null
    p99Ms: number | null
    target: string
    met: boolean | null
  }
}

function duplicateMet(rate: number | null): boolean | null {
  return rate === null ? null : rate < QUALITY_TARGETS.duplicateRate.below
}

/** A share, or null when there is nothing to measure (no verdict either way). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null
}

export async function qualityReport(db: D1Database, now: Date, days: number, maxPhoneGroup: number): Promise<QualityReport> {
  const since = now.getTime() - days * 86_400_000
  const [match, duplicates, latency] = await Promise.all([
    orderMatchCounts(db, since),
    duplicateFigures(db, maxPhoneGroup),
    eventLatency(db, since, [50, 90, 95, 99]),
  ])
  const matchRate = ratio(match.matched, match.synced)
  const duplicateRate = ratio(duplicates.duplicates, duplicates.contacts)
  const p99 = latency.percentiles[99] ?? null
  return {
    window: { days, since: new Date(since).toISOString() },
    matchRate: {
      value: matchRate,
      matched: match.matched,
      orders: match.synced,
      target: QUALITY_TARGETS.matchRate.text,
      met: matchRate === null ? null : matchRate > QUALITY_TARGETS.matchRate.above,
    },
    duplicateRate: {
      value: duplicateRate,
      duplicates: duplicates.duplicates,
      contacts: duplicates.contacts,
      groups: duplicates.groups,
      examples: duplicates.examples,
      target: QUALITY_TARGETS.duplicateRate.text,
      met: duplicateMet(duplicateRate),
      byMonth: duplicates.byMonth.map((m) => {
        const value = ratio(m.duplicates, m.contacts)
        return { month: m.month, value, duplicates: m.duplicates, contacts: m.contacts, met: duplicateMet(value) }
      }),
      definition: duplicateDefinition(maxPhoneGroup),
      crowdedPhones: duplicates.crowdedPhones,
    },
    eventLatency: {
      samples: latency.samples,
      p50Ms: latency.percentiles[50] ?? null,
      p90Ms: latency.percentiles[90] ?? null,
      p95Ms: latency.percentiles[95] ?? null,
      p99Ms: p99,
      target: QUALITY_TARGETS.latencyP99Ms.text,
      met: p99 === null ? null : p99 < QUALITY_TARGETS.latencyP99Ms.below,
    },
  }
}
