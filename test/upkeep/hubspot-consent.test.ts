import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { hubspotConsentJob } from '../../src/cron/hubspot-consent-job'
import { runConsentSync } from '../../src/upkeep/hubspot-consent'
import { contactObject } from '../../src/durable/stubs'
import { adminCall, TOKENS } from '../support/admin'
import { contactProperties, decisions, MINUTE, openCart } from '../support/scenarios'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'

/**
 * Consent from HubSpot end to end: an unsubscribe recorded in the HubSpot stand-in, the consent job (as the cron
 * runs it) through the HubSpot writer, the contact's next abandoned cart, and the write-back to the BigCommerce
 * stand-in with CONSENT_WRITE_BACK=on.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']
vi.setConfig({ testTimeout: 30_000 })

const withWriteBack = { ...env, CONSENT_WRITE_BACK: 'on' }

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

/** A registered customer who accepts abandoned-cart emails and subscribed to the newsletter, synced to HubSpot. */
async function customerInHubSpot(email: string) {
  const { value: customer, events } = bigcommerce.store.createCustomer({ email, acceptsAbandonedCartEmails: true, at: Date.now() - 3_600_000 })
  await deliverEvents(events)
  await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter', 'abandoned_cart'], { at: Date.now() - 3_600_000 }).events)
  await flushHubSpot()
  expect(contactProperties(hubspot, email).bc_email_consent).toBe('opted_in')
  return customer
}

async function abandonCart(email: string) {
  await openCart(bigcommerce, email)
  await wakeContact(email, Date.now() + 46 * MINUTE)
  return (await decisions(email, 'cart_abandoned')).at(-1)
}

describe('an unsubscribe in HubSpot', () => {
  it('is read within a minute, stops the next cart trigger (suppressed, "unsubscribed in HubSpot") and the consent property follows', async () => {
    const email = 'ada@example.com'
    await customerInHubSpot(email)
    expect(hubspotConsentJob.crons).toContain('* * * * *')
    await runConsentSync(env, new Date())

    hubspot.portal.unsubscribe(email, 'all', Date.now())
    const state = await runConsentSync(env, new Date(Date.now() + MINUTE))
    expect(state).toMatchObject({ found: 1, changed: 1, applied: 1, lastError: null })
    expect((await contactObject(env, email).snapshot())!.hubspotOptOut).toMatchObject({ allEmail: true, types: [] })

    const cart = await abandonCart(email)
    expect(cart).toMatchObject({ decision: 'suppressed', reason: 'unsubscribed in HubSpot' })
    await flushHubSpot()
    const contact = contactProperties(hubspot, email)
    expect(contact.bc_email_consent).toBe('opted_out')
    expect(contact.bc_cart_abandoned_at ?? '').toBe('')
    // No cap slot was spent.
    expect((await contactObject(env, email).snapshot())!.automation.capLedger).toEqual([])
    // Nothing was written to the store: CONSENT_WRITE_BACK is off by default.
    expect(bigcommerce.store.subscriberByEmail(email)!.consents).toEqual(['marketing_newsletter', 'abandoned_cart'])
  })

  it('with CONSENT_WRITE_BACK=on, the subscriber loses its consents and the customer its abandoned-cart flag, audited without the email', async () => {
    const email = 'bea@example.com'
    const customer = await customerInHubSpot(email)
    hubspot.portal.unsubscribe(email, 'all', Date.now())
    await runConsentSync(withWriteBack, new Date())

    expect(bigcommerce.store.subscriberByEmail(email)!.consents).toEqual([])
    expect(bigcommerce.store.customers.get(customer.id)!.accepts_product_review_abandoned_cart_emails).toBe(false)
    const audit = await (await adminCall('GET', '/admin/api/audit', { role: 'viewer' })).json() as { entries: { action: string; target: string; who: { fingerprint: string } }[] }
    const writes = audit.entries.filter((e) => e.action === 'consent.write_back')
    expect(writes.map((e) => e.target).sort()).toEqual([`bigcommerce customer ${customer.id}`, `bigcommerce subscriber ${bigcommerce.store.subscriberByEmail(email)!.id}`])
    expect(writes[0]!.who.fingerprint).toBe('config:CONSENT_WRITE_BACK')
    expect(JSON.stringify(audit)).not.toContain(email)

    // The store's own webhooks of that write bring nothing new: the contact stays opted out.
    await deliverEvents(bigcommerce.store.apiEvents.splice(0))
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed' })
    // Run again: nothing more is written (idempotent), nothing is ever added.
    await runConsentSync(withWriteBack, new Date(Date.now() + MINUTE))
    expect(bigcommerce.store.apiEvents).toEqual([])
  })

  it('a store opt-in older than the unsubscribe is ignored, a newer one counts (and is never written back)', async () => {
    const email = 'cyd@example.com'
    await subscribe(bigcommerce, email)
    await flushHubSpot()
    const unsubscribedAt = Date.now()
    hubspot.portal.unsubscribe(email, 'all', unsubscribedAt)
    await runConsentSync(env, new Date())
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed', reason: 'unsubscribed in HubSpot' })

    // A replayed sign-up from before the unsubscribe (its record last changed before it).
    await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter'], { at: unsubscribedAt - 60_000 }).events)
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed', reason: 'unsubscribed in HubSpot' })

    // A sign-up after it: counts, and the write-back (turned on now) leaves the store's newer record alone.
    await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter'], { at: unsubscribedAt + 60_000 }).events)
    expect(await abandonCart(email)).toMatchObject({ decision: 'fired' })
    await runConsentSync(withWriteBack, new Date(Date.now() + MINUTE))
    expect(bigcommerce.store.subscriberByEmail(email)!.consents).toEqual(['marketing_newsletter'])
    expect(bigcommerce.store.apiEvents).toEqual([])
  })

  it('counts an unsubscribe already in the portal at the first run, also for a contact the store brings later', async () => {
    const email = 'dee@example.com'
    const lead = hubspot.portal.insert('contacts', { email }, Date.now() - 86_400_000)
    hubspot.portal.unsubscribe(email, 'all', Date.now() - 86_400_000)
    expect(lead.properties.hs_email_optout).toBe('true')
    expect(await runConsentSync(env, new Date())).toMatchObject({ found: 1, applied: 1, caughtUp: true })

    // The store brings the lead later, with a record older than the HubSpot unsubscribe.
    await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter'], { at: Date.now() - 2 * 86_400_000 }).events)
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed', reason: 'unsubscribed in HubSpot' })
  })

  it('a subscription type counts only when HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names it; an unknown type is reported', async () => {
    const configured = { ...env, HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: '1001,4242' }
    await subscribe(bigcommerce, 'eve@example.com')
    await subscribe(bigcommerce, 'fay@example.com')
    await flushHubSpot()
    hubspot.portal.unsubscribe('eve@example.com', { subscriptionTypeId: '1001' }, Date.now())
    hubspot.portal.unsubscribe('fay@example.com', { subscriptionTypeId: '1002' }, Date.now())
    const state = await runConsentSync(configured, new Date())
    expect(state).toMatchObject({ knownTypes: ['1001'], unknownTypes: ['4242'], found: 1 })
    const status = await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json() as { problems: string[] }
    expect(status.problems.join('\n')).toContain('HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names 4242')
  })
})

