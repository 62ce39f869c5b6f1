import type { CronJob } from './job'
import { PROCESSED_RETENTION_MS, pruneProcessedEvents } from '../db/events'

/** Keeps the webhook inbox from growing forever: old processed deliveries go, failures stay until replayed. */
export const inboxRetention: CronJob = {
  name: 'inbox-retention',
  crons: ['7 * * * *'],
  async run(env, now) {
    await pruneProcessedEvents(env.DB, now.getTime() - PROCESSED_RETENTION_MS)
  },
}
