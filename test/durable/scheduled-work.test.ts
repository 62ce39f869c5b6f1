import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { contactWakes, OVERDUE_AFTER_MS } from '../../src/cron/contact-wakes-job'
import { contactObject } from '../../src/durable/stubs'
import { PUBLICATION_KEY } from '../../src/durable/contact-publication'
import { changeObjectEnv } from '../support/object-env'
import { deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'

/**
 * Scheduled work survives a lost or failing alarm: the next wake time is in D1 and the minute sweep wakes a
 * contact that is overdue; the alarm catches its own failures and tries again; a change whose publication to D1
 * failed is completed by the next call, without losing or doubling a decision.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const MINUTE = 60_000
const DAY = 86_400_000

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

async function openCart(email: string) {
  await subscribe(bigcommerce, email)
  const { value, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
  await deliverEvents(events)
  return value
}

async function decisions(email: string) {
  const { results } = await env.DB.prepare('SELECT "trigger", decision FROM trigger_decisions WHERE email = ? ORDER BY id')
    .bind(email)
    .all<{ trigger: string; decision: string }>()
  return results
}

async function nextWakeAt(email: string): Promise<number | null> {
  const row = await env.DB.prepare('SELECT next_wake_at AS at FROM contacts WHERE email = ?').bind(email).first<{ at: number | null }>()
  return row?.at ?? null
}

const storage = <T>(email: string, read: (storage: DurableObjectStorage) => Promise<T>) =>
  runInDurableObject(contactObject(env, email), (_instance, state) => read(state.storage))

/**
 * D1 as the contact sees it, its batches failing (`unavailable`), or committing and then failing as a lost
 * answer would (`answer lost`); `restore` gives it the real D1 back.
 */
async function d1Fails(email: string, how: 'unavailable' | 'answer lost') {
  await changeObjectEnv(contactObject(env, email), (current) => {
    const real = current.DB
    const failing = new Proxy(real, {
      get(target, property) {
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (how === 'answer lost') await target.batch(statements)
            throw new Error('D1_ERROR: Network connection lost.')
          }
        }
        const value = Reflect.get(target, property) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      },
    })
    return { ...current, DB: failing }
  })
  return {
    restore: () =>
      changeObjectEnv(contactObject(env, email), (current) => ({ ...current, DB: env.DB })),
  }
}

describe('the next wake time in D1', () => {
  it('is written with every change, as the alarm is set', async () => {
    const email = 'mirror@example.com'
    const cart = await openCart(email)
    const alarm = await storage(email, (s) => s.getAlarm())
    const idleSince = Date.parse((await contactObject(env, email).snapshot())!.carts[cart.id]!.updatedAt)
    expect(alarm).toBe(idleSince + 45 * MINUTE)
    expect(await nextWakeAt(email)).toBe(alarm)
    await deliverEvents(bigcommerce.store.convertCart(cart.id).events)
    // Converted: the post-purchase steps come next.
    const after = await storage(email, (s) => s.getAlarm())
    expect(after).not.toBe(alarm)
    expect(await nextWakeAt(email)).toBe(after)
  })
})

describe('the sweep for scheduled work', () => {
  it('wakes a contact whose alarm is more than a few minutes overdue, and only then', async () => {
    const email = 'lost-alarm@example.com'
    await openCart(email)
    const due = (await nextWakeAt(email))!
    // The alarm is lost (an outage past the runtime's retries): only D1 remembers the contact is due.
    await storage(email, (s) => s.deleteAlarm())

    await contactWakes.run(env, new Date(due + OVERDUE_AFTER_MS - 1))
    expect(await decisions(email)).toEqual([])
    await contactWakes.run(env, new Date(due + OVERDUE_AFTER_MS + 1))
    expect(await decisions(email)).toEqual([{ trigger: 'cart_abandoned', decision: 'fired' }])
    // Its schedule is whole again: nothing more for this cart, so nothing is due.
    expect(await nextWakeAt(email)).toBeNull()
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)?.properties.bc_cart_abandoned_at).toBe(new Date(due).toISOString())
    // A second tick, and the alarm's own late run, fire nothing twice.
    await contactWakes.run(env, new Date(due + OVERDUE_AFTER_MS + MINUTE))
    await wakeContact(email, due + 2 * OVERDUE_AFTER_MS)
    expect(await decisions(email)).toEqual([{ trigger: 'cart_abandoned', decision: 'fired' }])
  })

  it('clears the wake time of a contact its object no longer holds', async () => {
    const past = Date.now() - 10 * MINUTE
    await env.DB.prepare(
      `INSERT INTO contacts (email, paid_order_count, lifetime_value, lifetime_value_sort, customer_status, updated_at, next_wake_at)
       VALUES ('gone@example.com', 0, '0', 0, 'prospect', ?1, ?1)`,
    )
      .bind(past)
      .run()
    await contactWakes.run(env, new Date())
    expect(await nextWakeAt('gone@example.com')).toBeNull()
    expect(await contactObject(env, 'gone@example.com').snapshot()).toBeNull()
  })
})

