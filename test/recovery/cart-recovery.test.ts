import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkRecoveryLink, CART_LIFETIME_MS, recoveryLink } from '../../src/recovery/recovery-link'
import type { BigCommerceStandin } from '../../standins/bigcommerce'
import type { HubSpotStandin } from '../../standins/hubspot'
import { serveHost } from '../support/network'
import { callWorker, deliverEvents, flushHubSpot, freshWorld } from '../support/worker'

const STOREFRONT = 'https://store-teststore.mybigcommerce.com/cart.php'
const SECRET = 'bc-test-token'

let bigcommerce: BigCommerceStandin
let hubspot: HubSpotStandin

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  serveHost('store-teststore.mybigcommerce.com', (request) => bigcommerce.storefront(request))
})

/** A cart with an email, synced: its recovery link as HubSpot holds it. */
async function syncedCart(email = 'ada@example.com') {
  const { value: cart, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 2 }] })
  await deliverEvents(events)
  await flushHubSpot()
  const record = hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)
  expect(record, 'the cart reached HubSpot').toBeDefined()
  return { cart, link: record!.properties.hs_cart_url! }
}

function visit(link: string, headers: Record<string, string> = {}, method = 'GET') {
  return callWorker(new Request(link, { method, headers, redirect: 'manual' }))
}

/** What a shopper's browser does with the worker's answer: follow the redirect to the storefront. */
async function openInBrowser(link: string) {
  const answer = await visit(link)
  expect(answer.status).toBe(302)
  const location = answer.headers.get('location')!
  return { location, page: await bigcommerce.storefront(new Request(location)) }
}

