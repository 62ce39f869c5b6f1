import { describe, expect, it } from 'vitest'
import { replenishmentSchedules } from '../../src/domain/replenishment'
import { DAY, isoPlus, line, order } from '../support/factories'

const T0 = '2026-01-01T00:00:00.000Z'

describe('replenishmentSchedules', () => {
  it('needs a category in at least two paid orders, due at the last purchase plus the median interval', () => {
    const orders = [
      order(1, T0, { lines: [line({ category: 'Coffee' }), line({ category: 'Mugs' })] }),
      order(2, isoPlus(T0, 20 * DAY), { lines: [line({ category: 'Coffee' }), line({ category: 'Coffee' })] }),
      order(3, isoPlus(T0, 50 * DAY), { lines: [line({ category: 'Coffee' })] }),
    ]
    const schedules = replenishmentSchedules(orders)
    expect(schedules.map((s) => s.group)).toEqual(['Coffee'])
    // intervals 20d and 30d → median 25d
    expect(schedules[0].medianIntervalMs).toBe(25 * DAY)
    expect(new Date(schedules[0].dueAt).toISOString()).toBe(isoPlus(T0, 75 * DAY))
  })

  it('falls back to the SKU for products without a category, and ignores lines refunded in full', () => {
    const orders = [
      order(1, T0, { lines: [line({ category: null, sku: 'FILTER-50' }), line({ category: 'Tea' })] }),
      order(2, isoPlus(T0, 10 * DAY), {
        lines: [line({ category: null, sku: 'FILTER-50' }), line({ category: 'Tea', quantityRefunded: 1 })],
      }),
    ]
    expect(replenishmentSchedules(orders).map((s) => s.group)).toEqual(['sku:FILTER-50'])
  })
})
