import { describe, expect, it } from 'vitest'
import {
  highValueCartTasks,
  MIN_CARTS_FOR_THRESHOLD,
  TASK_DUE_AFTER_MS,
  thresholdRank,
  type CartThresholds,
} from '../../src/domain/high-value-cart'
import type { FiredTrigger } from '../../src/domain/model'
import { formatMoney, taskRecord } from '../../src/hubspot/mapping/task-records'
import { prepareProperties } from '../../src/hubspot/properties'
import { cart, evaluate, HOUR, MINUTE, optedIn, plus, withCarts } from '../support/factories'

const CHANGED = '2026-03-01T09:00:00.000Z'

function thresholds(threshold: string, overrides: Partial<CartThresholds> = {}): CartThresholds {
  return { percentile: 75, computedAt: CHANGED, currencies: { USD: { carts: 40, threshold } }, ...overrides }
}

/** The cart_abandoned trigger the automation engine really fires for an idle cart of this amount. */
function abandoned(amount: string, currency = 'USD') {
  const state = withCarts(optedIn(), cart('c-1', CHANGED, { amount, currency }))
  const now = plus(CHANGED, 46 * MINUTE)
  const { fired } = evaluate(state, now)
  expect(fired.map((f) => f.trigger)).toEqual(['cart_abandoned'])
  return { state, fired, now }
}

function tasksFor(amount: string, t: CartThresholds | null, percentile: number | null = 75, currency = 'USD') {
  const { state, fired, now } = abandoned(amount, currency)
  return highValueCartTasks({ email: state.email, fired, carts: state.carts, thresholds: t, percentile, now })
}

describe('threshold rank', () => {
  it('needs enough carts', () => {
    expect(thresholdRank(MIN_CARTS_FOR_THRESHOLD - 1, 75)).toBeNull()
    expect(thresholdRank(0, 75)).toBeNull()
    expect(thresholdRank(MIN_CARTS_FOR_THRESHOLD, 75)).toBe(15)
  })

  it('is the nearest rank, lowest value first, within 1..n', () => {
    expect(thresholdRank(21, 75)).toBe(16) // ceil(15.75)
    expect(thresholdRank(100, 90)).toBe(90)
    expect(thresholdRank(40, 0)).toBe(1)
    expect(thresholdRank(40, 100)).toBe(40)
  })
})

describe('high-value abandoned cart tasks', () => {
  it('gives one task, keyed by the trigger, for a cart above the threshold', () => {
    const { state, fired, now } = abandoned('412')
    const tasks = highValueCartTasks({ email: state.email, fired, carts: state.carts, thresholds: thresholds('300'), percentile: 75, now })
    expect(tasks).toHaveLength(1)
    const [task] = tasks
    expect(task).toMatchObject({
      key: fired[0]!.key,
      email: state.email,
      cartId: 'c-1',
      abandonedAt: fired[0]!.at,
      currency: 'USD',
      value: '412',
      threshold: '300',
      recoveryUrl: state.carts['c-1']!.recoveryUrl,
      lines: state.carts['c-1']!.lines,
    })
    expect(Date.parse(task!.dueAt)).toBe(now.getTime() + TASK_DUE_AFTER_MS)
  })

  it('gives none at or below the threshold', () => {
    expect(tasksFor('300', thresholds('300'))).toEqual([])
    expect(tasksFor('299.99', thresholds('300'))).toEqual([])
    expect(tasksFor('300.01', thresholds('300'))).toHaveLength(1)
  })

  it('gives none when off, without thresholds (too few carts), or for a currency without one', () => {
    expect(tasksFor('412', thresholds('300'), null)).toEqual([])
    expect(tasksFor('412', null)).toEqual([])
    expect(tasksFor('412', thresholds('300', { currencies: {} }))).toEqual([])
    expect(tasksFor('412', thresholds('300'), 75, 'EUR')).toEqual([])
  })

  it('gives none from thresholds computed for another percentile (the job has not run since)', () => {
    expect(tasksFor('412', thresholds('300', { percentile: 90 }), 75)).toEqual([])
  })

  it('ignores other triggers and carts the trigger is not about', () => {
    const state = withCarts(optedIn(), cart('c-1', CHANGED, { amount: '900' }), cart('c-10', CHANGED, { amount: '900' }))
    const other: FiredTrigger = { trigger: 'order_placed', key: 'order_placed:1', at: CHANGED }
    const unknownCart: FiredTrigger = { trigger: 'cart_abandoned', key: `cart_abandoned:c-2:${CHANGED}`, at: CHANGED }
    const tasks = highValueCartTasks({
      email: state.email, fired: [other, unknownCart], carts: state.carts, thresholds: thresholds('300'), percentile: 75,
      now: plus(CHANGED, HOUR),
    })
    expect(tasks).toEqual([])
  })

  it('keeps the due date of a late firing in the future', () => {
    const { state, fired } = abandoned('412')
    const later = plus(CHANGED, 3 * 24 * HOUR)
    const [task] = highValueCartTasks({ email: state.email, fired, carts: state.carts, thresholds: thresholds('300'), percentile: 75, now: later })
    expect(Date.parse(task!.dueAt)).toBe(later.getTime() + TASK_DUE_AFTER_MS)
  })
})

describe('task record', () => {
  it('maps a task to HubSpot task properties the registry accepts, associated with the contact', () => {
    const { state, fired, now } = abandoned('412')
    const [task] = highValueCartTasks({ email: state.email, fired, carts: state.carts, thresholds: thresholds('300'), percentile: 75, now })
    const record = taskRecord(task!)
    expect(record).toMatchObject({
      objectType: 'tasks',
      key: fired[0]!.key,
      associations: [{ toObjectType: 'contacts', toKey: state.email }],
    })
    expect(record.properties).toMatchObject({
      bc_task_key: fired[0]!.key,
      hs_task_subject: 'High-value abandoned cart: $412.00',
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'HIGH',
      hs_task_type: 'TODO',
      hs_timestamp: task!.dueAt,
    })
    const body = String(record.properties.hs_task_body)
    expect(body).toContain('1 × Coffee beans (SKU BEANS-1)')
    expect(body).toContain(`href="${state.carts['c-1']!.recoveryUrl!.replace(/&/g, '&amp;')}"`)
    const { problems } = prepareProperties('tasks', record.properties)
    expect(problems).toEqual([])
  })

  it('escapes names and formats other currencies', () => {
    const { state, fired, now } = abandoned('89.9', 'EUR')
    const carts = { 'c-1': { ...state.carts['c-1']!, lines: [{ ...state.carts['c-1']!.lines[0]!, name: '<b>Mug</b> & co' }] } }
    const eur: CartThresholds = { percentile: 75, computedAt: CHANGED, currencies: { EUR: { carts: 25, threshold: '50' } } }
    const [task] = highValueCartTasks({ email: state.email, fired, carts, thresholds: eur, percentile: 75, now })
    const record = taskRecord(task!)
    expect(record.properties.hs_task_subject).toBe('High-value abandoned cart: €89.90')
    expect(String(record.properties.hs_task_body)).toContain('&lt;b&gt;Mug&lt;/b&gt; &amp; co')
    expect(formatMoney('12', 'NOT-A-CODE')).toBe('12.00 NOT-A-CODE')
  })
})
