import { describe, expect, it } from 'vitest'
import { OBJECT_TYPES, type CustomEventRecord, type HubSpotObjectType, type HubSpotRecord, type WriteLane } from '../../../src/hubspot/records'
import { MemoryWriterStore } from '../../../src/hubspot/sync/memory-store'
import { SqlWriterStore } from '../../../src/hubspot/sync/sql-store'
import type { PendingAssociation, WriterStore } from '../../../src/hubspot/sync/store'
import { inWriterStorage } from '../support'

/**
 * The writer's two stores are one store: production's (SqlWriterStore, the Durable Object's SQLite) and the
 * benchmark's (MemoryWriterStore) are driven through the same seeded sequences of every WriterStore method, and
 * after each step every query method must answer the same on both. The engine's own tests run on the SQL one
 * (./support.ts); the contract cases below pin the semantics both share.
 */

/** Runs `body` on a fresh store of each kind. */
const STORES: [string, (body: (store: WriterStore) => void) => Promise<void>][] = [
  ['MemoryWriterStore', async (body) => body(new MemoryWriterStore())],
  ['SqlWriterStore', (body) => inWriterStorage((sql) => body(new SqlWriterStore(sql)))],
]

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!
  return { int, pick, chance: (p: number) => next() < p }
}

const KEYS: Record<HubSpotObjectType, string[]> = {
  contacts: ['ada@example.com', 'bob@example.com', 'cy@example.com', 'di@example.com'],
  products: ['p1', 'p2'],
  orders: ['1', '2', '3'],
  line_items: ['10', '11'],
  carts: ['c1', 'c2'],
  tasks: ['t1'],
  companies: ['co1'],
}
const TYPES: HubSpotObjectType[] = ['contacts', 'products', 'orders', 'line_items', 'carts']
const LANES: WriteLane[] = ['live', 'bulk']
const EVENT_KEYS = ['ada@example.com|order_placed|1', 'ada@example.com|cart_abandoned|c1', 'bob@example.com|order_placed|2', 'cy@example.com|order_placed|3']

type Rng = ReturnType<typeof random>
type Step = { name: string; run: (store: WriterStore) => unknown }

