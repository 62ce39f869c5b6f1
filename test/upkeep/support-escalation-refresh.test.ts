import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { supportEscalationsJob } from '../../src/cron/support-escalations-job'
import { refreshSupportEscalations, REFRESH_INTERVAL_MS } from '../../src/upkeep/support-escalation-refresh'
import { adminCall } from '../support/admin'
import { flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'
import { contactProperties, decisions, MINUTE, openCart } from '../support/scenarios'

/**
 * Support escalations end to end: tickets in the HubSpot stand-in, the refresh (as the cron and setup run it)
 * through the HubSpot writer into D1, and the contact's abandoned cart decided with that cache.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

/** A ticket on the contact (who must be in HubSpot first): stage 2 is "Waiting on contact", 4 "Closed". */
async function ticketFor(email: string, properties: Record<string, string> = {}): Promise<string> {
  await flushHubSpot()
  const contact = hubspot.portal.findByProperty('contacts', 'email', email)
  if (!contact) throw new Error(`${email} is not in HubSpot`)
  const ticket = hubspot.portal.insert('tickets', {
    subject: 'Damaged parcel', hs_pipeline: '0', hs_pipeline_stage: '2', hs_ticket_priority: 'HIGH', ...properties,
  }, Date.now())
  hubspot.portal.associateDefault('tickets', ticket.id, 'contacts', contact.id)
  return ticket.id
}

async function abandonWith(email: string, ticket?: Record<string, string>) {
  await subscribe(bigcommerce, email)
  const ticketId = ticket ? await ticketFor(email, ticket) : null
  await refreshSupportEscalations(env, new Date(), { force: true })
  await openCart(bigcommerce, email)
  await wakeContact(email, Date.now() + 46 * MINUTE)
  return ticketId
}

describe('support escalations', () => {
  it('an open HIGH ticket suppresses the abandoned cart, and the reason names the ticket', async () => {
    const email = 'escalated@example.com'
    const ticketId = await abandonWith(email, {})
    const cart = await decisions(email, 'cart_abandoned')
    expect(cart).toEqual([expect.objectContaining({ decision: 'suppressed' })])
    expect(cart[0]!.reason).toContain(`open support ticket ${ticketId} "Damaged parcel" (priority HIGH, Waiting on contact)`)
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_cart_abandoned_at ?? '').toBe('')
  })

  it('a closed HIGH ticket or an open LOW one does not', async () => {
    await abandonWith('closed@example.com', { hs_pipeline_stage: '4' })
    await abandonWith('low@example.com', { hs_ticket_priority: 'LOW' })
    expect((await decisions('closed@example.com', 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])
    expect((await decisions('low@example.com', 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])
  })

  it('a ticket closed since lets marketing through again at the next refresh', async () => {
    const email = 'resolved@example.com'
    const ticketId = await abandonWith(email, {})
    hubspot.portal.write(hubspot.portal.record('tickets', ticketId!)!, { hs_pipeline_stage: '4' }, Date.now())
    await refreshSupportEscalations(env, new Date(), { force: true })
    await openCart(bigcommerce, email)
    await wakeContact(email, Date.now() + 46 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).map((d) => d.decision)).toEqual(['suppressed', 'fired'])
  })

  it('a portal without ticket access keeps firing, and setup and the status report it', async () => {
    hubspot.scopes.tickets = false
    const setup = await adminCall('POST', '/admin/api/setup', { role: 'admin' })
    expect(setup.status).toBe(200)
    const reported = (await setup.json()) as { supportTickets: { available: boolean; reason: string } }
    expect(reported.supportTickets).toMatchObject({ available: false, reason: expect.stringContaining('tickets scope') })

    const email = 'no-scope@example.com'
    await subscribe(bigcommerce, email)
    await openCart(bigcommerce, email)
    await wakeContact(email, Date.now() + 46 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])

    const status = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as {
      problems: string[]
      supportTickets: { enabled: boolean; available: boolean }
    }
    expect(status.supportTickets).toMatchObject({ enabled: true, available: false })
    expect(status.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^suppression by support tickets is off: HubSpot refused the ticket read \(HTTP 403/)]))
  })

  it('the cron reads HubSpot once per interval, through the writer, in a handful of calls', async () => {
    const now = Date.now()
    const pipelineReads = () => hubspot.requests.filter((r) => r.path === '/crm/v3/pipelines/tickets').length
    await supportEscalationsJob.run(env, new Date(now))
    await supportEscalationsJob.run(env, new Date(now + MINUTE))
    expect(pipelineReads()).toBe(1)
    await supportEscalationsJob.run(env, new Date(now + REFRESH_INTERVAL_MS))
    expect(pipelineReads()).toBe(2)
    // No ticket: pipelines, priorities and one search.
    expect(hubspot.requests.filter((r) => /tickets|contacts\/batch\/read/.test(r.path))).toHaveLength(6)
  })

  it('reports configured priorities the portal lacks', async () => {
    const withUrgent = { ...env, SUPPORT_SUPPRESSION_PRIORITIES: 'HIGH,Critical' }
    await refreshSupportEscalations(withUrgent as typeof env, new Date(), { force: true })
    const status = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as { problems: string[] }
    expect(status.problems).toEqual(expect.arrayContaining([expect.stringContaining('SUPPORT_SUPPRESSION_PRIORITIES names Critical, which hs_ticket_priority lacks')]))
  })
})
