import { clearWake, overdueContacts } from '../db/contacts'
import { contactObject } from '../durable/stubs'
import { mapLimit } from '../map-limit'
import type { CronJob } from './cron-job'

/** An alarm this late has failed or been lost: its own retries run well within it. */
export const OVERDUE_AFTER_MS = 5 * 60_000
/** Contacts woken per tick at most (each one call to its Durable Object); a backlog takes a few ticks. */
export const WAKES_PER_TICK = 50
const CONCURRENCY = 6

/**
 * The sweep for scheduled work (post-purchase steps, winback, replenishment, deferred triggers, cart quiet
 * periods): each contact's next wake time is in D1, written with every change; a contact more than a few minutes
 * overdue is woken here, so a lost or failing alarm delays its work by minutes, not until its next event. A wake
 * is an evaluation as of the tick: safe to repeat, and a contact woken by both its alarm and the sweep fires
 * nothing twice.
 */
export const contactWakes: CronJob = {
  name: 'contact-wakes',
  crons: ['* * * * *'],
  async run(env, now) {
    const overdue = await overdueContacts(env.DB, now.getTime() - OVERDUE_AFTER_MS, WAKES_PER_TICK)
    await mapLimit(overdue, CONCURRENCY, async ({ email, wakeAt }) => {
      try {
        // An object that holds no contact (erased) has nothing scheduled.
        if (!(await contactObject(env, email).wake(now.toISOString()))) await clearWake(env.DB, email, wakeAt)
      } catch (err) {
        console.warn(`contact wake failed (${new Date(wakeAt).toISOString()} due), next tick tries again:`, err instanceof Error ? err.message : String(err))
      }
    })
  },
}