/** One random step, the same call for both stores (drawn from what `model`, the memory store, holds now). */
function nextStep(rng: Rng, model: WriterStore, now: number): Step {
  const type = rng.pick(TYPES)
  const key = rng.pick(KEYS[type])
  const contactKey = rng.pick(KEYS.contacts)
  switch (rng.int(17)) {
    case 0:
    case 1:
    case 2: {
      const records: HubSpotRecord[] = Array.from({ length: 1 + rng.int(3) }, () => {
        const t = rng.pick(TYPES)
        const k = rng.pick(KEYS[t])
        const record: HubSpotRecord = {
          objectType: t,
          // Contact keys as callers send them at times: cased and padded.
          key: t === 'contacts' && rng.chance(0.2) ? ` ${k.toUpperCase()} ` : k,
          properties: rng.chance(0.7) ? { [`p${rng.int(3)}`]: rng.int(4), ...(rng.chance(0.3) ? { q: null } : {}) } : {},
        }
        if (rng.chance(0.5)) {
          record.triggers = Array.from({ length: 1 + rng.int(2) }, () => {
            const property = rng.pick(['bc_t1', 'bc_t2'])
            return { property, properties: { [property]: `v${rng.int(3)}`, ...(rng.chance(0.3) ? { bc_extra: rng.int(2) } : {}) } }
          })
        }
        if (rng.chance(0.4)) {
          const to = rng.pick(TYPES)
          record.associations = [{ toObjectType: to, toKey: rng.pick(KEYS[to]) }]
        }
        return record
      })
      const lane = rng.pick(LANES)
      return { name: `enqueue ${JSON.stringify(records)} ${lane}`, run: (s) => s.enqueue(records, now, lane) }
    }
    case 3: {
      // What the engine does after a call HubSpot accepted: rows as each store reads them (trigger seqs are its
      // own), sometimes read before a later change, with some of their trigger writes.
      const lane = rng.pick(LANES)
      const picks = Array.from({ length: 5 }, () => ({ stale: rng.chance(0.2), triggers: rng.chance(0.8) ? 1 + rng.int(2) : 0 }))
      const rows = (s: WriterStore) =>
        s.due(type, now, 5, lane).map((r, i) => ({
          key: r.key,
          version: picks[i]!.stale ? r.version - 1 : r.version,
          ...(picks[i]!.triggers ? { triggers: r.triggers.slice(0, picks[i]!.triggers) } : {}),
        }))
      return { name: `complete ${type} ${lane} ${JSON.stringify(picks)}`, run: (s) => s.complete(type, rows(s), now) }
    }
    case 4: {
      const attempts = rng.int(4)
      const at = now + rng.int(3) * 1000
      return { name: `retryLater ${type}:${key} ${attempts} ${at}`, run: (s) => s.retryLater(type, key, attempts, at, `error ${attempts}`) }
    }
    case 5: {
      const version = 1 + rng.int(4)
      return { name: `remove ${type}:${key} v${version}`, run: (s) => s.remove(type, key, version) }
    }
    case 6: {
      const ids = Array.from({ length: 1 + rng.int(2) }, () => ({ key: rng.pick(KEYS[type]), id: `${type}-${rng.int(5)}`, updateById: rng.chance(0.3) }))
      return { name: `saveIds ${type} ${JSON.stringify(ids)}`, run: (s) => s.saveIds(type, ids) }
    }
    case 7:
      return { name: `forgetId ${type}:${key}`, run: (s) => s.forgetId(type, key) }
    case 8: {
      const list = model.associationsInvolving(type, key).filter(() => rng.chance(0.6))
      const attempts = 1 + rng.int(3)
      const at = now + rng.int(3) * 1000
      return rng.chance(0.5)
        ? { name: `deleteAssociations ${JSON.stringify(list)}`, run: (s) => s.deleteAssociations(list) }
        : { name: `retryAssociationsLater ${JSON.stringify(list)} ${attempts} ${at}`, run: (s) => s.retryAssociationsLater(list, attempts, at) }
    }
    case 9: {
      const events: CustomEventRecord[] = Array.from({ length: 1 + rng.int(2) }, () => {
        const k = rng.pick(EVENT_KEYS)
        return { key: k, name: 'bc_order_placed', email: k.split('|')[0]!, occurredAt: new Date(now).toISOString(), properties: { n: String(rng.int(3)) } }
      })
      return { name: `enqueueEvents ${JSON.stringify(events)}`, run: (s) => s.enqueueEvents(events, now) }
    }
    case 10: {
      const k = rng.pick(EVENT_KEYS)
      const attempts = rng.int(3)
      const at = now + rng.int(3) * 1000
      return rng.pick<Step>([
        { name: `eventSent ${k}`, run: (s) => s.eventSent(k, now) },
        { name: `retryEventLater ${k}`, run: (s) => s.retryEventLater(k, attempts, at) },
        { name: `dropEvent ${k}`, run: (s) => s.dropEvent(k) },
      ])
    }
    case 11: {
      const before = now - rng.int(4) * 1000
      return rng.chance(0.5)
        ? { name: `forgetWrittenTriggers ${before}`, run: (s) => s.forgetWrittenTriggers(before) }
        : { name: `forgetSentEvents ${before}`, run: (s) => s.forgetSentEvents(before) }
    }
    case 12:
    case 13: {
      const to = rng.pick(KEYS.contacts)
      return { name: `redirectContact ${contactKey} → ${to}`, run: (s) => s.redirectContact(contactKey, to) }
    }
    case 14: {
      const primary = rng.pick(KEYS.contacts)
      return { name: `enqueueMerge ${primary} ← ${contactKey}`, run: (s) => s.enqueueMerge(primary, contactKey, now) }
    }
    case 15: {
      const attempts = 1 + rng.int(3)
      const at = now + rng.int(3) * 1000
      return rng.chance(0.5)
        ? { name: `retryMergeLater ${contactKey}`, run: (s) => s.retryMergeLater(contactKey, attempts, at, 'refused') }
        : { name: `mergeSettled ${contactKey}`, run: (s) => s.mergeSettled(contactKey) }
    }
    default: {
      const ids = [`${type}-${rng.int(5)}`, `${type}-${rng.int(5)}`]
      const id = `${type}-${rng.int(5)}`
      return rng.chance(0.7)
        ? { name: `repointIds ${type} ${ids} → ${id}`, run: (s) => s.repointIds(type, ids, id) }
        : { name: `setValue x ${id}`, run: (s) => s.setValue('x', { id }) }
    }
  }
}

