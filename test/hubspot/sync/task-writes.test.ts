import { describe, expect } from 'vitest'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { OBJECT_TYPES, OPTIONAL_OBJECT_TYPES } from '../../../src/hubspot/records'
import type { SetupResult } from '../../../src/hubspot/setup'
import { harness, it } from '../support'

/** The HubSpot writer's side of tasks, on production's store (SqlWriterStore) against the HubSpot stand-in. */
const EMAIL = 'jane@example.com'
const KEY = 'cart_abandoned:c-1:2026-11-02T10:15:00.000Z'
const UPSERT_TASKS = /\/crm\/v3\/objects\/tasks\/batch\/upsert$/

const contact: HubSpotRecord = { objectType: 'contacts', key: EMAIL, properties: { email: EMAIL } }
const task = (subject = 'High-value abandoned cart: $412.00'): HubSpotRecord => ({
  objectType: 'tasks',
  key: KEY,
  properties: {
    bc_task_key: KEY,
    hs_timestamp: '2026-11-02T12:15:00.000Z',
    hs_task_subject: subject,
    hs_task_body: '<p>Cart c-1</p>',
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: 'HIGH',
    hs_task_type: 'TODO',
  },
  associations: [{ toObjectType: 'contacts', toKey: EMAIL }],
})

describe('tasks in the HubSpot writer', () => {
  it('sets up the unique bc_task_key on tasks and writes a task after its contact, associated with it', async () => {
    const h = harness()
    h.engine.enqueue([task(), contact])
    await h.drain()
    expect(h.portal.property('tasks', 'bc_task_key')?.hasUniqueValue).toBe(true)
    const [written] = h.portal.records('tasks')
    expect(written?.properties).toMatchObject({ bc_task_key: KEY, hs_task_status: 'NOT_STARTED', hs_task_priority: 'HIGH' })
    const person = h.portal.findByProperty('contacts', 'email', EMAIL)!
    expect(h.portal.associations('tasks', written!.id, 'contacts').map((a) => [a.toObjectId, a.associationTypes[0]!.typeId])).toEqual([
      [person.id, 204],
    ])
    const writes = h.standin.requests.filter((r) => /batch\/upsert$/.test(r.path)).map((r) => r.path.split('/')[4])
    expect(writes).toEqual(['contacts', 'tasks'])
  })

  it('upserts by bc_task_key: a replay HubSpot saw before its id was kept updates the same task', async () => {
    const h = harness()
    h.engine.enqueue([contact, task()])
    await h.drain()
    h.store.forgetId('tasks', KEY)
    h.engine.enqueue([task('High-value abandoned cart: $412.00 (again)')])
    await h.drain()
    expect(h.calls('POST', UPSERT_TASKS)).toHaveLength(2)
    expect(h.portal.records('tasks')).toHaveLength(1)
    expect(h.portal.records('tasks')[0]!.properties.hs_task_subject).toBe('High-value abandoned cart: $412.00 (again)')
  })

  it('writes a task once: a replay after HubSpot has it sends nothing', async () => {
    const h = harness()
    h.engine.enqueue([contact, task()])
    await h.drain()
    h.engine.enqueue([task()])
    await h.drain()
    expect(h.calls('POST', UPSERT_TASKS)).toHaveLength(1)
    expect(h.engine.status().queue.tasks).toBe(0)
    expect(h.portal.records('tasks')).toHaveLength(1)
  })

  it('sets up tasks on a writer whose earlier setup predates them', async () => {
    const h = harness()
    h.engine.enqueue([contact])
    await h.drain()
    // What a writer set up before tasks existed has stored: no entry for them.
    const setup = h.store.getValue<SetupResult>('setup')!
    const { tasks: _tasks, ...older } = setup.available
    h.store.setValue('setup', { ...setup, available: older })
    const readTaskProperties = () => h.calls('GET', /\/crm\/v3\/properties\/tasks$/).length
    expect(readTaskProperties()).toBe(1)

    h.engine.enqueue([task()])
    await h.drain()
    expect(readTaskProperties()).toBe(2)
    expect(h.calls('GET', /\/crm\/v3\/properties\/contacts$/)).toHaveLength(1)
    // Every object setup covers without B2B Edition; companies only once they are asked for or written.
    const available = h.store.getValue<SetupResult>('setup')!.available
    expect(OBJECT_TYPES.filter((t) => !OPTIONAL_OBJECT_TYPES.includes(t)).every((t) => available[t]?.length)).toBe(true)
    expect(available.companies).toBeUndefined()
    expect(h.portal.records('tasks')).toHaveLength(1)
  })
})
