import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { AUDIENCES, audienceDefinitions, categoryAudience, LIST_NAME_PREFIX, listFilterProblems } from '../../src/hubspot/lists'
import { propertyDefinition } from '../../src/hubspot/properties'
import { adminCall } from '../support/admin'
import { callWorker, freshWorld, type useStandins } from '../support/worker'

/** The playbook's audiences as HubSpot active lists, created by setup. */
type Standins = ReturnType<typeof useStandins>
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ hubspot } = await freshWorld())
})

interface ListsAnswer {
  available: boolean
  reason: string | null
  created: string[]
  unchanged: string[]
  repaired: string[]
  drifted: string[]
  failed: { name: string; message: string }[]
}

async function setup(body: object = {}): Promise<ListsAnswer> {
  const response = await adminCall('POST', '/admin/api/setup', { role: 'admin', body })
  expect(response.status).toBe(200)
  return ((await response.json()) as { lists: ListsAnswer }).lists
}

async function plantTopCategories(counts: Record<string, number>) {
  const rows = Object.entries(counts).flatMap(([category, n]) => Array.from({ length: n }, (_, i) => [`${category}-${i}@example.com`, category]))
  await env.DB.batch(rows.map(([email, category]) => env.DB.prepare('INSERT INTO contacts (email, top_category, updated_at) VALUES (?, ?, 0)').bind(email, category)))
}

const ourLists = () => hubspot.portal.lists.all().filter((l) => l.name.startsWith(LIST_NAME_PREFIX))

describe('audience lists', () => {
  it('filter only on properties setup creates, from the one definition module', () => {
    for (const audience of audienceDefinitions(['Terrariums'])) {
      expect(listFilterProblems(audience), audience.name).toEqual([])
      for (const filter of audience.filters) expect(propertyDefinition('contacts', filter.property)?.custom, filter.property).toBe(true)
    }
  })

  it('setup creates each list once, with the store top categories; a second run changes nothing', async () => {
    await plantTopCategories({ Terrariums: 5, Planters: 3, Soil: 1 })
    const first = await setup()
    const expected = [...AUDIENCES.map((a) => a.name), ...['Terrariums', 'Planters', 'Soil'].map((c) => categoryAudience(c).name)]
    expect(first).toMatchObject({ available: true, failed: [], unchanged: [] })
    expect([...first.created].sort()).toEqual([...expected].sort())
    expect(ourLists()).toHaveLength(expected.length)
    const vip = hubspot.portal.lists.byName(`${LIST_NAME_PREFIX}VIP and high value`)!
    expect(vip.processingType).toBe('DYNAMIC')

    const second = await setup()
    expect(second).toMatchObject({ created: [], repaired: [], drifted: [], failed: [] })
    expect([...second.unchanged].sort()).toEqual([...expected].sort())
    expect(ourLists()).toHaveLength(expected.length)
    expect(hubspot.portal.lists.byName(vip.name)!.listVersion).toBe(1)
  })

  it('leaves a list edited in HubSpot alone, reports it, and repairs it only when asked', async () => {
    await setup()
    const lapsed = hubspot.portal.lists.byName(`${LIST_NAME_PREFIX}Lapsed`)!
    const edited = structuredClone(lapsed.filterBranch) as { filterBranches: { filters: { operation: { values: string[] } }[] }[] }
    edited.filterBranches[0]!.filters[0]!.operation.values = ['at_risk', 'lapsed']
    hubspot.portal.lists.updateFilters(lapsed.listId, edited, new Date().toISOString())

    const again = await setup()
    expect(again.drifted).toEqual([lapsed.name])
    expect(hubspot.portal.lists.get(lapsed.listId)!.filterBranch).toEqual(edited)

    const repaired = await setup({ repairLists: true })
    expect(repaired.repaired).toEqual([lapsed.name])
    const filters = (hubspot.portal.lists.get(lapsed.listId)!.filterBranch as typeof edited).filterBranches[0]!.filters
    expect(filters[0]!.operation.values).toEqual(['lapsed'])
  })

  it('reports a token without list access in setup and the status, and sets up the rest', async () => {
    hubspot.scopes.lists = false
    const lists = await setup()
    expect(lists.available).toBe(false)
    expect(lists.reason).toContain('crm.lists.write')
    expect(hubspot.portal.records('contacts')).toBeDefined()
    const status = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as { lists: ListsAnswer }
    expect(status.lists).toMatchObject({ available: false })
  })

  it('refuses a list filtering on a property the portal does not have (the stand-in is strict)', async () => {
    const response = await hubspot.fetch(
      new Request('http://hubspot.standin/crm/v3/lists', {
        method: 'POST',
        headers: { authorization: 'Bearer hs-test-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'x',
          objectTypeId: '0-1',
          processingType: 'DYNAMIC',
          filterBranch: {
            filterBranchType: 'OR',
            filters: [],
            filterBranches: [{ filterBranchType: 'AND', filters: [{ filterType: 'PROPERTY', property: 'bc_nope', operation: { operationType: 'STRING', operator: 'CONTAINS', value: 'a' } }] }],
          },
        }),
      }),
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('bc_nope')
  })

  it('AUDIENCE_TOP_CATEGORIES must be a whole number from 0 to 50 (503 naming it otherwise)', async () => {
    const response = await callWorker(new Request('https://worker.example.com/admin/api/status'), { ...env, AUDIENCE_TOP_CATEGORIES: 'many' })
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ error: 'invalid_configuration', variable: 'AUDIENCE_TOP_CATEGORIES' })
  })
})
