import { describe, expect, it } from 'vitest'
import { FaultInjector } from '../../standins/shared/faults'

describe('stand-in fault injection', () => {
  it('fails only the given share of matching requests, the same ones every run', () => {
    const picks = () => {
      const faults = new FaultInjector()
      faults.fail({ path: /upsert$/ }, { status: 429 }, Infinity, 0.1)
      return Array.from({ length: 2000 }, () => faults.take('POST', '/batch/upsert') !== undefined)
    }
    const first = picks()
    const failed = first.filter(Boolean).length
    expect(failed).toBeGreaterThan(140)
    expect(failed).toBeLessThan(260)
    expect(picks()).toEqual(first)
  })

  it('without a share, fails every matching request for its number of times', () => {
    const faults = new FaultInjector()
    faults.fail({ method: 'POST', path: '/x' }, { status: 502 }, 2)
    expect(faults.take('GET', '/x')).toBeUndefined()
    expect([faults.take('POST', '/x'), faults.take('POST', '/x'), faults.take('POST', '/x')].map((f) => f?.status)).toEqual([502, 502, undefined])
  })
})
