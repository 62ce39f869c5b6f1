import {
  type BatchErrorBody,
  type BatchResult,
  type HubSpotError,
  inputRefsOf,
  propertyErrorsOf,
} from '../hubspot-client'
import { prepareProperties, propertyDefinition } from '../properties'
import { ID_PROPERTY, type HubSpotObjectType, type HubSpotRecord, type PropertyValue, type WriteLane } from '../records'
import type { SetupResult } from '../setup'
import type { WriterContext } from './writer-context'
import { STORE_KEYS } from './options'
import { recordKey, type PendingAssociation, type PendingRecord } from './store'

/**
 * Objects written once: a record HubSpot already has (its id is known) is not written again, so a replay
 * never reopens a task someone completed. The unique key still makes a replay before that an upsert.
 */
const CREATE_ONCE: ReadonlySet<HubSpotObjectType> = new Set(['tasks'])

interface Item {
  row: PendingRecord
  properties: Record<string, string>
  /** Line item → product links sent inline as hs_product_id. */
  inlined: PendingAssociation[]
}

/** What the engine shares with its record writes beyond the writer's context. */
export interface RecordWriteHooks {
  /** Object types paused after 401/403, until when. */
  typeBackoff: Map<HubSpotObjectType, number>
  /** One of our properties vanished or a key lost its uniqueness: setup must run again. */
  onSetupStale(): void
}

/**
 * Record writes: pending rows of one lane, type by type, upserted 100 per call by their unique property (or
 * updated by id after a 409), each carrying its state and at most one value of each trigger property. Rows
 * leave pending only once HubSpot accepted them, and only if they did not change meanwhile; a refused batch
 * is narrowed down to the records at fault, which alone take an attempt (and the dead letters at the end).
 */
export class RecordWrites {
  constructor(
    private readonly ctx: WriterContext,
    private readonly hooks: RecordWriteHooks,
  ) {}

  /**
   * Writes the rows of `lane` due when each type's turn comes, type by type in `types` order (a type with a
   * backlog of full batches keeps its turn until it is through); true when any call went out. A bulk pass
   * gives way as soon as live work is due (`yieldTo`), so live records never wait behind history.
   */
  async writeLane(lane: WriteLane, types: readonly HubSpotObjectType[], yieldTo?: WriteLane): Promise<boolean> {
    let wrote = false
    for (const type of types) {
      let passes = 0
      while (!this.ctx.control.stop) {
        if (yieldTo && this.ctx.store.hasDue(types, this.ctx.clock.now(), yieldTo)) return wrote
        const pass = this.ctx.options.batchSize * this.ctx.options.concurrency
        const rows = this.ctx.store.due(type, this.ctx.clock.now(), pass, lane)
        if (!rows.length) break
        // A safety net: rows that neither leave nor wait must not spin a flush forever.
        if (++passes > 10_000) break
        const batches: PendingRecord[][] = []
        for (let i = 0; i < rows.length; i += this.ctx.options.batchSize) batches.push(rows.slice(i, i + this.ctx.options.batchSize))
        await Promise.all(batches.map((batch) => this.writeBatch(type, batch)))
        wrote = true
        if ((this.hooks.typeBackoff.get(type) ?? 0) > this.ctx.clock.now()) break
        this.ctx.control.checkDeadline()
        // What was due is written. Rows that arrived meanwhile wait for the next round, after the other types:
        // under a steady stream one type would otherwise take every call, a record or two at a time.
        if (rows.length < pass) break
      }
      if (this.ctx.control.stop) break
    }
    return wrote
  }

  private async writeBatch(type: HubSpotObjectType, rows: PendingRecord[]): Promise<void> {
    let items = this.prepare(type, rows)
    const known = this.ctx.store.knownIds(type, rows.map((r) => r.key))
    if (CREATE_ONCE.has(type)) {
      const existing = items.filter((i) => known.has(i.row.key))
      this.ctx.store.complete(type, existing.map((i) => ({ key: i.row.key, version: i.row.version })), this.ctx.clock.now())
      items = items.filter((i) => !known.has(i.row.key))
    }
    const byId = items.filter((i) => known.get(i.row.key)?.updateById)
    const upserts = items.filter((i) => !known.get(i.row.key)?.updateById)
    await this.upsert(type, upserts)
    await this.updateById(type, byId.map((item) => ({ item, id: known.get(item.row.key)!.id })))
  }

