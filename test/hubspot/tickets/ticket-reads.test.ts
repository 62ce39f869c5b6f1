import { describe, expect } from 'vitest'
import { budgetedReads } from '../../../src/hubspot/tickets/budgeted'
import { matchPriorities, readOpenEscalations, SEARCH_BODY_LIMIT, stageChunks } from '../../../src/hubspot/tickets/ticket-reads'
import type { Portal } from '../../../standins/hubspot'
import { harness, it } from '../support'

/** The support-escalation reads against the HubSpot stand-in, on the writer engine's own rate budget. */
function ticket(portal: Portal, now: number, properties: Record<string, string>, emails: string[] = []) {
  const record = portal.insert('tickets', { subject: 'Help', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH', ...properties }, now)
  for (const email of emails) {
    const contact = portal.findByProperty('contacts', 'email', email) ?? portal.insert('contacts', { email }, now)
    portal.associateDefault('tickets', record.id, 'contacts', contact.id)
  }
  return record.id
}

describe('reading open escalated tickets', () => {
  it('finds open tickets of the configured priorities with their contacts’ emails, in five calls', async () => {
    const h = harness()
    const now = h.time.now()
    const open = ticket(h.portal, now, { subject: 'Broken grinder', hs_pipeline_stage: '3' }, ['Ada@Example.com', 'bob@example.com'])
    ticket(h.portal, now, { hs_pipeline_stage: '4' }, ['closed@example.com'])
    ticket(h.portal, now, { hs_ticket_priority: 'LOW' }, ['low@example.com'])
    ticket(h.portal, now, {}, []) // no contact: nothing to hold back
    const returns = h.portal.addTicketPipeline('Returns', [{ label: 'Requested', ticketState: 'OPEN' }, { label: 'Done', ticketState: 'CLOSED' }])
    const other = ticket(h.portal, now, { hs_pipeline: returns.id, hs_pipeline_stage: returns.stages[0]!.id, hs_ticket_priority: 'URGENT' }, ['cy@example.com'])

    const read = await readOpenEscalations(h.client, budgetedReads(h.engine.budget, h.time.clock), ['HIGH', 'urgent'])
    expect(read).toMatchObject({ ok: true, openStages: 4, calls: 5 })
    if (!read.ok) return
    expect(read.priorities).toMatchObject({ matched: ['HIGH', 'URGENT'], unknown: [] })
    expect(read.tickets).toEqual([
      { ticketId: open, priority: 'HIGH', subject: 'Broken grinder', stage: 'Waiting on us', emails: ['ada@example.com', 'bob@example.com'] },
      { ticketId: other, priority: 'URGENT', subject: 'Help', stage: 'Requested', emails: ['cy@example.com'] },
    ])
    expect(h.standin.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /crm/v3/pipelines/tickets',
      'GET /crm/v3/properties/tickets/hs_ticket_priority',
      'POST /crm/v3/objects/tickets/search',
      'POST /crm/v4/associations/tickets/contacts/batch/read',
      'POST /crm/v3/objects/contacts/batch/read',
    ])
  })

  it('matches priorities by the portal’s own values or labels, and reports the ones it lacks', () => {
    const options = [{ value: 'P1', label: 'Critical' }, { value: 'P2', label: 'High' }]
    expect(matchPriorities(['critical', 'HIGH', 'URGENT'], options)).toEqual({
      configured: ['critical', 'HIGH', 'URGENT'], matched: ['P1', 'P2'], unknown: ['URGENT'], options: ['P1 (Critical)', 'P2 (High)'],
    })
  })

  it('searches nothing when no configured priority exists in the portal', async () => {
    const h = harness({ standin: { ticketPriorities: [{ value: 'P1', label: 'Critical' }] } })
    ticket(h.portal, h.time.now(), { hs_ticket_priority: 'P1' }, ['ada@example.com'])
    const read = await readOpenEscalations(h.client, budgetedReads(h.engine.budget, h.time.clock), ['HIGH'])
    expect(read).toMatchObject({ ok: true, tickets: [], priorities: { unknown: ['HIGH'], options: ['P1 (Critical)'] }, calls: 2 })
  })

  it('pages past HubSpot’s 10,000 results a query by searching on from the last ticket id', async () => {
    const h = harness()
    const now = h.time.now()
    const first = ticket(h.portal, now, {}, ['first@example.com'])
    for (let i = 0; i < 5_000; i++) ticket(h.portal, now, {})
    const middle = ticket(h.portal, now, {}, ['middle@example.com'])
    for (let i = 0; i < 5_200; i++) ticket(h.portal, now, {})
    const last = ticket(h.portal, now, {}, ['last@example.com'])
    const read = await readOpenEscalations(h.client, budgetedReads(h.engine.budget, h.time.clock), ['HIGH'])
    expect(read.ok && read.tickets.map((t) => t.ticketId)).toEqual([first, middle, last])
    const searches = h.standin.requests.filter((r) => r.path.endsWith('/search'))
    expect(searches).toHaveLength(Math.ceil(10_000 / 200) + Math.ceil(203 / 200))
    expect(h.standin.requests.every((r) => r.status === 200 || r.status === 207)).toBe(true)
  })

  it('splits many open stages over searches whose bodies stay under 3,000 characters', () => {
    const stages = Array.from({ length: 400 }, (_, i) => String(1_000_000 + i))
    const chunks = stageChunks(stages, ['HIGH', 'URGENT'])
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.flat()).toEqual(stages)
    expect(stageChunks(['1', '2', '3'], ['HIGH'])).toEqual([['1', '2', '3']])
    expect(SEARCH_BODY_LIMIT).toBe(3_000)
  })

  it('reports a token without the tickets scope after one call', async () => {
    const h = harness({ standin: { scopes: { tickets: false } } })
    const read = await readOpenEscalations(h.client, budgetedReads(h.engine.budget, h.time.clock), ['HIGH'])
    expect(read).toMatchObject({ ok: false, missingScope: true, status: 403, calls: 1, message: expect.stringContaining('scopes') })
  })
})