describe('write-back needs the Customers modify scope', () => {
  const setup = async () => {
    const request = new Request('https://worker.example.com/admin/api/setup', { method: 'POST', headers: { authorization: `Bearer ${TOKENS.admin}` } })
    return (await (await callWorker(request, withWriteBack)).json()) as { consentWriteBack: { available: boolean; reason?: string } }
  }

  it('setup reports a token without it, the job writes nothing and the status says why; granted, it writes', async () => {
    bigcommerce.scopes.customers = 'read-only'
    const email = 'gil@example.com'
    await customerInHubSpot(email)
    expect((await setup()).consentWriteBack).toMatchObject({ available: false, reason: expect.stringContaining('Customers modify scope') })
    hubspot.portal.unsubscribe(email, 'all', Date.now())
    await runConsentSync(withWriteBack, new Date())
    expect(bigcommerce.store.subscriberByEmail(email)!.consents).toEqual(['marketing_newsletter', 'abandoned_cart'])
    // The contact is suppressed all the same: only the store write waits.
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed', reason: 'unsubscribed in HubSpot' })
    const status = await callWorker(new Request('https://worker.example.com/admin/api/status', { headers: { authorization: `Bearer ${TOKENS.viewer}` } }), withWriteBack)
    expect(((await status.json()) as { problems: string[] }).problems.join('\n')).toContain('consent write-back is off')

    bigcommerce.scopes.customers = 'modify'
    expect((await setup()).consentWriteBack).toMatchObject({ available: true })
    await runConsentSync(withWriteBack, new Date(Date.now() + MINUTE))
    expect(bigcommerce.store.subscriberByEmail(email)!.consents).toEqual([])
  })
})

describe('deletions in the store', () => {
  it('a deleted subscriber is read again by email; with none left, the contact is opted out', async () => {
    const email = 'hal@example.com'
    await subscribe(bigcommerce, email)
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_email_consent).toBe('opted_in')
    const subscriber = bigcommerce.store.subscriberByEmail(email)!
    await deliverEvents(bigcommerce.store.deleteSubscriber(subscriber.id).events)
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_email_consent).toBe('opted_out')
    expect(await abandonCart(email)).toMatchObject({ decision: 'suppressed' })
    const mapping = await env.DB.prepare('SELECT count(*) AS n FROM subscriber_emails WHERE subscriber_id = ?').bind(subscriber.id).first<{ n: number }>()
    expect(mapping!.n).toBe(0)
  })

  it('a deleted customer is no longer synced under that id; the contact stays', async () => {
    const email = 'ida@example.com'
    const customer = await customerInHubSpot(email)
    await deliverEvents(bigcommerce.store.deleteCustomer(customer.id).events)
    const row = await env.DB.prepare('SELECT count(*) AS n FROM customer_emails WHERE customer_id = ?').bind(customer.id).first<{ n: number }>()
    expect(row!.n).toBe(0)
    const snapshot = await contactObject(env, email).snapshot()
    expect(snapshot).not.toBeNull()
    expect(snapshot!.customer).toBeNull()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)).toBeDefined()
  })
})
