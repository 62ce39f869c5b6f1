import type { BatchResult } from '../hubspot-client'
import { inputRefsOf } from '../hubspot-client'
import type { HubSpotObjectType } from '../records'
import type { WriterContext } from './writer-context'
import type { PendingAssociation, ReadyAssociation } from './store'

/** Canonical (alphabetical) pairs of the default associations the mapping asks for. */
const ASSOCIATION_PAIRS: readonly [HubSpotObjectType, HubSpotObjectType][] = [
  ['carts', 'contacts'],
  ['companies', 'contacts'],
  ['companies', 'orders'],
  ['carts', 'orders'],
  ['contacts', 'orders'],
  ['contacts', 'tasks'],
  ['line_items', 'orders'],
]

/**
 * Associations: once both ends of a pending pair have HubSpot ids, pairs are created 2,000 per call (v4
 * default associations); a refused batch is halved down to the pairs at fault. Line items name their product
 * in `hs_product_id` instead (products cannot be associated).
 */
export class AssociationWrites {
  constructor(
    private readonly ctx: WriterContext,
    /** The line item properties the account has (undefined before setup). */
    private readonly availableProperties: (type: HubSpotObjectType) => Set<string> | undefined,
  ) {}

  async writeAll(): Promise<boolean> {
    let wrote = false
    await this.linkProducts()
    for (const [from, to] of ASSOCIATION_PAIRS) {
      while (!this.ctx.control.stop) {
        const ready = this.ctx.store.readyAssociations(from, to, this.ctx.clock.now(), this.ctx.options.associationBatchSize)
        if (!ready.length) break
        await this.associate(from, to, ready)
        wrote = true
        this.ctx.control.checkDeadline()
      }
    }
    return wrote
  }

  /**
   * Products cannot be associated in HubSpot: a line item names its product in hs_product_id. Usually it is
   * sent inline (products are written first); a line item written before its product got an id is updated.
   */
  private async linkProducts(): Promise<void> {
    const now = this.ctx.clock.now()
    for (;;) {
      const ready = this.ctx.store.readyAssociations('line_items', 'products', now, 1000)
      if (!ready.length) return
      if (this.availableProperties('line_items')?.has('hs_product_id') !== false) {
        this.ctx.store.enqueue(
          ready.map((a) => ({ objectType: 'line_items', key: a.fromKey, properties: { hs_product_id: a.toId } })),
          now,
          'bulk',
        )
      }
      this.ctx.store.deleteAssociations(ready)
    }
  }

  private async associate(from: HubSpotObjectType, to: HubSpotObjectType, pairs: ReadyAssociation[]): Promise<void> {
    if (!pairs.length || this.ctx.control.stop) return
    const res = await this.ctx.control.send(() =>
      this.ctx.client.batchAssociateDefault(from, to, pairs.map((p) => ({ from: p.fromId, to: p.toId }))),
    )
    if (!res) return
    if (res.ok) {
      // HubSpot reports failed pairs inside its 200 (`errors`, `numErrors`), not only in a 207.
      const failed = res.data.errors?.length || res.data.numErrors ? failedAssociations(pairs, res.data) : []
      const done = pairs.filter((p) => !failed.includes(p))
      this.ctx.store.deleteAssociations(done)
      this.ctx.stats.associated += done.length
      this.ctx.control.wrote()
      const message = res.data.errors?.[0]?.message ?? 'association refused'
      for (const p of failed) this.associationFailed(p, message)
      return
    }
    const error = res.error
    if (error.retryable || error.kind === 'rate_limit') return
    if (error.kind === 'auth') return
    if (pairs.length > 1) {
      const half = Math.ceil(pairs.length / 2)
      await this.associate(from, to, pairs.slice(0, half))
      await this.associate(from, to, pairs.slice(half))
      return
    }
    this.associationFailed(pairs[0]!, error.message)
  }

  private associationFailed(pair: PendingAssociation, message: string): void {
    const now = this.ctx.clock.now()
    const attempts = pair.attempts + 1
    this.ctx.stats.lastError = { at: now, message: `association ${pair.fromType}:${pair.fromKey} → ${pair.toType}:${pair.toKey}: ${message}` }
    if (attempts >= this.ctx.options.maxAttempts) {
      this.ctx.store.deleteAssociations([pair])
      this.ctx.stats.associationsFailed++
    } else {
      this.ctx.store.retryAssociationsLater([pair], attempts, now + this.ctx.options.recordRetryBaseMs * 2 ** (attempts - 1))
    }
  }
}

function failedAssociations(pairs: ReadyAssociation[], data: BatchResult<unknown>): ReadyAssociation[] {
  const succeeded = new Set<string>()
  for (const r of (data.results ?? []) as Record<string, unknown>[]) {
    const from = r.fromObjectId ?? (r.from as { id?: unknown } | undefined)?.id
    const to = r.toObjectId ?? (r.to as { id?: unknown } | undefined)?.id
    if (from !== undefined && to !== undefined) succeeded.add(`${String(from)}>${String(to)}`)
  }
  if (!succeeded.size) {
    // Without usable results, use the error contexts to single out the failed pairs.
    const refs = new Set((data.errors ?? []).flatMap((e) => inputRefsOf(e)))
    return pairs.filter((p) => refs.has(p.fromId) || refs.has(p.toId))
  }
  return pairs.filter((p) => !succeeded.has(`${p.fromId}>${p.toId}`) && !succeeded.has(`${p.toId}>${p.fromId}`))
}
