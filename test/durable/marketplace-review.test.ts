import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { contactObject } from '../../src/durable/stubs'
import { deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'
import { contactProperties, DAY, decisions, MINUTE } from '../support/scenarios'

/**
 * Marketplace buyers and the review request end to end: orders from the BigCommerce stand-in (an Amazon
 * channel, shipments, refunds) delivered as webhooks, the contact woken at the steps' due times.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

async function placeOrder(email: string, options: { channelId?: number; at?: number } = {}) {
  const marketplace = options.channelId !== undefined && options.channelId !== 1
  const { value, events } = bigcommerce.store.createOrder({
    email,
    channelId: options.channelId,
    at: options.at,
    ...(marketplace ? { orderSource: 'amazon', externalSource: 'Amazon' } : {}),
  })
  await deliverEvents(events)
  return { id: value.id, createdAt: Date.parse((await contactObject(env, email).snapshot())!.orders[String(value.id)]!.createdAt) }
}

const stepDecisions = async (email: string) =>
  (await decisions(email, 'post_purchase_step')).map((d) => [d.trigger_key.replace('post_purchase_step:', ''), d.decision])

describe('marketplace buyers', () => {
  let amazon: number
  beforeEach(() => {
    amazon = bigcommerce.store.createChannel({ name: 'Amazon US', type: 'marketplace', platform: 'amazon' }).value.id
  })

  it('a marketplace-only buyer gets order placed but no post-purchase day_3, and the reason says why', async () => {
    const email = 'amazon-buyer@example.com'
    await subscribe(bigcommerce, email)
    const order = await placeOrder(email, { channelId: amazon })
    expect((await decisions(email, 'order_placed')).map((d) => d.decision)).toEqual(['fired'])
    await wakeContact(email, order.createdAt + 3 * DAY)
    expect(await stepDecisions(email)).toEqual([['day_0', 'fired'], ['day_3', 'suppressed']])
    const day3 = (await decisions(email, 'post_purchase_step'))[1]!
    expect(day3.reason).toContain('the only paid order came from marketplace (MARKETING_EXCLUDED_ORDER_CHANNELS)')
    await flushHubSpot()
    const properties = contactProperties(hubspot, email)
    expect(properties.bc_last_order_channel).toBe('marketplace')
    expect(properties.bc_post_purchase_step).toBe('day_0')
    expect(properties.bc_order_placed_at).toBeTruthy()
  })

  it('the same buyer after a storefront order gets it', async () => {
    const email = 'comes-to-the-store@example.com'
    await subscribe(bigcommerce, email)
    const order = await placeOrder(email, { channelId: amazon })
    await placeOrder(email, { channelId: 1, at: order.createdAt + DAY })
    await wakeContact(email, order.createdAt + 3 * DAY)
    expect(await stepDecisions(email)).toEqual([['day_0', 'fired'], ['day_3', 'fired']])
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_post_purchase_step).toBe('day_3')
  })

  it('an Amazon relay address gets transactional triggers only', async () => {
    const email = 'x7c2kq9f3@marketplace.amazon.com'
    await subscribe(bigcommerce, email)
    const order = await placeOrder(email, { channelId: 1 })
    await wakeContact(email, order.createdAt + 3 * DAY)
    const [, day3] = await decisions(email, 'post_purchase_step')
    expect(day3).toMatchObject({ decision: 'suppressed', reason: expect.stringContaining('Amazon relay address (marketplace.amazon.com)') })
  })
})

describe('review request (REVIEW_REQUEST_STEP = 21d)', () => {
  const reviewOf = async (email: string) =>
    (await decisions(email, 'post_purchase_step')).filter((d) => d.trigger_key === 'post_purchase_step:day_21')

  /** An opted-in buyer's first order, unshipped, and the contact woken when the review request falls due. */
  async function unshippedWhenDue(email: string) {
    await subscribe(bigcommerce, email)
    const order = await placeOrder(email)
    const due = order.createdAt + 21 * DAY
    await wakeContact(email, due)
    return { order, due }
  }

  it('waits for the shipment, then fires once the order is shipped', async () => {
    const email = 'review-me@example.com'
    const { order, due } = await unshippedWhenDue(email)
    expect(await reviewOf(email)).toEqual([expect.objectContaining({ decision: 'deferred', reason: expect.stringContaining('waits for the shipment') })])
    await deliverEvents(bigcommerce.store.addShipment(order.id).events)
    await wakeContact(email, due + DAY)
    expect((await reviewOf(email)).map((d) => d.decision)).toEqual(['deferred', 'fired'])
    await flushHubSpot()
    const properties = contactProperties(hubspot, email)
    expect(properties.bc_post_purchase_step).toBe('day_21')
    expect(Date.parse(properties.bc_post_purchase_step_at!)).toBe(due)
  })

  it('is cancelled after a refund', async () => {
    const email = 'refunded-review@example.com'
    const { order, due } = await unshippedWhenDue(email)
    await deliverEvents(bigcommerce.store.addShipment(order.id).events)
    await deliverEvents(bigcommerce.store.addRefund(order.id, { amount: 5 }).events)
    await wakeContact(email, due + DAY)
    const review = await reviewOf(email)
    expect(review.map((d) => d.decision)).toEqual(['deferred', 'cancelled'])
    expect(review[1]!.reason).toMatch(/refund \d+ on order \d+/)
  })

  it('is cancelled, with the reason, when the order is still not shipped 30 days after it fell due', async () => {
    const email = 'never-shipped@example.com'
    const { due } = await unshippedWhenDue(email)
    await wakeContact(email, due + 30 * DAY - MINUTE)
    expect((await reviewOf(email)).map((d) => d.decision)).toEqual(['deferred'])
    await wakeContact(email, due + 30 * DAY)
    const review = await reviewOf(email)
    expect(review.map((d) => d.decision)).toEqual(['deferred', 'cancelled'])
    expect(review[1]!.reason).toContain('not fully shipped')
  })
})
