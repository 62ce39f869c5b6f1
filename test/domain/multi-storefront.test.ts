import { describe, expect, it } from 'vitest'
import { applyCustomerUpdate, applyOrderUpdate } from '../../src/domain/contact-updates'
import { summarizeContact } from '../../src/domain/lifecycle'
import {
  isLiveStorefront,
  liveStorefrontOrigins,
  orderStatusUrl,
  originOf,
  siteOrigins,
  storefrontBaseUrl,
  storefrontChannels,
  storefrontOfOrigin,
  type StoreChannel,
} from '../../src/domain/multi-storefront'
import { audienceDefinitions, listFilterProblems, storefrontAudience } from '../../src/hubspot/lists'
import { aContactState, aCustomer, anOrder } from '../support/factories'

function channel(over: Partial<StoreChannel>): StoreChannel {
  return {
    id: 1, name: 'Default Storefront', type: 'storefront', platform: 'bigcommerce', status: 'active',
    siteUrl: 'https://shop.example/', siteOrigins: ['https://shop.example'], defaultCurrency: 'USD', currencies: ['USD'], ...over,
  }
}

const CHANNELS: StoreChannel[] = [
  channel({}),
  channel({
    id: 2, name: 'Outlet', platform: 'catalyst', siteUrl: 'https://www.Outlet.example',
    siteOrigins: ['https://www.outlet.example', 'https://checkout.outlet.example'],
  }),
  channel({ id: 3, name: 'Amazon US', type: 'marketplace', platform: 'amazon', status: 'connected', siteUrl: null, siteOrigins: [] }),
  channel({ id: 4, name: 'Spring pop-up', status: 'inactive', siteUrl: 'https://popup.example', siteOrigins: ['https://popup.example'] }),
  channel({ id: 5, name: 'Old shop', status: 'archived', siteUrl: 'https://old.example', siteOrigins: ['https://old.example'] }),
]

describe('storefront sites', () => {
  it('normalizes origins and collects every URL of a site once', () => {
    expect(originOf('HTTPS://Shop.Example:443/path?q=1')).toBe('https://shop.example')
    expect(originOf('http://localhost:8787/')).toBe('http://localhost:8787')
    expect(originOf('ftp://shop.example')).toBeNull()
    expect(originOf('null')).toBeNull()
    expect(siteOrigins('https://www.shop.example/', ['https://www.shop.example', 'https://checkout.shop.example/x'])).toEqual([
      'https://www.shop.example',
      'https://checkout.shop.example',
    ])
  })

  it('takes beacon hits only from active storefronts that have a site', () => {
    expect(CHANNELS.filter(isLiveStorefront).map((c) => c.id)).toEqual([1, 2])
    expect(liveStorefrontOrigins(CHANNELS)).toEqual(['https://shop.example', 'https://www.outlet.example', 'https://checkout.outlet.example'])
    expect(storefrontOfOrigin(CHANNELS, 'https://checkout.outlet.example')?.id).toBe(2)
    expect(storefrontOfOrigin(CHANNELS, 'https://popup.example')).toBeNull()
    expect(storefrontOfOrigin(CHANNELS, 'https://evil.example')).toBeNull()
    expect(storefrontOfOrigin(CHANNELS, undefined)).toBeNull()
  })

  it("links a channel to its own site, else to the default storefront's, without a trailing slash", () => {
    expect(storefrontBaseUrl(CHANNELS, 2)).toBe('https://www.Outlet.example')
    expect(storefrontBaseUrl(CHANNELS, 1)).toBe('https://shop.example')
    expect(storefrontBaseUrl(CHANNELS, 3)).toBe('https://shop.example')
    expect(storefrontBaseUrl(CHANNELS, 99)).toBe('https://shop.example')
    expect(storefrontBaseUrl([], 1)).toBeNull()
  })

  it("gives a registered shopper's order its account page on Stencil and Catalyst storefronts only", () => {
    const order = { orderId: 250, customerId: 7 }
    expect(orderStatusUrl(CHANNELS[0]!, 'https://shop.example', order)).toBe('https://shop.example/account.php?action=view_order&order_id=250')
    expect(orderStatusUrl(CHANNELS[1]!, 'https://outlet.example', order)).toBe('https://outlet.example/account/orders/250')
    expect(orderStatusUrl(CHANNELS[0]!, 'https://shop.example', { orderId: 250, customerId: 0 })).toBeNull()
    expect(orderStatusUrl(channel({ platform: 'wordpress' }), 'https://shop.example', order)).toBeNull()
    expect(orderStatusUrl(null, 'https://shop.example', order)).toBeNull()
    expect(orderStatusUrl(CHANNELS[0]!, null, order)).toBeNull()
  })

  it('counts storefront channels that are not archived, deleted or terminated', () => {
    expect(storefrontChannels(CHANNELS).map((c) => c.id)).toEqual([1, 2, 4])
  })
})

