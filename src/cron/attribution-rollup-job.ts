import { hubspotWriter } from '../durable/stubs'
import { requireConfig } from '../config'
import { deleteChangesThrough, emailsAffectedBy, readChanges } from '../db/attribution-changes'
import {
  contactTouchesRow,
  orderAttributionRow,
  recordRollupRun,
  saveAttribution,
  storedContactTouches,
  storedOrderAttribution,
  type ContactTouchesRow,
  type OrderAttributionRow,
} from '../db/attribution-results'
import { Meter } from '../db/metered-queries'
import { contactHistory } from '../db/touches'
import { creditContact } from '../domain/attribution'
import type { Env } from '../env'
import { contactTouchRecord, orderAttributionRecord } from '../hubspot/mapping/attribution-records'
import type { HubSpotRecord } from '../hubspot/records'
import type { CronJob } from './cron-job'

/**
 * The attribution rollup, a stream processor: it reads the change stream (attribution_changes, appended by
 * triggers on touches, identities, orders, carts and customer emails), recomputes only the contacts those
 * changes can affect, enqueues to HubSpot only the values that changed, and deletes what it processed.
 * Repeating a run, or crashing half-way, re-does work without changing its result.
 */
export interface RollupOptions {
  lookbackMs: number
  now: number
  /** Changes read per step. */
  batchSize?: number
  /** Contacts recomputed per query round. */
  contactsPerRound?: number
  /** Stop starting new steps after this long; the rest waits for the next run. */
  timeBudgetMs?: number
}

export interface RollupStats {
  changes: number
  contacts: number
  orders: number
  contactRecords: number
  orderRecords: number
  rowsRead: number
  rowsWritten: number
  queries: number
  ms: number
  /** Changes were left for the next run (the time budget ran out). */
  backlog: boolean
}

export interface RecordSink {
  enqueue(records: HubSpotRecord[]): Promise<void>
}

export async function runAttributionRollup(db: D1Database, writer: RecordSink, options: RollupOptions): Promise<RollupStats> {
  const started = Date.now()
  const meter = new Meter()
  const batchSize = options.batchSize ?? 10_000
  const perRound = options.contactsPerRound ?? 250
  const stats: RollupStats = {
    changes: 0,
    contacts: 0,
    orders: 0,
    contactRecords: 0,
    orderRecords: 0,
    rowsRead: 0,
    rowsWritten: 0,
    queries: 0,
    ms: 0,
    backlog: false,
  }
  for (;;) {
    if (Date.now() - started > (options.timeBudgetMs ?? 20_000)) {
      stats.backlog = true
      break
    }
    const changes = await readChanges(db, batchSize, meter)
    if (changes.length === 0) break
    stats.changes += changes.length
    const emails = await emailsAffectedBy(db, changes, meter)
    for (let i = 0; i < emails.length; i += perRound) {
      const round = await rollUpContacts(db, emails.slice(i, i + perRound), options, meter)
      if (round.records.length > 0) await writer.enqueue(round.records)
      await saveAttribution(db, round.contactRows, round.orderRows, options.now, meter)
      stats.contacts += round.contacts
      stats.orders += round.orders
      stats.contactRecords += round.records.filter((r) => r.objectType === 'contacts').length
      stats.orderRecords += round.records.filter((r) => r.objectType === 'orders').length
    }
    await deleteChangesThrough(db, changes.at(-1)!.seq, meter)
    if (changes.length < batchSize) break
  }
  return { ...stats, rowsRead: meter.rowsRead, rowsWritten: meter.rowsWritten, queries: meter.queries, ms: Date.now() - started }
}

async function rollUpContacts(db: D1Database, emails: string[], options: RollupOptions, meter: Meter) {
  const history = await contactHistory(db, emails, meter)
  const orderIds = [...history.orders.values()].flat().map((o) => o.orderId)
  const [storedContacts, storedOrders] = await Promise.all([
    storedContactTouches(db, emails, meter),
    storedOrderAttribution(db, orderIds, meter),
  ])
  const records: HubSpotRecord[] = []
  const contactRows: ContactTouchesRow[] = []
  const orderRows: OrderAttributionRow[] = []
  for (const email of emails) {
    const credit = creditContact(history.touches.get(email) ?? [], history.orders.get(email) ?? [], options.lookbackMs)
    const row = contactTouchesRow(email, credit.contact)
    const before = storedContacts.get(email)
    // A contact never seen has nothing to write; one whose touches went away gets its properties cleared.
    if (before ? !sameValues(before, row, CONTACT_FIELDS) : row.first_channel !== null) {
      records.push(contactTouchRecord(email, credit.contact.first, credit.contact.last))
    }
    if (!before || !sameValues(before, row, [...CONTACT_FIELDS, 'first_touch_id', 'last_touch_id'])) contactRows.push(row)
    for (const order of credit.orders) {
      const orderRow = orderAttributionRow(email, order)
      const stored = storedOrders.get(order.orderId)
      if (!stored || !sameValues(stored, orderRow, ORDER_HUBSPOT_FIELDS)) {
        records.push(orderAttributionRecord(order.orderId, order.attributed))
      }
      if (!stored || !sameValues(stored, orderRow, ORDER_FIELDS)) orderRows.push(orderRow)
    }
  }
  return { records, contactRows, orderRows, contacts: emails.length, orders: orderIds.length }
}

const CONTACT_FIELDS = ['first', 'last'].flatMap((w) =>
  ['channel', 'source', 'medium', 'campaign', 'at'].map((f) => `${w}_${f}`),
) as (keyof ContactTouchesRow)[]
const ORDER_HUBSPOT_FIELDS: (keyof OrderAttributionRow)[] = ['channel', 'source', 'medium', 'campaign']
const ORDER_FIELDS = [
  ...ORDER_HUBSPOT_FIELDS,
  'email',
  'touch_id',
  'touch_at',
  'last_touch_id',
  ...['first', 'last'].flatMap((w) => ['channel', 'source', 'medium', 'campaign'].map((f) => `${w}_${f}`)),
] as (keyof OrderAttributionRow)[]

function sameValues<T extends object>(a: T, b: T, fields: (keyof T)[]): boolean {
  return fields.every((f) => (a[f] ?? null) === (b[f] ?? null))
}

export const attributionRollup: CronJob = {
  name: 'attribution-rollup',
  crons: ['*/15 * * * *'],
  async run(env: Env, now: Date) {
    const config = requireConfig(env)
    const stats = await runAttributionRollup(env.DB, hubspotWriter(env), {
      lookbackMs: config.ATTRIBUTION_LOOKBACK.ms,
      now: now.getTime(),
    })
    await recordRollupRun(env.DB, { at: now.toISOString(), ...stats }, now.getTime())
  },
}
