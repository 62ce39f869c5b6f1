import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { recomputeCartThresholds } from '../../src/cron/high-value-carts-job'
import { recordCartValues } from '../../src/db/cart-values'
import { contactObject, hubspotWriter } from '../../src/durable/stubs'
import type { Env } from '../../src/env'
import { multiply } from '../../src/domain/money'
import { changeObjectEnv } from '../support/object-env'
import { deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'

/**
 * High-value abandoned carts end to end: webhooks from the BigCommerce stand-in, planted cart values and the
 * threshold job, the contact's alarm at chosen moments (`wake`), the task read from the HubSpot stand-in.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const MINUTE = 60_000

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const optedIn = (email: string) => subscribe(bigcommerce, email)

/** Opens a cart and returns it with its value as the contact recorded it. */
async function openCart(email: string) {
  const { value, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 2 }] })
  await deliverEvents(events)
  const state = (await contactObject(env, email).snapshot())!.carts[value.id]!
  return { id: value.id, amount: state.amount, currency: state.currency, events }
}

/** 30 other carts in the store worth `factors` × the given amount, and the thresholds computed from them. */
async function storeCartsWorth(amount: string, currency: string, factors: number[]) {
  const carts = Array.from({ length: 30 }, (_, i) => ({
    cartId: `planted-${i}`,
    currency,
    amount: multiply(amount, factors[i % factors.length]!),
  }))
  await recordCartValues(env.DB, carts, new Date())
  return recomputeCartThresholds(env, new Date())
}

const wake = wakeContact

function tasksOf(email: string) {
  const contact = hubspot.portal.findByProperty('contacts', 'email', email)
  if (!contact) return []
  return hubspot.portal
    .associations('contacts', contact.id, 'tasks')
    .map((a) => hubspot.portal.record('tasks', a.toObjectId)!)
}

async function firedKeys(email: string) {
  const { results } = await env.DB.prepare(
    "SELECT trigger_key FROM trigger_decisions WHERE email = ? AND trigger = 'cart_abandoned' AND decision = 'fired' ORDER BY id",
  )
    .bind(email)
    .all<{ trigger_key: string }>()
  return results.map((r) => r.trigger_key)
}

/** The contact's stored state, to put back later: a replay of everything after this point. */
async function savedState(email: string): Promise<unknown> {
  return runInDurableObject(contactObject(env, email), (_instance, state) => state.storage.get('core'))
}

async function restoreState(email: string, core: unknown) {
  await runInDurableObject(contactObject(env, email), async (_instance, state) => {
    await state.storage.put('core', core)
  })
}

describe('high-value abandoned carts', () => {
  it('creates exactly one task for an expensive cart, associated with the contact, also after a replay', async () => {
    const email = 'big-spender@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    const thresholds = await storeCartsWorth(cart.amount, cart.currency, [0.1, 0.2, 0.3, 0.4, 0.5])
    expect(thresholds?.currencies[cart.currency]).toBeDefined()

    const beforeFiring = await savedState(email)
    await wake(email, Date.now() + 46 * MINUTE)
    const [key] = await firedKeys(email)
    expect(key).toMatch(new RegExp(`^cart_abandoned:${cart.id}:`))
    await flushHubSpot()

    const tasks = tasksOf(email)
    expect(tasks).toHaveLength(1)
    const task = tasks[0]!.properties
    expect(task.bc_task_key).toBe(key)
    expect(task.hs_task_subject).toMatch(/^High-value abandoned cart: \$\d[\d,]*\.\d\d$/)
    expect(task.hs_task_status).toBe('NOT_STARTED')
    expect(task.hs_task_priority).toBe('HIGH')
    expect(task.hs_task_type).toBe('TODO')
    const recoveryUrl = String(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)?.properties.hs_cart_url)
    expect(task.hs_task_body).toContain(`href="${recoveryUrl.replace(/&/g, '&amp;')}"`)
    expect(task.hs_task_body).toMatch(/<li>2 × [^<]+<\/li>/)
    expect(Date.parse(task.hs_timestamp!)).toBeGreaterThan(Date.now())
    const contactId = hubspot.portal.findByProperty('contacts', 'email', email)!.id
    expect(hubspot.portal.associations('tasks', tasks[0]!.id, 'contacts')).toEqual([
      { toObjectId: contactId, toObjectType: 'contacts', associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 204, label: null }] },
    ])

    // The same webhooks again, and the alarm again: nothing new fires.
    await deliverEvents(cart.events)
    await wake(email, Date.now() + 50 * MINUTE)
    // A true replay: the contact forgets it fired (its save was lost) and fires the same trigger again.
    hubspot.portal.write(tasks[0]!, { hs_task_status: 'COMPLETED' }, Date.now())
    await restoreState(email, beforeFiring)
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toEqual([key, key])
    await flushHubSpot()

    expect(hubspot.portal.records('tasks')).toHaveLength(1)
    // Written once: the replay did not reopen the task someone completed.
    expect(hubspot.portal.records('tasks')[0]!.properties.hs_task_status).toBe('COMPLETED')
    expect((await hubspotWriter(env).status()).queue.tasks).toBe(0)
  })

  it('creates no task for a cheap cart', async () => {
    const email = 'window-shopper@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    await storeCartsWorth(cart.amount, cart.currency, [2, 3, 4, 5])
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)?.properties.bc_cart_abandoned_at).toBeTruthy()
    expect(hubspot.portal.records('tasks')).toEqual([])
  })

  it('creates no task while the store has too few carts', async () => {
    const email = 'early-bird@example.com'
    await optedIn(email)
    await openCart(email)
    expect((await recomputeCartThresholds(env, new Date()))?.currencies).toEqual({})
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.records('tasks')).toEqual([])
  })

  it('creates no task for a cart whose trigger is suppressed (no consent)', async () => {
    const email = 'no-consent@example.com'
    const cart = await openCart(email)
    await storeCartsWorth(cart.amount, cart.currency, [0.1, 0.2])
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toEqual([])
    await flushHubSpot()
    expect(hubspot.portal.records('tasks')).toEqual([])
  })

  it('creates no task with HIGH_VALUE_CART_PERCENTILE=off, even with thresholds left from before', async () => {
    const email = 'switched-off@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    await storeCartsWorth(cart.amount, cart.currency, [0.1, 0.2, 0.3])
    await changeObjectEnv(contactObject(env, email), (current) => ({ ...current, HIGH_VALUE_CART_PERCENTILE: 'off' }))
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.records('tasks')).toEqual([])
  })

  it('creates no task once the job ran with HIGH_VALUE_CART_PERCENTILE=off', async () => {
    const email = 'job-switched-off@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    await storeCartsWorth(cart.amount, cart.currency, [0.1, 0.2, 0.3])
    expect(await recomputeCartThresholds({ ...env, HIGH_VALUE_CART_PERCENTILE: 'off' } as Env, new Date())).toBeNull()
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await firedKeys(email)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.records('tasks')).toEqual([])
  })
})