  /** The properties to send: the registry and the portal decide; line items get hs_product_id inline. */
  prepare(type: HubSpotObjectType, rows: PendingRecord[]): Item[] {
    const available = this.availableProperties(type)
    let links = new Map<string, { association: PendingAssociation; productId: string }>()
    if (type === 'line_items' && available?.has('hs_product_id') !== false) {
      const associations = this.ctx.store.associationsOf('line_items', rows.map((r) => r.key), 'products')
      const productIds = this.ctx.store.knownIds('products', associations.map((a) => a.toKey))
      links = new Map(
        associations
          .filter((a) => productIds.has(a.toKey))
          .map((a) => [a.fromKey, { association: a, productId: productIds.get(a.toKey)!.id }]),
      )
    }
    return rows.map((row) => {
      const link = links.get(row.key)
      // One value of each trigger property per call: the oldest queued one, with its companions.
      const triggers = Object.assign({}, ...row.triggers.map((t) => t.properties)) as Record<string, PropertyValue>
      const wanted = { ...row.properties, ...triggers, [ID_PROPERTY[type]]: row.key, ...(link ? { hs_product_id: link.productId } : {}) }
      const { properties, problems } = prepareProperties(type, wanted, available)
      for (const p of problems) {
        if (p.reason !== 'unavailable') this.ctx.stats.droppedProperties[`${type}.${p.name}`] = p.reason === 'unknown' ? 'not in the property registry' : 'invalid value'
      }
      return { row, properties, inlined: link ? [link.association] : [] }
    })
  }

  availableProperties(type: HubSpotObjectType): Set<string> | undefined {
    const setup = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
    if (!setup?.available[type]) return undefined
    const unavailable = this.ctx.store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(STORE_KEYS.unavailable)?.[type] ?? []
    const available = new Set(setup.available[type])
    for (const name of unavailable) available.delete(name)
    return available
  }

  private async upsert(type: HubSpotObjectType, items: Item[]): Promise<void> {
    if (!items.length || this.ctx.control.stop) return
    const idProperty = ID_PROPERTY[type]
    const res = await this.ctx.control.send(() =>
      this.ctx.client.batchUpsert(
        type,
        idProperty,
        items.map((i) => ({ id: i.row.key, properties: i.properties, objectWriteTraceId: traceId(i) })),
      ),
    )
    if (!res) return
    if (res.ok) {
      const ids = matchUpsertResults(items, res.data)
      await this.accepted(type, items.filter((i) => ids.has(i.row.key)), ids)
      const failed = items.filter((i) => !ids.has(i.row.key))
      if (failed.length) await this.inputErrors(type, failed, res.data.errors ?? [], (rest) => this.upsert(type, rest))
      return
    }
    await this.batchFailed(type, items, res.error, (rest) => this.upsert(type, rest))
  }

  /** Records a 409 resolved to an existing HubSpot id are written by that id. */
  private async updateById(type: HubSpotObjectType, entries: { item: Item; id: string }[]): Promise<void> {
    if (!entries.length || this.ctx.control.stop) return
    const res = await this.ctx.control.send(() =>
      this.ctx.client.batchUpdate(type, entries.map((e) => ({ id: e.id, properties: withoutKey(type, e.item.properties) }))),
    )
    if (!res) return
    const items = entries.map((e) => e.item)
    if (res.ok) {
      const returned = new Set((res.data.results ?? []).map((r) => r.id))
      const ids = new Map(entries.filter((e) => returned.has(e.id) || res.status === 200).map((e) => [e.item.row.key, e.id]))
      await this.accepted(type, items.filter((i) => ids.has(i.row.key)), ids, true)
      const failed = items.filter((i) => !ids.has(i.row.key))
      for (const item of failed) this.ctx.store.forgetId(type, item.row.key)
      if (failed.length) await this.inputErrors(type, failed, res.data.errors ?? [], async () => {})
      return
    }
    if (res.error.kind === 'not_found') {
      // The record was deleted or merged away in HubSpot: upsert it afresh by its key.
      for (const item of items) this.ctx.store.forgetId(type, item.row.key)
      return
    }
    await this.batchFailed(type, items, res.error, (rest) =>
      this.updateById(type, rest.map((item) => entries.find((e) => e.item === item)!)),
    )
  }

  private async accepted(type: HubSpotObjectType, items: Item[], ids: Map<string, string>, byId = false): Promise<void> {
    if (!items.length) return
    const now = this.ctx.clock.now()
    this.ctx.store.saveIds(type, items.map((i) => ({ key: i.row.key, id: ids.get(i.row.key)!, updateById: byId })))
    this.ctx.store.complete(type, items.map((i) => ({ key: i.row.key, version: i.row.version, triggers: i.row.triggers })), now)
    this.ctx.store.deleteAssociations(items.flatMap((i) => i.inlined))
    this.ctx.stats.written[type] += items.length
    this.ctx.stats.triggersWritten += items.reduce((n, i) => n + i.row.triggers.length, 0)
    this.ctx.control.wrote()
    if (type === 'orders') {
      try {
        await this.ctx.sink.ordersSynced(items.map((i) => i.row.key), now)
      } catch (err) {
        console.error('hubspot writer: could not record synced orders:', err instanceof Error ? err.message : String(err))
      }
    }
  }

