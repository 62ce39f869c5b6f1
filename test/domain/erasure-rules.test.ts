import { describe, expect, it } from 'vitest'
import { deadLetterAction } from '../../src/domain/erasure-rules'

const person = { emails: ['ada@example.com'], cartIds: ['c-1'], customerIds: [32], subscriberIds: [5] }
const hubspot = (record: object, error = 'HTTP 400') => ({ id: 1, source: 'hubspot' as const, reference: 'x', payload: JSON.stringify(record), error })
const webhook = (subject: object) => ({ id: 2, source: 'webhook' as const, reference: 'w', payload: JSON.stringify({ scope: 's', hash: 'h', subject }), error: 'HTTP 500' })

describe('what an erasure does with a dead letter', () => {
  it('deletes the person\'s contact, carts and cart tasks', () => {
    expect(deadLetterAction(hubspot({ objectType: 'contacts', key: 'ADA@example.com', properties: {} }), person)).toEqual({ action: 'delete' })
    expect(deadLetterAction(hubspot({ objectType: 'carts', key: 'c-1', properties: {} }), person)).toEqual({ action: 'delete' })
    expect(deadLetterAction(hubspot({ objectType: 'tasks', key: 'cart_abandoned:c-1:2026', properties: {} }), person)).toEqual({ action: 'delete' })
  })

  it('keeps an order replayable without its link to the contact', () => {
    const order = { objectType: 'orders', key: '250', properties: { bc_order_id: '250' }, associations: [{ toObjectType: 'contacts', toKey: 'ada@example.com' }] }
    const action = deadLetterAction(hubspot(order, 'HTTP 400: contact ada@example.com is invalid'), person)
    expect(action).toEqual({
      action: 'unlink',
      payload: JSON.stringify({ ...order, associations: [] }),
      error: 'erased: the error named the person',
    })
  })

  it('deletes webhook events about their customer account, subscriber record or carts; keeps anyone else\'s', () => {
    expect(deadLetterAction(webhook({ kind: 'customer', customerId: 32 }), person)).toEqual({ action: 'delete' })
    expect(deadLetterAction(webhook({ kind: 'subscriber', subscriberId: 5 }), person)).toEqual({ action: 'delete' })
    expect(deadLetterAction(webhook({ kind: 'cart_abandoned', cartId: 'c-1', token: 't' }), person)).toEqual({ action: 'delete' })
    expect(deadLetterAction(webhook({ kind: 'customer', customerId: 33 }), person)).toEqual({ action: 'keep' })
    expect(deadLetterAction(webhook({ kind: 'order', orderId: 250 }), person)).toEqual({ action: 'keep' })
    expect(deadLetterAction(hubspot({ objectType: 'contacts', key: 'bob@example.com', properties: {} }), person)).toEqual({ action: 'keep' })
  })
})