describe('the writer’s rate budget', () => {
  it('reads and writes share one window: together they stay under the account’s limit without a 429', async () => {
    const h = harness({ standin: { rateLimit: { max: 10, intervalMs: 10_000 } }, engine: { budget: { max: 10, intervalMs: 10_000 } } })
    const now = h.time.now()
    for (let i = 0; i < 30; i++) ticket(h.portal, now, {}, [`t${i}@example.com`])
    h.engine.enqueue(Array.from({ length: 250 }, (_, i) => ({ objectType: 'contacts' as const, key: `w${i}@example.com`, properties: { email: `w${i}@example.com` } })))
    const reads = budgetedReads(h.engine.budget, h.time.clock)
    const [read] = await Promise.all([readOpenEscalations(h.client, reads, ['HIGH']), h.drain()])
    expect(read.ok && read.tickets).toHaveLength(30)
    expect(h.standin.requests.filter((r) => r.status === 429)).toEqual([])
    // No ten-second window held more than the limit.
    const times = h.standin.requests.filter((r) => !r.path.endsWith('/search')).map((r) => r.at)
    for (const t of times) expect(times.filter((u) => u > t - 10_000 && u <= t).length).toBeLessThanOrEqual(10)
  })

  it('gives up, without calling, when the budget frees too late', async () => {
    const h = harness({ engine: { budget: { max: 2, intervalMs: 60_000, reserve: 0 } } })
    h.engine.budget.take(h.time.now())
    h.engine.budget.take(h.time.now())
    const read = await readOpenEscalations(h.client, budgetedReads(h.engine.budget, h.time.clock), ['HIGH'])
    expect(read).toMatchObject({ ok: false, missingScope: false, message: expect.stringContaining('rate budget') })
    expect(h.standin.requests).toEqual([])
  })
})