const byText = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort()
const sortedEntries = <V>(map: Map<string, V>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
const canonical = (list: PendingAssociation[]) => byText(list)

/** Due rows without their trigger writes' seqs: each store numbers its queue its own way (complete() takes them back). */
const due = (store: WriterStore, type: HubSpotObjectType, now: number, limit: number, lane?: WriteLane) =>
  store.due(type, now, limit, lane).map((r) => ({ ...r, triggers: r.triggers.map(({ seq: _seq, ...t }) => t) }))

/** Everything a store answers about what it holds, as of `now`. Associations in no particular order (the interface promises none). */
function observe(store: WriterStore, now: number) {
  const later = now + 10_000
  return {
    due: TYPES.flatMap((t) => LANES.map((lane) => due(store, t, later, 100, lane))),
    dueNow: TYPES.map((t) => due(store, t, now, 2)),
    hasDue: LANES.map((lane) => [store.hasDue(TYPES, now, lane), store.hasDue(['orders'], now, lane), store.hasDue([], now, lane)]),
    nextDueAt: [store.nextDueAt(OBJECT_TYPES), store.nextDueAt(['contacts']), store.nextDueAt([])],
    pendingCounts: store.pendingCounts(),
    laneCounts: store.laneCounts(),
    queuedTriggerCount: store.queuedTriggerCount(),
    queuedTriggers: TYPES.flatMap((t) => KEYS[t].map((k) => store.queuedTriggers(t, k))),
    knownIds: TYPES.map((t) => sortedEntries(store.knownIds(t, KEYS[t]))),
    ready: TYPES.flatMap((from) => TYPES.map((to) => canonical(store.readyAssociations(from, to, later, 1000)))),
    readyCount: TYPES.flatMap((from) => TYPES.map((to) => store.readyAssociations(from, to, later, 1).length)),
    associationsOf: TYPES.flatMap((from) => TYPES.map((to) => canonical(store.associationsOf(from, KEYS[from], to)))),
    involving: TYPES.flatMap((t) => KEYS[t].map((k) => canonical(store.associationsInvolving(t, k)))),
    associationCount: store.associationCount(),
    nextAssociationAt: store.nextAssociationAt(),
    dueEvents: store.dueEvents(later, 100),
    dueEventsNow: store.dueEvents(now, 2),
    pendingEventCount: store.pendingEventCount(),
    nextEventAt: store.nextEventAt(),
    redirects: sortedEntries(store.contactRedirects(KEYS.contacts)),
    dueMerges: store.dueMerges(later, 100),
    dueMergesNow: store.dueMerges(now, 2),
    pendingMergeCount: store.pendingMergeCount(),
    nextMergeAt: store.nextMergeAt(),
    value: store.getValue('x') ?? null,
  }
}

describe('MemoryWriterStore and SqlWriterStore', () => {
  it('answer every query the same after each step of 12 seeded random sequences of every store method', async () => {
    await inWriterStorage((sql) => {
      for (let seed = 1; seed <= 12; seed++) {
        for (const table of ['pending', 'pending_triggers', 'written_triggers', 'pending_associations', 'object_ids', 'writer_values', 'pending_events', 'sent_events', 'contact_redirects', 'pending_merges']) {
          sql.exec(`DELETE FROM ${table}`)
        }
        const memory = new MemoryWriterStore()
        const production = new SqlWriterStore(sql)
        const rng = random(seed)
        let now = Date.UTC(2026, 10, 2)
        const log: string[] = []
        for (let i = 0; i < 60; i++) {
          if (rng.chance(0.3)) now += rng.int(3) * 1000
          const step = nextStep(rng, memory, now)
          log.push(step.name)
          const context = `seed ${seed}, step ${i}:\n${log.slice(-6).join('\n')}`
          expect(step.run(production), context).toEqual(step.run(memory))
          expect(observe(production, now), context).toEqual(observe(memory, now))
        }
      }
    })
  }, 60_000) // 720 steps, each comparing some 150 queries on both stores
})

describe.each(STORES)('the writer store contract: %s', (_name, onStore) => {
  const now = Date.UTC(2026, 10, 2)
  const contact = (key: string, properties: HubSpotRecord['properties'] = {}, triggers?: HubSpotRecord['triggers']): HubSpotRecord => ({
    objectType: 'contacts',
    key,
    properties,
    ...(triggers ? { triggers } : {}),
  })
  const fired = (value: string) => ({ property: 'bc_order_placed_at', properties: { bc_order_placed_at: value } })

  it('coalesces state by normalized key, bumps the version, and moves a bulk row to the live lane', () =>
    onStore((store) => {
      store.enqueue([contact('Ada@Example.com ', { firstname: 'Ada', lastname: 'L' })], now, 'bulk')
      store.enqueue([contact('ada@example.com', { lastname: 'Lovelace' })], now + 5, 'live')
      expect(store.due('contacts', now, 10, 'bulk')).toEqual([])
      expect(store.due('contacts', now + 5, 10, 'live')).toEqual([
        {
          objectType: 'contacts',
          key: 'ada@example.com',
          properties: { firstname: 'Ada', lastname: 'Lovelace' },
          triggers: [],
          lane: 'live',
          version: 2,
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
        },
      ])
      expect(store.laneCounts()).toEqual({ live: 1, bulk: 0 })
    }))

  it('queues trigger writes behind each other, ignores a replay, and keeps a row until its last trigger is written', () =>
    onStore((store) => {
      store.enqueue([contact('ada@example.com', { firstname: 'Ada' }, [fired('2026-11-01'), fired('2026-11-02')])], now)
      store.enqueue([contact('ada@example.com', {}, [fired('2026-11-01')])], now)
      expect(store.queuedTriggerCount()).toBe(2)
      const [row] = store.due('contacts', now, 10)
      expect(row!.triggers.map((t) => t.properties)).toEqual([{ bc_order_placed_at: '2026-11-01' }])
      store.complete('contacts', [{ key: row!.key, version: row!.version, triggers: row!.triggers }], now + 1)
      const [next] = store.due('contacts', now + 1, 10)
      expect(next).toMatchObject({ properties: {}, attempts: 0, nextAttemptAt: now + 1 })
      expect(next!.triggers.map((t) => t.properties)).toEqual([{ bc_order_placed_at: '2026-11-02' }])
      // Written already: a replay queues nothing, until the written value is forgotten past the horizon.
      store.enqueue([contact('ada@example.com', {}, [fired('2026-11-01')])], now + 2)
      expect(store.queuedTriggers('contacts', 'ada@example.com')).toEqual([fired('2026-11-02')])
      store.forgetWrittenTriggers(now + 2)
      store.enqueue([contact('ada@example.com', {}, [fired('2026-11-01')])], now + 2)
      expect(store.queuedTriggers('contacts', 'ada@example.com')).toEqual([fired('2026-11-02'), fired('2026-11-01')])
    }))

  it('keeps a row that changed since it was read, and removes only the version read', () =>
    onStore((store) => {
      store.enqueue([contact('ada@example.com', { firstname: 'Ada' })], now)
      const [read] = store.due('contacts', now, 10)
      store.enqueue([contact('ada@example.com', { firstname: 'Ada B' })], now)
      store.complete('contacts', [{ key: read!.key, version: read!.version }], now)
      expect(store.pendingCounts().contacts).toBe(1)
      expect(store.remove('contacts', 'ada@example.com', read!.version)).toBe(false)
      expect(store.remove('contacts', 'ada@example.com', read!.version + 1)).toBe(true)
      expect(store.pendingCounts().contacts).toBe(0)
    }))

  it('returns due rows oldest first, within the limit, and the earliest retry time', () =>
    onStore((store) => {
      store.enqueue(['1', '2', '3'].map((key) => ({ objectType: 'orders', key, properties: { n: key } })), now)
      store.retryLater('orders', '1', 1, now + 4_000, 'HTTP 500')
      expect(store.due('orders', now, 1).map((r) => r.key)).toEqual(['2'])
      expect(store.due('orders', now + 4_000, 5).map((r) => r.key)).toEqual(['1', '2', '3'])
      expect(store.due('orders', now + 4_000, 5)[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 500' })
      expect(store.nextDueAt(['orders'])).toBe(now)
      expect(store.hasDue(['orders'], now, 'bulk')).toBe(false)
    }))

  it('holds an association until both ends have ids, and repoints ids of merged records', () =>
    onStore((store) => {
      store.enqueue([{ objectType: 'orders', key: '5', properties: { n: 1 }, associations: [{ toObjectType: 'contacts', toKey: 'Ada@example.com' }] }], now)
      expect(store.associationsInvolving('contacts', 'ada@example.com')).toEqual([
        { fromType: 'contacts', fromKey: 'ada@example.com', toType: 'orders', toKey: '5', createdAt: now, attempts: 0, nextAttemptAt: now },
      ])
      store.saveIds('orders', [{ key: '5', id: '105' }])
      expect(store.nextAssociationAt()).toBeNull()
      store.saveIds('contacts', [{ key: 'ada@example.com', id: '201' }, { key: 'bob@example.com', id: '202', updateById: true }])
      expect(store.readyAssociations('contacts', 'orders', now, 10)).toMatchObject([{ fromId: '201', toId: '105' }])
      store.repointIds('contacts', ['201', '202'], '300')
      expect(sortedEntries(store.knownIds('contacts', ['ada@example.com', 'bob@example.com', 'cy@example.com']))).toEqual([
        ['ada@example.com', { id: '300', updateById: false }],
        ['bob@example.com', { id: '300', updateById: true }],
      ])
    }))

  it('sends a custom event once per key, oldest first, and forgets sent keys past the horizon', () =>
    onStore((store) => {
      const event = (key: string): CustomEventRecord => ({ key, name: 'bc_order_placed', email: 'ada@example.com', occurredAt: '2026-11-02T00:00:00.000Z', properties: {} })
      store.enqueueEvents([event('b'), event('a')], now)
      store.enqueueEvents([event('c')], now - 1)
      expect(store.dueEvents(now, 10).map((e) => e.event.key)).toEqual(['c', 'a', 'b'])
      store.eventSent('c', now)
      store.enqueueEvents([event('c')], now + 1)
      expect(store.pendingEventCount()).toBe(2)
      store.forgetSentEvents(now + 1)
      store.enqueueEvents([event('c')], now + 1)
      expect(store.pendingEventCount()).toBe(3)
    }))

  it('redirects a merged contact: its triggers move to the survivor, its state is dropped, chains follow, the survivor is never redirected', () =>
    onStore((store) => {
      store.enqueue([contact('bob@example.com', { firstname: 'Bob' }, [fired('2026-11-01')])], now)
      store.enqueueMerge('bob@example.com', 'cy@example.com', now)
      store.redirectContact('bob@example.com', 'ada@example.com')
      expect(store.pendingCounts().contacts).toBe(1)
      expect(store.due('contacts', now, 10)).toMatchObject([{ key: 'ada@example.com', properties: {}, lane: 'live', nextAttemptAt: 0 }])
      expect(store.queuedTriggers('contacts', 'ada@example.com')).toEqual([fired('2026-11-01')])
      expect(store.dueMerges(now, 10)).toMatchObject([{ primaryKey: 'ada@example.com', absorbedKey: 'cy@example.com' }])
      // ada is absorbed into di: bob follows to di.
      store.redirectContact('ada@example.com', 'di@example.com')
      expect(sortedEntries(store.contactRedirects(['ada@example.com', 'bob@example.com']))).toEqual([
        ['ada@example.com', 'di@example.com'],
        ['bob@example.com', 'di@example.com'],
      ])
      // The person's survivor changes back to ada: ada's own redirect ends (else her writes would go to di).
      store.redirectContact('cy@example.com', 'ada@example.com')
      expect(store.contactRedirects(['ada@example.com']).size).toBe(0)
    }))
})
