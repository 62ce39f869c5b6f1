import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { contactObject } from '../../src/durable/stubs'
import { contactProperties as propertiesIn, DAY, decisions, MINUTE, openCart as openCartIn } from '../support/scenarios'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'

/**
 * Contacts driven through realistic sequences: webhooks from the BigCommerce stand-in, the contact's alarm
 * fired by the test at chosen moments (`wake`), results read from D1 decisions and the HubSpot stand-in.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const optedIn = (email: string) => subscribe(bigcommerce, email)

const openCart = (email: string) => openCartIn(bigcommerce, email)

const wake = wakeContact

const contactProperties = (email: string) => propertiesIn(hubspot, email)

describe('abandoned carts', () => {
  it('fires nothing when the cart becomes an order within the window', async () => {
    const email = 'converts@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    await deliverEvents(bigcommerce.store.convertCart(cart.id).events)
    await wake(email, Date.now() + 46 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).filter((d) => d.decision === 'fired')).toEqual([])
    await flushHubSpot()
    expect(contactProperties(email).bc_cart_abandoned_at ?? '').toBe('')
    expect(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)?.properties.hs_external_status).toBe('converted')
  })

  it('fires once, with the recovery link and value, when the cart stays idle', async () => {
    const email = 'idle@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    const idleSince = Date.parse((await contactObject(env, email).snapshot())!.carts[cart.id]!.updatedAt)
    await wake(email, Date.now() + 46 * MINUTE)
    await wake(email, Date.now() + 90 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])
    await flushHubSpot()
    const properties = contactProperties(email)
    expect(Date.parse(String(properties.bc_cart_abandoned_at))).toBe(idleSince + 45 * MINUTE)
    expect(String(properties.bc_abandoned_cart_url)).toMatch(/^https?:\/\//)
    expect(Number(properties.bc_abandoned_cart_value)).toBeGreaterThan(0)
    expect(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)?.properties.hs_external_status).toBe('abandoned')
  })

  it('with a cap of 3, fires three of five carts and the other two when the window moves', async () => {
    const email = 'five-carts@example.com'
    await optedIn(email)
    for (let i = 0; i < 5; i++) await openCart(email)
    await wake(email, Date.now() + 46 * MINUTE)
    const first = await decisions(email, 'cart_abandoned')
    expect(first.filter((d) => d.decision === 'fired')).toHaveLength(3)
    expect(first.filter((d) => d.decision === 'deferred')).toHaveLength(2)
    expect(first.find((d) => d.decision === 'deferred')?.reason).toMatch(/cap/i)

    await wake(email, Date.now() + 7 * DAY + 2 * 60 * MINUTE)
    const later = await decisions(email, 'cart_abandoned')
    expect(later.filter((d) => d.decision === 'fired')).toHaveLength(5)
    expect(new Set(later.filter((d) => d.decision === 'fired').map((d) => d.trigger_key)).size).toBe(5)
  })

  it('applies the marketing cap an admin sets as an override', async () => {
    const putOverrides = (body: object) =>
      callWorker(
        new Request('https://worker.example.com/admin/api/overrides', {
          method: 'PUT',
          headers: { authorization: 'Bearer admin-token-0123456789abcdef0123456789', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      )
    expect((await putOverrides({ marketingCap: 1 })).status).toBe(200)
    try {
      const email = 'capped-by-override@example.com'
      await optedIn(email)
      await openCart(email)
      await openCart(email)
      await wake(email, Date.now() + 46 * MINUTE)
      expect((await decisions(email, 'cart_abandoned')).map((d) => d.decision).sort()).toEqual(['deferred', 'fired'])
    } finally {
      await putOverrides({})
    }
  })

  it('suppresses an abandoned cart shortly after a refund, and says why', async () => {
    const email = 'refunded@example.com'
    await optedIn(email)
    const { value: order, events } = bigcommerce.store.createOrder({ email, statusId: 11, at: Date.now() - 2 * DAY })
    await deliverEvents(events)
    await deliverEvents(bigcommerce.store.addRefund(order.id, { amount: 5, at: Date.now() - DAY }).events)
    await openCart(email)
    await wake(email, Date.now() + 46 * MINUTE)
    const cart = await decisions(email, 'cart_abandoned')
    expect(cart).toEqual([expect.objectContaining({ decision: 'suppressed', reason: expect.stringMatching(/refund/i) })])
    expect((await decisions(email, 'order_refunded')).map((d) => d.decision)).toEqual(['fired'])
  })

  it('suppresses an abandoned cart for a contact without consent, and says why', async () => {
    const email = 'no-consent@example.com'
    await openCart(email)
    await wake(email, Date.now() + 46 * MINUTE)
    expect(await decisions(email, 'cart_abandoned')).toEqual([
      expect.objectContaining({ decision: 'suppressed', reason: expect.stringMatching(/consent|opted/i) }),
    ])
    await flushHubSpot()
    expect(contactProperties(email).bc_cart_abandoned_at ?? '').toBe('')
  })

  it('moves a cart to the new contact when the shopper changes the checkout email', async () => {
    const [first, second] = ['typo@example.com', 'right@example.com']
    await optedIn(first)
    await optedIn(second)
    const cart = await openCart(first)
    await deliverEvents(bigcommerce.store.updateCart(cart.id, { email: second }).events)
    await wake(first, Date.now() + 46 * MINUTE)
    await wake(second, Date.now() + 46 * MINUTE)
    expect(await decisions(first, 'cart_abandoned')).toEqual([])
    expect((await decisions(second, 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])
    // The cart is the second contact's now: it left the first one's state, and only the second writes it.
    expect((await contactObject(env, first).snapshot())?.carts[cart.id]).toBeUndefined()
    await flushHubSpot()
    const written = hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)!
    expect(written.properties.hs_external_status).toBe('abandoned')
  })

  it("takes BigCommerce's abandoned signal when the hook names the cart only by its token", async () => {
    const email = 'token-only@example.com'
    await optedIn(email)
    const cart = await openCart(email)
    const { token } = bigcommerce.store.abandonCart(cart.id).value
    await deliverEvents([{ scope: 'store/cart/abandoned', data: { type: 'cart', token } }])
    expect((await contactObject(env, email).snapshot())?.carts[cart.id]?.abandonedSignalAt).not.toBeNull()
  })

  it('fires exactly once when webhooks are duplicated and out of order', async () => {
    const email = 'noisy@example.com'
    await optedIn(email)
    const { value: cart, events: created } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
    const { events: updated } = bigcommerce.store.updateCart(cart.id, { lines: [{ productId: 2, quantity: 1 }] })
    await deliverEvents([...updated, ...created, ...updated])
    await deliverEvents(bigcommerce.store.abandonCart(cart.id).events)
    await wake(email, Date.now() + 46 * MINUTE)
    await deliverEvents(bigcommerce.store.abandonCart(cart.id).events)
    await wake(email, Date.now() + 120 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).filter((d) => d.decision === 'fired')).toHaveLength(1)
  })
})

describe('orders', () => {
  it('fires order placed once when a pending order is paid, and shipped once per shipment', async () => {
    const email = 'pending@example.com'
    const { value: order, events } = bigcommerce.store.createOrder({ email, statusId: 7 })
    await deliverEvents(events)
    expect(await decisions(email, 'order_placed')).toEqual([])
    const paid = bigcommerce.store.setOrderStatus(order.id, 11).events
    await deliverEvents([...paid, ...paid])
    const shipped = bigcommerce.store.addShipment(order.id).events
    await deliverEvents([...shipped, ...shipped])
    expect((await decisions(email, 'order_placed')).map((d) => d.decision)).toEqual(['fired'])
    expect((await decisions(email, 'order_shipped')).map((d) => d.decision)).toEqual(['fired'])
    await flushHubSpot()
    const placedAt = (await contactObject(env, email).snapshot())!.orders[String(order.id)]!.createdAt
    expect(Date.parse(String(contactProperties(email).bc_order_placed_at))).toBe(Date.parse(placedAt))
  })
})
