import type { BigCommerceClient } from '../bigcommerce/bigcommerce-client'
import { recordProbe } from '../db/api-pauses'
import { apiFault, DEFAULT_PROBE_PATH, nextProbeAt } from '../invocation/pause-watch'
import { resumeBigCommerce } from '../pipeline/resume'
import type { CronJob } from './cron-job'
import { Invocation } from '../invocation/invocation'

export type ProbeOutcome = 'not_paused' | 'not_due' | 'resumed' | 'still_paused'

/**
 * While BigCommerce is paused, asks it again when the probe is due (each minute for the first half hour, then
 * every 5 minutes): the read that failed for a refused token or scope (so a scope still missing keeps the
 * pause), a plain read for an outage. Any answer that is not a refusal or an outage resumes processing; 404
 * included (the resource went, the token works).
 */
export async function probeBigCommerce(invocation: Invocation, now: Date): Promise<ProbeOutcome> {
  const pause = (await invocation.pauseWatch()).state
  if (!pause.paused) return 'not_paused'
  const at = now.getTime()
  if ((pause.nextProbeAt ?? 0) > at) return 'not_due'
  const path = pause.probePath ?? DEFAULT_PROBE_PATH
  const failure = await read(invocation.bigcommerce, path)
  if (!failure) {
    await resumeBigCommerce(invocation, 'probe', at)
    return 'resumed'
  }
  await recordProbe(invocation.env.DB, 'bigcommerce', { at, result: failure, nextProbeAt: nextProbeAt(pause.since ?? at, at) })
  return 'still_paused'
}

/** Null when BigCommerce answered; else what it said. */
async function read(client: BigCommerceClient, path: string): Promise<string | null> {
  try {
    if (path.startsWith('/v2/')) await client.v2(path.slice(3))
    else await client.v3(path.slice(3))
    return null
  } catch (err) {
    if (!apiFault(err)) return null
    return err instanceof Error ? err.message : String(err)
  }
}

export const apiPauseProbe: CronJob = {
  name: 'api-pause-probe',
  crons: ['* * * * *'],
  async run(env, now, invocation = new Invocation(env)) {
    await probeBigCommerce(invocation, now)
  },
}
