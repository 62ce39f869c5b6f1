import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import type { HubSpotRecord } from '../hubspot/records'

/**
 * One writer per HubSpot account: owns the rate budget, batches pending writes and retries them.
 * PLACEHOLDER until the HubSpot sync engine lands (issue 3): accepts records and keeps them pending.
 */
export class HubSpotWriter extends DurableObject<Env> {
  async enqueue(records: HubSpotRecord[]): Promise<void> {
    const pending = ((await this.ctx.storage.get<HubSpotRecord[]>('pending')) ?? []).concat(records)
    await this.ctx.storage.put('pending', pending)
  }
}
