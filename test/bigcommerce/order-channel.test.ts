import { describe, expect, it } from 'vitest'
import { ORDER_CHANNEL_RULES, orderChannel, type ChannelInfo } from '../../src/bigcommerce/order-channel'
import { ORDER_CHANNELS } from '../../src/domain/model'

const ch = (type: string, platform: string, name = 'Channel'): ChannelInfo => ({ type, platform, name })

describe('orderChannel', () => {
  const cases: [string, ChannelInfo | null, string | null, string | null, string][] = [
    ['Stencil storefront, web', ch('storefront', 'bigcommerce', 'Main'), 'www', null, 'storefront'],
    ['Catalyst storefront, app', ch('storefront', 'catalyst'), 'iphone', null, 'storefront'],
    ['unknown channel, mobile', null, 'mobile', null, 'storefront'],
    ['storefront channel, no source', ch('storefront', 'bigcommerce'), null, null, 'storefront'],
    ['Square POS', ch('pos', 'square'), 'external', null, 'pos'],
    ['custom POS platform with a manual source', ch('pos', 'custom'), 'manual', null, 'pos'],
    ['Amazon channel', ch('marketplace', 'amazon'), 'external', null, 'marketplace'],
    ['eBay source without a channel', null, 'ebay', null, 'marketplace'],
    ['Facebook Marketplace source on the storefront', ch('storefront', 'bigcommerce'), 'facebookmarketplace', null, 'marketplace'],
    ['control panel order', ch('storefront', 'bigcommerce'), 'manual', null, 'manual'],
    ['Orders API', ch('storefront', 'bigcommerce'), 'external', null, 'partner'],
    ['checkout API', null, 'checkout_api', null, 'partner'],
    ['buy button', ch('storefront', 'bigcommerce'), 'buybutton', null, 'partner'],
    ['Facebook shop', ch('storefront', 'bigcommerce'), 'facebookshop', null, 'partner'],
    ['marketing channel', ch('marketing', 'google'), null, null, 'partner'],
    ['wholesale storefront by name', ch('storefront', 'bigcommerce', 'Wholesale Portal'), 'www', null, 'wholesale'],
    ['B2B platform', ch('storefront', 'b2b'), 'www', null, 'wholesale'],
    ['migrated history', ch('storefront', 'bigcommerce'), 'external', 'M-MIG', 'unassigned'],
    ['unknown source', ch('storefront', 'bigcommerce'), 'carrier-pigeon', null, 'unassigned'],
    ['nothing known', null, null, null, 'unassigned'],
  ]
  it.each(cases)('%s', (_name, channel, orderSource, externalSource, expected) => {
    expect(orderChannel({ channel, orderSource, externalSource })).toBe(expected)
  })

  it('compares case-insensitively', () => {
    expect(orderChannel({ channel: ch('POS', 'Square'), orderSource: 'WWW' })).toBe('pos')
  })

  it('only names channels of the contract, and the rules can be replaced', () => {
    for (const rule of ORDER_CHANNEL_RULES) expect(ORDER_CHANNELS).toContain(rule.channel)
    const rules = [{ channel: 'wholesale' as const, description: 'every order', orderSource: ['www'] }]
    expect(orderChannel({ channel: null, orderSource: 'www' }, rules)).toBe('wholesale')
    expect(orderChannel({ channel: null, orderSource: 'manual' }, rules)).toBe('unassigned')
  })
})