describe('cart recovery links', () => {
  it('puts the worker link, signed, in hs_cart_url: never a single-use BigCommerce URL', async () => {
    const { cart, link } = await syncedCart()
    expect(link).toMatch(new RegExp(`^https://worker\\.example\\.com/carts/${cart.id}/recover\\?sig=[0-9a-z]+\\.[A-Za-z0-9_-]+$`))
    expect(link).not.toContain('mybigcommerce')
    expect(bigcommerce.store.redirects.issuedFor(cart.id)).toBe(0)
  })

  it('reaches the live cart every time: followed three times and fetched once by a prefetcher', async () => {
    const { cart, link } = await syncedCart()
    const prefetch = await visit(link, { 'Sec-Purpose': 'prefetch' })
    expect(prefetch.status).toBe(503)
    expect(prefetch.headers.get('cache-control')).toBe('no-store')
    expect((await visit(link, { Purpose: 'prefetch' })).status).toBe(503)
    expect((await visit(link, {}, 'HEAD')).status).toBe(200)
    expect(bigcommerce.store.redirects.issuedFor(cart.id)).toBe(0)
    const locations = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const { location, page } = await openInBrowser(link)
      expect(page.status, `visit ${i + 1}`).toBe(200)
      expect(page.headers.get('x-standin-cart')).toBe(cart.id)
      locations.add(location)
    }
    expect(locations.size).toBe(3)
    expect(bigcommerce.store.redirects.issuedFor(cart.id)).toBe(3)
  })

  it('lands a converted or deleted cart on the storefront cart page, never on an error', async () => {
    const { cart, link } = await syncedCart()
    bigcommerce.store.convertCart(cart.id)
    const converted = await openInBrowser(link)
    expect(converted.location).toBe(STOREFRONT)
    expect(converted.page.status).toBe(200)
    const other = await syncedCart('grace@example.com')
    bigcommerce.store.deleteCart(other.cart.id)
    expect((await openInBrowser(other.link)).location).toBe(STOREFRONT)
  })

  it('sends the shopper to the cart page when BigCommerce fails, and when the link expired with the cart', async () => {
    const { link } = await syncedCart()
    bigcommerce.faults.fail({ method: 'POST', path: /redirect_urls$/ }, { status: 500 }, 5)
    expect((await visit(link)).headers.get('location')).toBe(STOREFRONT)
    bigcommerce.faults.clear()
    const cart = bigcommerce.store.createCart({ email: 'old@example.com', lines: [{ productId: 1, quantity: 1 }] }).value
    const expired = await recoveryLink('https://worker.example.com', SECRET, {
      cartId: cart.id,
      updatedAt: new Date(Date.now() - CART_LIFETIME_MS - 60_000).toISOString(),
    })
    expect((await visit(expired!)).headers.get('location')).toBe(STOREFRONT)
    expect(bigcommerce.store.redirects.issuedFor(cart.id)).toBe(0)
  })

  it('refuses a link without a signature (400) or with one made for another cart or key (403), as JSON', async () => {
    const { cart, link } = await syncedCart()
    const bare = await visit(link.replace(/\?sig=.*$/, ''))
    expect(bare.status).toBe(400)
    expect(await bare.json()).toMatchObject({ error: 'missing_signature' })
    const sig = new URL(link).searchParams.get('sig')!
    const otherCart = await visit(`https://worker.example.com/carts/00000000-0000-4000-8000-000000000000/recover?sig=${sig}`)
    expect(otherCart.status).toBe(403)
    expect(await otherCart.json()).toMatchObject({ error: 'invalid_signature' })
    const forged = await recoveryLink('https://worker.example.com', 'another-secret', { cartId: cart.id, updatedAt: new Date().toISOString() })
    expect((await visit(forged!)).status).toBe(403)
    expect((await visit(link.replace(/sig=[^.]+/, 'sig=zzzzzzzz'))).status).toBe(403)
    expect(bigcommerce.store.redirects.issuedFor(cart.id)).toBe(0)
  })

  it('signs with a key derived from the access token and stores no key', async () => {
    const link = (await recoveryLink('https://w.example', SECRET, { cartId: 'abc', updatedAt: '2026-12-01T00:00:00Z' }))!
    expect(link).not.toContain(SECRET)
    const sig = new URL(link).searchParams.get('sig')!
    expect(await checkRecoveryLink(SECRET, 'abc', sig, Date.parse('2026-12-02T00:00:00Z'))).toEqual({ ok: true, expired: false })
    expect(await checkRecoveryLink(SECRET, 'abc', sig, Date.parse('2027-01-01T00:00:00Z'))).toEqual({ ok: true, expired: true })
    expect((await checkRecoveryLink(SECRET, 'abd', sig, 0)).ok).toBe(false)
    expect(await recoveryLink(undefined, SECRET, { cartId: 'abc', updatedAt: '2026-12-01T00:00:00Z' })).toBeNull()
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>()
    for (const { name } of results.filter((t) => !t.name.startsWith('_cf') && !t.name.startsWith('sqlite'))) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all()
      expect(JSON.stringify(rows.results)).not.toContain(SECRET)
    }
  })
})

describe('the BigCommerce stand-in: redirect URLs', () => {
  it('issues a fresh URL per request that works once, and 404 for a cart that is gone', async () => {
    const cart = bigcommerce.store.createCart({ email: 'ada@example.com', lines: [{ productId: 1, quantity: 1 }] }).value
    const post = (id: string) =>
      bigcommerce.fetch(new Request(`http://bigcommerce.standin/stores/teststore/v3/carts/${id}/redirect_urls`, {
        method: 'POST',
        headers: { 'X-Auth-Token': 'bc-test-token', 'content-type': 'application/json' },
        body: '{}',
      }))
    const first = await post(cart.id)
    expect(first.status).toBe(201)
    const { data } = (await first.json()) as { data: { cart_url: string } }
    const second = ((await (await post(cart.id)).json()) as { data: { cart_url: string } }).data
    expect(second.cart_url).not.toBe(data.cart_url)
    expect((await bigcommerce.storefront(new Request(data.cart_url))).status).toBe(200)
    expect((await bigcommerce.storefront(new Request(data.cart_url))).status).toBe(410)
    bigcommerce.store.deleteCart(cart.id)
    expect((await post(cart.id)).status).toBe(404)
  })
})