describe('a failing alarm', () => {
  it('catches its failure, tries again with backoff, and completes the work once D1 is back', async () => {
    const email = 'outage@example.com'
    await openCart(email)
    const due = (await storage(email, (s) => s.getAlarm()))!
    const d1 = await d1Fails(email, 'unavailable')

    const before = Date.now()
    expect(await runDurableObjectAlarm(contactObject(env, email))).toBe(true)
    const first = (await storage(email, (s) => s.getAlarm()))!
    expect(first).toBeGreaterThanOrEqual(before + MINUTE)
    expect(first).toBeLessThan(Date.now() + MINUTE + 1_000)
    expect(await storage(email, (s) => s.get(PUBLICATION_KEY))).toBeDefined()
    // Still failing: it backs off.
    expect(await runDurableObjectAlarm(contactObject(env, email))).toBe(true)
    const second = (await storage(email, (s) => s.getAlarm()))!
    expect(second).toBeGreaterThanOrEqual(Date.now() + 2 * MINUTE - 1_000)

    await d1.restore()
    expect(await runDurableObjectAlarm(contactObject(env, email))).toBe(true)
    expect(await storage(email, (s) => s.get(PUBLICATION_KEY))).toBeUndefined()
    expect(await storage(email, (s) => s.get('alarm_failures'))).toBeUndefined()
    // Back on its real schedule, in the object and in D1.
    expect(await storage(email, (s) => s.getAlarm())).toBe(due)
    expect(await nextWakeAt(email)).toBe(due)
  })
})

describe('save, then publish', () => {
  it('completes what a failed publish left on the next call: decision rows and wake time, once', async () => {
    const email = 'half-done@example.com'
    await openCart(email)
    const due = (await nextWakeAt(email))!
    const d1 = await d1Fails(email, 'unavailable')
    await expect(wakeContact(email, due + MINUTE)).rejects.toThrow(/Network connection lost/)
    // The state saved (the trigger fired and went to HubSpot) but D1 has nothing of it yet.
    expect(Object.values((await contactObject(env, email).snapshot())!.automation.handled)).toContain('fired')
    expect(await decisions(email)).toEqual([])
    expect(await nextWakeAt(email)).toBe(due)

    await d1.restore()
    // The retry (the same wake, as a queue retry or the alarm would) finds nothing new, and completes the rest.
    await wakeContact(email, due + MINUTE)
    expect(await decisions(email)).toEqual([{ trigger: 'cart_abandoned', decision: 'fired' }])
    expect(await nextWakeAt(email)).toBeNull()
    expect(await storage(email, (s) => s.getAlarm())).toBeNull()
  })

  it('adds no decision twice when D1 applied a publish whose answer was lost', async () => {
    const email = 'answer-lost@example.com'
    await openCart(email)
    const due = (await nextWakeAt(email))!
    const d1 = await d1Fails(email, 'answer lost')
    await expect(wakeContact(email, due + MINUTE)).rejects.toThrow(/Network connection lost/)
    expect(await decisions(email)).toEqual([{ trigger: 'cart_abandoned', decision: 'fired' }])
    await d1.restore()
    await wakeContact(email, due + 2 * MINUTE)
    await wakeContact(email, due + 3 * MINUTE)
    expect(await decisions(email)).toEqual([{ trigger: 'cart_abandoned', decision: 'fired' }])
    expect(await storage(email, (s) => s.get(PUBLICATION_KEY))).toBeUndefined()
  })
})

describe('closed carts', () => {
  it('leave the stored state 30 days after their last change', async () => {
    const email = 'old-carts@example.com'
    const cart = await openCart(email)
    await deliverEvents(bigcommerce.store.convertCart(cart.id).events)
    const stored = () => storage(email, (s) => s.get<{ carts: Record<string, { status: string }> }>('core'))
    expect((await stored())!.carts[cart.id]!.status).toBe('converted')
    await wakeContact(email, Date.now() + 29 * DAY)
    expect(Object.keys((await stored())!.carts)).toEqual([cart.id])
    await wakeContact(email, Date.now() + 31 * DAY)
    expect((await stored())!.carts).toEqual({})
    // HubSpot keeps the cart as it was last written.
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)?.properties.hs_external_status).toBe('converted')
  })
})
