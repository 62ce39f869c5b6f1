import { describe, expect, it } from 'vitest'
import { RateBudget } from '../../../src/hubspot/sync/rate-budget'

/** A budget that has sent one request every 200 ms for the last 10 s, as the writer does under a steady flow. */
function steadyBudget(now: number): RateBudget {
  const budget = new RateBudget({ max: 100, intervalMs: 10_000 })
  for (let at = now - 9_900; at <= now; at += 200) budget.take(at)
  return budget
}

describe('the HubSpot rate budget after a ten-secondly 429', () => {
  const now = 1_000_000

  it('waits for its oldest request in the window to age out, at least a second, under a steady flow', () => {
    const budget = steadyBudget(now)
    budget.rejected(now, { policyName: 'TEN_SECONDLY_ROLLING' })
    expect(budget.waitMs(now)).toBe(1_000)
    expect(budget.waitMs(now + 1_000)).toBe(0)
  })

  it('waits the whole interval after a second 429 with no request accepted in between, not after one that was', () => {
    const budget = steadyBudget(now)
    budget.rejected(now, { policyName: 'TEN_SECONDLY_ROLLING' })
    budget.rejected(now + 1_000, { policyName: 'TEN_SECONDLY_ROLLING' })
    expect(budget.waitMs(now + 1_000)).toBe(10_000)

    const blip = steadyBudget(now)
    blip.rejected(now, { policyName: 'TEN_SECONDLY_ROLLING' })
    blip.take(now + 1_000)
    blip.accepted()
    blip.rejected(now + 1_200, { policyName: 'TEN_SECONDLY_ROLLING' })
    expect(blip.waitMs(now + 1_200)).toBe(1_000)
  })

  it('waits until its only recent request is 10 s old when the 429 comes after a quiet spell', () => {
    const budget = new RateBudget({ max: 100, intervalMs: 10_000 })
    budget.take(now - 2_000)
    budget.rejected(now, { policyName: 'TEN_SECONDLY_ROLLING' })
    expect(budget.waitMs(now)).toBe(8_000)
  })

  it('honours Retry-After, and a second for the search API’s secondly limit', () => {
    const budget = steadyBudget(now)
    budget.rejected(now, { policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: 3_000 })
    expect(budget.waitMs(now)).toBe(3_000)
    const search = new RateBudget()
    search.take(now - 100)
    search.rejected(now, { policyName: 'SECONDLY' })
    expect(search.waitMs(now)).toBe(1_000)
  })
})
