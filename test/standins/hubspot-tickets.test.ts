import { describe, expect, it } from 'vitest'
import { hubspot } from '../../standins/hubspot/testing'

/** Tickets in the HubSpot stand-in: pipelines with stage states, priorities, associations, search, scopes. */
const SEARCH = '/crm/v3/objects/tickets/search'

async function createTicket(hs: ReturnType<typeof hubspot>, properties: Record<string, string>, contactId?: string) {
  const res = await hs.post('/crm/v3/objects/tickets', {
    properties,
    ...(contactId ? { associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 16 }] }] } : {}),
  })
  return res
}

async function contact(hs: ReturnType<typeof hubspot>, email: string): Promise<string> {
  const res = await hs.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: email, properties: {} }] })
  return res.body.results[0].id
}

describe('ticket pipelines and properties', () => {
  it('serves the default support pipeline with stage states, and pipelines a portal adds', async () => {
    const hs = hubspot()
    const added = hs.portal.addTicketPipeline('Returns', [
      { label: 'Requested', ticketState: 'OPEN' },
      { label: 'Refunded', ticketState: 'CLOSED' },
    ])
    const res = await hs.call('GET', '/crm/v3/pipelines/tickets')
    expect(res.status).toBe(200)
    expect(res.body.results.map((p: { id: string }) => p.id)).toEqual(['0', added.id])
    expect(res.body.results[0].stages.map((s: { id: string; metadata: { ticketState: string } }) => [s.id, s.metadata.ticketState])).toEqual([
      ['1', 'OPEN'], ['2', 'OPEN'], ['3', 'OPEN'], ['4', 'CLOSED'],
    ])
    expect((await hs.call('GET', `/crm/v3/pipelines/0-5/${added.id}`)).body.stages[1].label).toBe('Refunded')
    expect((await hs.call('GET', '/crm/v3/pipelines/tickets/999')).status).toBe(404)
    expect((await hs.call('GET', '/crm/v3/pipelines/contacts')).status).toBe(400)
  })

  it('has hs_ticket_priority with HubSpot’s options, or the portal’s own', async () => {
    const options = async (hs: ReturnType<typeof hubspot>) =>
      (await hs.call('GET', '/crm/v3/properties/tickets/hs_ticket_priority')).body.options.map((o: { value: string; label: string }) => `${o.value}:${o.label}`)
    expect(await options(hubspot())).toEqual(['LOW:Low', 'MEDIUM:Medium', 'HIGH:High', 'URGENT:Urgent'])
    const custom = hubspot({ ticketPriorities: [{ value: 'P1', label: 'Critical' }, { value: 'P3', label: 'Normal' }] })
    expect(await options(custom)).toEqual(['P1:Critical', 'P3:Normal'])
    const refused = await createTicket(custom, { subject: 'x', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' })
    expect(refused.status).toBe(400)
    expect(refused.body.errors[0]).toMatchObject({ code: 'INVALID_OPTION', context: { propertyName: ['hs_ticket_priority'] } })
  })
})

describe('tickets', () => {
  it('needs a subject and a stage of its pipeline, and associates with a contact (16 / 15)', async () => {
    const hs = hubspot()
    expect((await createTicket(hs, { subject: 'No stage' })).body.errors[0].code).toBe('REQUIRED_PROPERTY')
    const wrongStage = await createTicket(hs, { subject: 'Bad', hs_pipeline: '0', hs_pipeline_stage: '77' })
    expect(wrongStage.status).toBe(400)
    expect(wrongStage.body.errors[0]).toMatchObject({ code: 'INVALID_OPTION', context: { propertyName: ['hs_pipeline_stage'] } })
    const contactId = await contact(hs, 'ada@example.com')
    const created = await createTicket(hs, { subject: 'Broken', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' }, contactId)
    expect(created.status).toBe(201)
    const ticketId = created.body.id
    expect(hs.portal.associations('contacts', contactId, 'tickets')[0]!.associationTypes[0]!.typeId).toBe(15)
    const read = await hs.post('/crm/v4/associations/tickets/contacts/batch/read', { inputs: [{ id: ticketId }] })
    expect(read.body.results).toEqual([{ from: { id: ticketId }, to: [{ toObjectId: Number(contactId), associationTypes: [expect.objectContaining({ typeId: 16 })] }] }])
    // Closing it moves it to a CLOSED stage; a stage of another pipeline is refused.
    expect((await hs.call('PATCH', `/crm/v3/objects/tickets/${ticketId}`, { properties: { hs_pipeline_stage: '4' } })).status).toBe(200)
    const other = hs.portal.addTicketPipeline('Other', [{ label: 'Open', ticketState: 'OPEN' }])
    const mismatch = await hs.call('PATCH', `/crm/v3/objects/tickets/${ticketId}`, { properties: { hs_pipeline_stage: other.stages[0]!.id } })
    expect(mismatch.status).toBe(400)
  })
})

describe('ticket search with HubSpot’s limits', () => {
  function seedTickets(hs: ReturnType<typeof hubspot>, count: number, priority = 'HIGH', stage = '1') {
    for (let i = 0; i < count; i++) {
      hs.portal.insert('tickets', { subject: `T${i}`, hs_pipeline: '0', hs_pipeline_stage: stage, hs_ticket_priority: priority }, hs.now())
    }
  }
  const openHigh = (extra: object[] = []) => ({
    filterGroups: [{ filters: [
      { propertyName: 'hs_ticket_priority', operator: 'IN', values: ['HIGH'] },
      { propertyName: 'hs_pipeline_stage', operator: 'IN', values: ['1', '2', '3'] },
      ...extra,
    ] }],
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    properties: ['subject', 'hs_ticket_priority', 'hs_pipeline_stage'],
    limit: 200,
  })

  it('filters, pages with after, 200 at most a page', async () => {
    const hs = hubspot()
    seedTickets(hs, 250)
    seedTickets(hs, 5, 'LOW')
    seedTickets(hs, 5, 'HIGH', '4')
    const first = await hs.post(SEARCH, openHigh())
    expect(first.status).toBe(200)
    expect(first.body.total).toBe(250)
    expect(first.body.results).toHaveLength(200)
    expect(first.body.results[0].properties).toMatchObject({ hs_ticket_priority: 'HIGH', hs_pipeline_stage: '1' })
    const second = await hs.post(SEARCH, { ...openHigh(), after: first.body.paging.next.after })
    expect(second.body.results).toHaveLength(50)
    expect(second.body.paging).toBeUndefined()
    const ids = [...first.body.results, ...second.body.results].map((r: { id: string }) => Number(r.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect((await hs.post(SEARCH, { ...openHigh(), limit: 201 })).status).toBe(400)
  })

  it('stops at 10,000 results a query; a new query from the last id goes on', async () => {
    const hs = hubspot()
    seedTickets(hs, 10_050)
    const beyond = await hs.post(SEARCH, { ...openHigh(), after: '9900' })
    expect(beyond.status).toBe(400)
    expect(beyond.body.message).toMatch(/10,000/)
    hs.advance(1_000)
    const last = await hs.post(SEARCH, { ...openHigh(), after: '9800' })
    const lastId = last.body.results.at(-1).id
    const rest = await hs.post(SEARCH, openHigh([{ propertyName: 'hs_object_id', operator: 'GT', value: lastId }]))
    expect(rest.body.total).toBe(50)
  })

  it('refuses more than one sort, 5 groups, 6 filters a group, and bodies over 3,000 characters; 5 searches a second', async () => {
    const hs = hubspot()
    const filter = { propertyName: 'hs_ticket_priority', operator: 'EQ', value: 'HIGH' }
    expect((await hs.post(SEARCH, { sorts: [{ propertyName: 'subject' }, { propertyName: 'hs_object_id' }] })).status).toBe(400)
    expect((await hs.post(SEARCH, { filterGroups: Array(6).fill({ filters: [filter] }) })).status).toBe(400)
    expect((await hs.post(SEARCH, { filterGroups: [{ filters: Array(7).fill(filter) }] })).status).toBe(400)
    hs.advance(1_000)
    const long = { filterGroups: [{ filters: [{ propertyName: 'hs_pipeline_stage', operator: 'IN', values: Array(400).fill('1234567') }] }] }
    expect((await hs.post(SEARCH, long)).status).toBe(400)
    for (let i = 0; i < 4; i++) expect((await hs.post(SEARCH, {})).status).toBe(200)
    expect((await hs.post(SEARCH, {})).status).toBe(429)
  })
})

describe('a token without the tickets scope', () => {
  it('gets 403 MISSING_SCOPES on every ticket call, and everything else still works', async () => {
    const hs = hubspot({ scopes: { tickets: false } })
    for (const [method, path] of [
      ['GET', '/crm/v3/pipelines/tickets'],
      ['GET', '/crm/v3/properties/tickets/hs_ticket_priority'],
      ['POST', SEARCH],
      ['POST', '/crm/v3/objects/0-5/search'],
      ['POST', '/crm/v4/associations/tickets/contacts/batch/read'],
    ] as const) {
      const res = await hs.call(method, path, method === 'POST' ? { inputs: [] } : undefined)
      expect(res.status, path).toBe(403)
      expect(res.body).toMatchObject({ category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['tickets'] } }] })
    }
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(200)
    hs.standin.scopes.tickets = true
    expect((await hs.call('GET', '/crm/v3/pipelines/tickets')).status).toBe(200)
  })
})
