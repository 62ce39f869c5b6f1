import { recordKey, type PendingMerge, type WriterStore } from './store'
import type { HubSpotRecord } from '../records'
import type { WriterContext } from './writer-context'
import type { ContactMergeOutcome } from './options'

/** A merge waiting for the surviving contact to reach HubSpot looks again at most this far apart. */
const MAX_WAIT_STEP_MS = 10 * 60_000

/**
 * One person's HubSpot contacts merged into the surviving one (`POST /crm/v3/objects/contacts/merge`), after
 * the live records of the flush (the survivor exists by then). Either contact's id comes from the id map, else
 * from a read by email; an absorbed contact HubSpot never had needs no merge. HubSpot gives the merged record a
 * new id: every key that knew either old id (the absorbed email included) is pointed to it, so pending
 * associations of the absorbed contact's orders land on the survivor. A refusal is checked against HubSpot
 * (reading both ids follows earlier merges): already one record is done; otherwise it is retried and, after
 * the writer's attempts, reported as failed.
 */
export class ContactMerges {
  constructor(private readonly ctx: WriterContext) {}

  /** Settles the merges due now; true when any call went out. */
  async writeAll(): Promise<boolean> {
    const calls = this.ctx.control.calls
    for (const merge of this.ctx.store.dueMerges(this.ctx.clock.now(), 25)) {
      if (this.ctx.control.stop) break
      await this.settle(merge)
    }
    return this.ctx.control.calls > calls
  }

  private async settle(merge: PendingMerge): Promise<void> {
    const primary = await this.idOf(merge.primaryKey)
    if (primary === 'stopped') return
    if (primary === null) {
      if (this.ctx.clock.now() - merge.createdAt > this.ctx.options.eventContactWaitMs) {
        return this.failed(merge, 'the surviving contact never reached HubSpot')
      }
      return this.later(merge, 'waiting for the surviving contact to reach HubSpot', false)
    }
    if (typeof primary !== 'string') return this.later(merge, primary.error, true)
    const absorbed = await this.idOf(merge.absorbedKey)
    if (absorbed === 'stopped') return
    if (absorbed === null) return this.done(merge, primary, [], 'nothing_to_merge')
    if (typeof absorbed !== 'string') return this.later(merge, absorbed.error, true)
    if (absorbed === primary) return this.done(merge, primary, [], 'already_merged')

    const res = await this.ctx.control.send(() => this.ctx.client.mergeContacts(primary, absorbed))
    if (!res) return
    if (res.ok) {
      this.ctx.stats.contactsMerged++
      return this.done(merge, res.data.id, [primary, absorbed], 'merged')
    }
    if (res.error.kind === 'not_found') {
      // An id the map knew is gone: read both again by email next time.
      this.ctx.store.forgetId('contacts', merge.primaryKey)
      this.ctx.store.forgetId('contacts', merge.absorbedKey)
      return this.later(merge, res.error.message, true)
    }
    if (res.error.kind === 'validation') {
      // Refused: an old id (HubSpot merged them, or one of them, already)? Reading each id follows its merges.
      const [p, a] = await Promise.all([this.currentId(primary), this.currentId(absorbed)])
      if (p && p === a) return this.done(merge, p, [primary, absorbed], 'already_merged')
      if (p && a && (p !== primary || a !== absorbed)) {
        this.ctx.store.saveIds('contacts', [{ key: merge.primaryKey, id: p }, { key: merge.absorbedKey, id: a }])
      }
    }
    return this.later(merge, `HubSpot refused the merge: ${res.error.message}`, true)
  }

  /** The contact's HubSpot id: from the map, else read by email (null: HubSpot has no such contact). */
  private async idOf(key: string): Promise<string | null | 'stopped' | { error: string }> {
    const known = this.ctx.store.knownIds('contacts', [key]).get(key)
    if (known) return known.id
    const res = await this.ctx.control.send(() => this.ctx.client.readContact(key, 'email'))
    if (!res) return 'stopped'
    if (res.ok) {
      this.ctx.store.saveIds('contacts', [{ key, id: res.data.id }])
      return res.data.id
    }
    return res.error.kind === 'not_found' ? null : { error: res.error.message }
  }