  /** Per-input errors of a 207: drop properties the account lacks and retry, else count an attempt. */
  private async inputErrors(
    type: HubSpotObjectType,
    failed: Item[],
    errors: BatchErrorBody[],
    retry: (items: Item[]) => Promise<void>,
  ): Promise<void> {
    const again: Item[] = []
    const without: Item[] = []
    for (const item of failed) {
      const error =
        errors.find((e) => inputRefsOf(e).some((ref) => ref === traceId(item) || recordKey(type, ref) === item.row.key)) ??
        (errors.length === 1 && failed.length === 1 ? errors[0] : undefined)
      const propertyErrors = error ? propertyErrorsOf(error) : []
      const missing = this.lackingHubSpotProperties(type, propertyErrors)
      const refused = this.withoutRefusedOptions(type, item, propertyErrors)
      if (missing.length) {
        this.markUnavailable(type, missing)
        again.push(item)
      } else if (refused) {
        without.push(refused)
      } else {
        await this.recordFailed(type, item, error?.message ?? 'HubSpot did not accept this record')
      }
    }
    if (again.length) await retry(this.prepare(type, again.map((i) => i.row)))
    if (without.length) await retry(without)
  }

  /**
   * A value HubSpot refused as INVALID_OPTION on one of its own properties (an enumeration limited to the
   * portal's options, such as `hs_currency_code`): the record goes again without that value, counted, rather
   * than failing whole. Null when the refusal is not of that kind (or names one of our properties).
   */
  private withoutRefusedOptions(type: HubSpotObjectType, item: Item, errors: { name: string; code?: string }[]): Item | null {
    const names = errors
      .filter((p) => p.code === 'INVALID_OPTION' && p.name in item.properties)
      .map((p) => p.name)
    if (!names.length || names.some((name) => propertyDefinition(type, name)?.custom !== false)) return null
    const properties = { ...item.properties }
    for (const name of names) {
      delete properties[name]
      const key = `${type}.${name}`
      this.ctx.stats.invalidOptionsDropped[key] = (this.ctx.stats.invalidOptionsDropped[key] ?? 0) + 1
    }
    return { ...item, properties }
  }