describe('one person across storefronts', () => {
  const main = aCustomer({ customerId: 42, originChannelId: 1, channelIds: [1], firstName: 'Janet', createdAt: '2025-01-01T00:00:00.000Z', modifiedAt: '2025-01-01T00:00:00.000Z' })
  const outlet = aCustomer({ customerId: 77, originChannelId: 2, channelIds: [2], firstName: 'Jan', createdAt: '2025-06-01T00:00:00.000Z', modifiedAt: '2025-06-01T00:00:00.000Z' })

  it('keeps each account by id, the newest state of each, and the most recently changed one as the customer', () => {
    const state = aContactState()
    expect(applyCustomerUpdate(state, outlet)).toBe(true)
    expect(applyCustomerUpdate(state, main)).toBe(true)
    expect(Object.keys(state.customers).sort()).toEqual(['42', '77'])
    expect(state.customer?.customerId).toBe(77)
    // An older snapshot of one account changes nothing; a newer one of the other makes it the customer.
    expect(applyCustomerUpdate(state, { ...outlet, firstName: 'Old', modifiedAt: '2025-02-01T00:00:00.000Z' })).toBe(false)
    expect(applyCustomerUpdate(state, { ...main, firstName: 'Janet B', modifiedAt: '2025-07-01T00:00:00.000Z' })).toBe(true)
    expect(state.customer).toMatchObject({ customerId: 42, firstName: 'Janet B' })
    expect(state.customers['77']!.firstName).toBe('Jan')
  })

  it('keeps the first account as bc_customer_id, lists every id, and the storefronts bought from in order', () => {
    const state = aContactState()
    applyCustomerUpdate(state, outlet)
    applyCustomerUpdate(state, main)
    applyOrderUpdate(state, anOrder({ orderId: 1, customerId: 77, channelId: 2, storefront: 'Outlet', statusId: 10, createdAt: '2026-01-01T00:00:00.000Z' }))
    applyOrderUpdate(state, anOrder({ orderId: 2, customerId: 42, storefront: 'Default Storefront', statusId: 10, createdAt: '2026-02-01T00:00:00.000Z' }))
    applyOrderUpdate(state, anOrder({ orderId: 3, customerId: 0, channelId: 2, storefront: 'Outlet', statusId: 10, createdAt: '2026-03-01T00:00:00.000Z' }))
    // A cancelled order on a third storefront is no purchase from it.
    applyOrderUpdate(state, anOrder({ orderId: 4, customerId: 91, channelId: 5, storefront: 'Old shop', statusId: 5, createdAt: '2026-04-01T00:00:00.000Z' }))
    const summary = summarizeContact(state, new Date('2026-04-02T00:00:00Z'), { lapsedAfterMs: 365 * 86_400_000 })
    expect(summary).toMatchObject({
      customerId: 42,
      customerIds: [42, 77, 91],
      firstStorefront: 'Outlet',
      storefronts: ['Outlet', 'Default Storefront'],
      orderCount: 3,
    })
  })

  it('reads a state saved before accounts were kept per channel', () => {
    const state = aContactState({ customer: main })
    const summary = summarizeContact(state, new Date('2026-04-02T00:00:00Z'), { lapsedAfterMs: 365 * 86_400_000 })
    expect(summary).toMatchObject({ customerId: 42, customerIds: [42], firstStorefront: null, storefronts: [] })
  })
})

describe('storefront audiences', () => {
  it('filter on bc_storefronts, and exist only where a store has more than one storefront', () => {
    expect(listFilterProblems(storefrontAudience('Outlet'))).toEqual([])
    expect(storefrontAudience('Outlet').filters).toEqual([
      { filterType: 'PROPERTY', property: 'bc_storefronts', operation: { operationType: 'STRING', operator: 'CONTAINS', value: 'Outlet', includeObjectsWithNoValueSet: false } },
    ])
    const ids = (storefronts: string[]) => audienceDefinitions([], storefronts).map((a) => a.id).filter((id) => id.startsWith('storefront:'))
    expect(ids(['Default Storefront'])).toEqual([])
    expect(ids(['Default Storefront', 'Outlet'])).toEqual(['storefront:Default Storefront', 'storefront:Outlet'])
  })
})