  /** The id a contact id has now (a merged id answers with the merged record), or null when unreadable. */
  private async currentId(id: string): Promise<string | null> {
    const res = await this.ctx.control.send(() => this.ctx.client.readContact(id))
    return res?.ok ? res.data.id : null
  }

  private async done(merge: PendingMerge, id: string, oldIds: string[], outcome: ContactMergeOutcome['outcome']): Promise<void> {
    this.ctx.store.repointIds('contacts', oldIds, id)
    this.ctx.store.saveIds('contacts', [{ key: merge.primaryKey, id }, { key: merge.absorbedKey, id }])
    this.ctx.store.mergeSettled(merge.absorbedKey)
    await this.report({ primaryKey: merge.primaryKey, absorbedKey: merge.absorbedKey, outcome, id, error: null, at: this.ctx.clock.now() })
  }

  private async failed(merge: PendingMerge, error: string): Promise<void> {
    this.ctx.stats.contactMergesFailed++
    this.ctx.stats.lastError = { at: this.ctx.clock.now(), message: `contacts merge ${merge.absorbedKey}: ${error}` }
    this.ctx.store.mergeSettled(merge.absorbedKey)
    await this.report({ primaryKey: merge.primaryKey, absorbedKey: merge.absorbedKey, outcome: 'failed', id: null, error, at: this.ctx.clock.now() })
  }

  /**
   * Tries again later. A refusal counts an attempt (the last one fails the merge) and backs off like a record;
   * waiting for the survivor does not, and looks again less often the longer it waits.
   */
  private async later(merge: PendingMerge, error: string, refused: boolean): Promise<void> {
    const attempts = merge.attempts + (refused ? 1 : 0)
    if (refused && attempts >= this.ctx.options.maxAttempts) return this.failed(merge, error)
    const waited = this.ctx.clock.now() - merge.createdAt
    const base = this.ctx.options.recordRetryBaseMs
    const delay = refused ? base * 2 ** (attempts - 1) : Math.max(base, Math.min(waited / 4, MAX_WAIT_STEP_MS))
    this.ctx.store.retryMergeLater(merge.absorbedKey, attempts, this.ctx.clock.now() + delay, error)
  }

  private async report(outcome: ContactMergeOutcome): Promise<void> {
    try {
      await this.ctx.sink.contactsMerged?.(outcome)
    } catch (err) {
      console.error('hubspot writer: could not record a contact merge:', err instanceof Error ? err.message : String(err))
    }
  }
}

/** Redirects the absorbed contacts to the surviving one and queues their HubSpot merges. */
export function queueMerges(store: WriterStore, primaryKey: string, absorbedKeys: string[], now: number): void {
  const primary = recordKey('contacts', primaryKey)
  for (const key of absorbedKeys.map((k) => recordKey('contacts', k))) {
    if (key === primary) continue
    store.redirectContact(key, primary)
    store.enqueueMerge(primary, key, now)
  }
}

/**
 * Records bound for a contact redirected to its person's surviving contact: their trigger writes go there, their
 * state does not (it is only part of the person's; the survivor's own record carries all of it).
 */
export function redirectRecords(store: WriterStore, records: HubSpotRecord[]): HubSpotRecord[] {
  const keys = records.filter((r) => r.objectType === 'contacts').map((r) => recordKey('contacts', r.key))
  const redirects = keys.length ? store.contactRedirects(keys) : new Map<string, string>()
  if (redirects.size === 0) return records
  return records.map((record) => {
    const to = record.objectType === 'contacts' ? redirects.get(recordKey('contacts', record.key)) : undefined
    return to === undefined ? record : { objectType: 'contacts', key: to, properties: {}, ...(record.triggers ? { triggers: record.triggers } : {}) }
  })
}