  /** A whole batch refused: find the records at fault (by the error, else by halving), fail only those. */
  private async batchFailed(
    type: HubSpotObjectType,
    items: Item[],
    error: HubSpotError,
    retry: (items: Item[]) => Promise<void>,
  ): Promise<void> {
    if (error.kind === 'rate_limit' || error.retryable) return // the budget or backoff already acted
    if (error.kind === 'auth') {
      this.hooks.typeBackoff.set(type, this.ctx.clock.now() + this.ctx.options.authBackoffMs)
      this.ctx.control.pausedBy('auth', error.status, error.message)
      return
    }
    const missing = this.lackingHubSpotProperties(type, error.propertyErrors)
    if (missing.length) {
      this.markUnavailable(type, missing)
      return retry(this.prepare(type, items.map((i) => i.row)))
    }
    const named = items.filter((i) => error.inputRefs.some((ref) => ref === traceId(i) || recordKey(type, ref) === i.row.key))
    if (items.length === 1 || named.length === 1) {
      // A whole batch refused for one record's value (contact upserts by email fail whole): drop that value.
      const [culprit] = items.length === 1 ? (items as [Item]) : (named as [Item])
      const refused = this.withoutRefusedOptions(type, culprit, error.propertyErrors)
      if (refused) return retry(items.map((i) => (i === culprit ? refused : i)))
    }
    const keyUnusable = /non-unique/i.test(error.message)
    const ours = error.propertyErrors.some((p) => p.code === 'PROPERTY_DOESNT_EXIST' && propertyDefinition(type, p.name)?.custom)
    const ranAt = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)?.ranAt
    const setupIsOld = !ranAt || this.ctx.clock.now() - Date.parse(ranAt) > 60_000
    if ((keyUnusable || ours) && setupIsOld) {
      // One of our properties vanished, or a key lost its uniqueness: setup recreates or reports (and blocks)
      // it. Right after a setup the records themselves take the failure, so nothing loops.
      this.hooks.onSetupStale()
      this.ctx.control.halt('setup', this.ctx.clock.now() + 1_000)
      return
    }
    if (error.kind === 'conflict' && items.length === 1 && error.existingId) {
      const [item] = items as [Item]
      this.ctx.store.saveIds(type, [{ key: item.row.key, id: error.existingId, updateById: true }])
      return this.updateById(type, [{ item, id: error.existingId }])
    }
    if (named.length && named.length < items.length) {
      for (const item of named) await this.recordFailed(type, item, error.message)
      return retry(items.filter((i) => !named.includes(i)))
    }
    if (items.length > 1) {
      const half = Math.ceil(items.length / 2)
      await retry(items.slice(0, half))
      await retry(items.slice(half))
      return
    }
    await this.recordFailed(type, items[0]!, error.message)
  }

  /** HubSpot properties (not ours) that the portal says do not exist. */
  private lackingHubSpotProperties(type: HubSpotObjectType, errors: { name: string; code?: string }[]): string[] {
    return errors
      .filter((p) => p.code === 'PROPERTY_DOESNT_EXIST')
      .map((p) => p.name)
      .filter((name) => {
        const definition = propertyDefinition(type, name)
        return definition && !definition.custom && name !== ID_PROPERTY[type]
      })
  }

  private markUnavailable(type: HubSpotObjectType, names: string[]): void {
    const unavailable = this.ctx.store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(STORE_KEYS.unavailable) ?? {}
    unavailable[type] = [...new Set([...(unavailable[type] ?? []), ...names])].sort()
    this.ctx.store.setValue(STORE_KEYS.unavailable, unavailable)
  }

  private async recordFailed(type: HubSpotObjectType, item: Item, message: string): Promise<void> {
    const now = this.ctx.clock.now()
    const attempts = item.row.attempts + 1
    this.ctx.stats.recordFailures++
    this.ctx.stats.lastError = { at: now, message: `${type}:${item.row.key}: ${message}` }
    if (attempts < this.ctx.options.maxAttempts) {
      const delay = this.ctx.options.recordRetryBaseMs * 2 ** (attempts - 1)
      this.ctx.store.retryLater(type, item.row.key, attempts, now + delay, message)
      return
    }
    const pending = this.ctx.store.associationsInvolving(type, item.row.key)
    const associations = pending.map((a) =>
      a.fromType === type && a.fromKey === item.row.key
        ? { toObjectType: a.toType, toKey: a.toKey }
        : { toObjectType: a.fromType, toKey: a.fromKey },
    )
    const triggers = this.ctx.store.queuedTriggers(type, item.row.key)
    const record: HubSpotRecord = {
      objectType: type,
      key: item.row.key,
      properties: item.row.properties,
      associations,
      ...(triggers.length ? { triggers } : {}),
    }
    try {
      await this.ctx.sink.deadLetter({ objectType: type, key: item.row.key, record, error: message, attempts, at: now })
    } catch (err) {
      // Keep it pending rather than lose it; try again later.
      this.ctx.store.retryLater(type, item.row.key, attempts - 1, now + this.ctx.options.recordRetryBaseMs, message)
      console.error('hubspot writer: dead letter not stored:', err instanceof Error ? err.message : String(err))
      return
    }
    this.ctx.stats.deadLettered++
    // Changed since it was read: the new data deserves fresh attempts.
    if (!this.ctx.store.remove(type, item.row.key, item.row.version)) {
      this.ctx.store.retryLater(type, item.row.key, 0, now, message)
      return
    }
    // Its associations wait no longer: they travel in its dead letter, and its replay brings them back.
    this.ctx.store.deleteAssociations(pending)
    this.ctx.stats.associationsAbandoned += pending.length
  }
}

/**
 * Each upsert result finds its input by the `objectWriteTraceId` it carries back: HubSpot promises neither the
 * order of results nor which properties it echoes.
 */
function matchUpsertResults(items: Item[], data: BatchResult): Map<string, string> {
  const byTrace = new Map(items.map((i) => [traceId(i), i.row.key]))
  const ids = new Map<string, string>()
  for (const result of data.results ?? []) {
    const key = result.objectWriteTraceId === undefined ? undefined : byTrace.get(result.objectWriteTraceId)
    if (key !== undefined) ids.set(key, result.id)
  }
  return ids
}

/** The input's trace id: its record key, unique within a batch (HubSpot refuses one record twice). */
function traceId(item: Item): string {
  return item.row.key
}

function withoutKey(type: HubSpotObjectType, properties: Record<string, string>): Record<string, string> {
  // batch/update addresses records by id; the unique key stays as it is.
  const { [ID_PROPERTY[type]]: _key, ...rest } = properties
  return type === 'contacts' ? properties : rest
}
