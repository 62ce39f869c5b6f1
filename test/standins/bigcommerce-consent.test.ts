import { describe, expect, it } from 'vitest'
import { createBigCommerceStandin, type BigCommerceStandin } from '../../standins/bigcommerce'

/** Subscriber and customer updates in the BigCommerce stand-in, as subscribers.v3.yml and customers.v3.yml define them. */
function api(standin: BigCommerceStandin, method: string, path: string, body?: unknown): Promise<Response> {
  return standin.fetch(new Request(`http://bigcommerce.standin/stores/teststore/v3${path}`, {
    method,
    headers: { 'X-Auth-Token': 'bc-test-token', 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }))
}

describe('PUT /v3/customers/subscribers/{id}', () => {
  it('changes the consents and the modification time, and records the webhook BigCommerce would send', async () => {
    let now = Date.UTC(2026, 0, 1)
    const standin = createBigCommerceStandin({ clock: () => now })
    const { value } = standin.store.upsertSubscriber('ada@example.com', ['marketing_newsletter', 'abandoned_cart'])
    now += 3_600_000
    const res = await api(standin, 'PUT', `/customers/subscribers/${value.id}`, { consents: ['abandoned_cart'] })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: { consents: string[]; date_modified: string } }
    expect(body.data.consents).toEqual(['abandoned_cart'])
    expect(body.data.date_modified).toBe('2026-01-01T01:00:00Z')
    expect(standin.store.apiEvents).toEqual([{ scope: 'store/subscriber/updated', data: { type: 'subscriber', id: value.id } }])
  })

  it('refuses an unknown consent (422), an unknown subscriber (404) and a taken email (409)', async () => {
    const standin = createBigCommerceStandin()
    const ada = standin.store.upsertSubscriber('ada@example.com', ['marketing_newsletter']).value
    standin.store.upsertSubscriber('bob@example.com', [])
    expect((await api(standin, 'PUT', `/customers/subscribers/${ada.id}`, { consents: ['everything'] })).status).toBe(422)
    expect((await api(standin, 'PUT', '/customers/subscribers/999', { consents: [] })).status).toBe(404)
    expect((await api(standin, 'PUT', `/customers/subscribers/${ada.id}`, { email: 'bob@example.com' })).status).toBe(409)
    expect(standin.store.subscribers.get(ada.id)!.consents).toEqual(['marketing_newsletter'])
  })
})

describe('PUT /v3/customers', () => {
  it('updates customers by id in an array', async () => {
    const standin = createBigCommerceStandin()
    const customer = standin.store.createCustomer({ email: 'ada@example.com', acceptsAbandonedCartEmails: true }).value
    const res = await api(standin, 'PUT', '/customers', [{ id: customer.id, accepts_product_review_abandoned_cart_emails: false }])
    expect(res.status).toBe(200)
    expect(((await res.json()) as { data: { accepts_product_review_abandoned_cart_emails: boolean }[] }).data[0]!.accepts_product_review_abandoned_cart_emails).toBe(false)
    expect(standin.store.customers.get(customer.id)!.accepts_product_review_abandoned_cart_emails).toBe(false)
  })

  it('refuses more than 10 (413), no id or an unknown one, a flag that is not a boolean, a read-only field (422)', async () => {
    const standin = createBigCommerceStandin()
    const customer = standin.store.createCustomer({ email: 'ada@example.com', acceptsAbandonedCartEmails: true }).value
    const eleven = Array.from({ length: 11 }, () => ({ id: customer.id }))
    expect((await api(standin, 'PUT', '/customers', eleven)).status).toBe(413)
    for (const bad of [[{ accepts_product_review_abandoned_cart_emails: false }], [{ id: 999 }],
      [{ id: customer.id, accepts_product_review_abandoned_cart_emails: 'no' }], [{ id: customer.id, date_created: '2026-01-01' }]]) {
      expect((await api(standin, 'PUT', '/customers', bad)).status).toBe(422)
    }
    expect(standin.store.customers.get(customer.id)!.accepts_product_review_abandoned_cart_emails).toBe(true)
  })

  it('answers 403 to writes when the API account has Customers read-only, as BigCommerce does; reads still work', async () => {
    const standin = createBigCommerceStandin({ scopes: { customers: 'read-only' } })
    const customer = standin.store.createCustomer({ email: 'ada@example.com', acceptsAbandonedCartEmails: true }).value
    const subscriber = standin.store.upsertSubscriber('ada@example.com', ['marketing_newsletter']).value
    const refused = await api(standin, 'PUT', '/customers', [{ id: customer.id, accepts_product_review_abandoned_cart_emails: false }])
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { title: string }).title).toBe("You don't have a required scope to access the endpoint")
    expect((await api(standin, 'PUT', `/customers/subscribers/${subscriber.id}`, { consents: [] })).status).toBe(403)
    expect((await api(standin, 'GET', `/customers?id:in=${customer.id}`)).status).toBe(200)
    expect(standin.store.customers.get(customer.id)!.accepts_product_review_abandoned_cart_emails).toBe(true)
  })
})
