import { describe, expect, it } from 'vitest'
import { capCheck, recordSend } from '../../src/domain/caps'
import { DAY, SECOND, policy } from '../support/factories'

const P = policy({ marketingCap: 3, marketingCapWindowMs: 7 * DAY })
const T = Date.parse('2026-03-01T00:00:00.000Z')
const sends = (...offsets: number[]) => offsets.map((o, i) => ({ key: `k${i}`, firedAt: new Date(T + o).toISOString() }))

describe('marketing cap', () => {
  it('is open below the cap and closed at it, with the slot freeing one window after the oldest send', () => {
    expect(capCheck(sends(0, DAY), T + DAY, P)).toEqual({ open: true })
    const ledger = sends(0, DAY, 2 * DAY)
    expect(capCheck(ledger, T + 2 * DAY, P)).toEqual({ open: false, used: 3, freesAt: T + 7 * DAY })
  })

  it('frees the slot exactly one window after the send, not a second before', () => {
    const ledger = sends(0, DAY, 2 * DAY)
    expect(capCheck(ledger, T + 7 * DAY - SECOND, P).open).toBe(false)
    expect(capCheck(ledger, T + 7 * DAY, P).open).toBe(true)
    expect(capCheck(ledger, T + 7 * DAY + SECOND, P).open).toBe(true)
  })

  it('drops sends that can no longer count when recording a new one', () => {
    const ledger = recordSend(sends(0, DAY), 'new', T + 7 * DAY, P)
    expect(ledger.map((e) => e.key)).toEqual(['k1', 'new'])
  })

  it('never frees a slot with a cap of 0', () => {
    expect(capCheck([], T, policy({ marketingCap: 0 }))).toEqual({ open: false, used: 0, freesAt: null })
  })
})
