import { describe, expect, it } from 'vitest'
import { optOutTimes, searchOptOuts } from '../../../src/hubspot/consent/opt-out-reads'
import { HubSpotClient } from '../../../src/hubspot/hubspot-client'
import { RateBudget } from '../../../src/hubspot/sync/rate-budget'
import { budgetedReads } from '../../../src/hubspot/tickets/budgeted'
import { createHubSpotStandin } from '../../../standins/hubspot'
import { serveHost } from '../../support/network'
import { fakeTime, HOST } from '../support'

/** The consent search against the stand-in: HubSpot's limits (200 a page, 10,000 a query, 5 searches a second). */
function setup() {
  const time = fakeTime()
  const standin = createHubSpotStandin({ clock: time.now })
  serveHost(HOST, standin.fetch)
  const client = new HubSpotClient({ baseUrl: `http://${HOST}`, accessToken: 'hs-test-token' })
  const reads = budgetedReads(new RateBudget(), time.clock)
  return { time, standin, client, reads }
}

describe('searchOptOuts', () => {
  it('reads more than 10,000 unsubscribes by starting a new query from the last modification time, at the search pace', async () => {
    const { time, standin, client, reads } = setup()
    const total = 10_250
    for (let i = 0; i < total; i++) {
      const email = `c${i}@example.com`
      standin.portal.insert('contacts', { email }, time.now())
      standin.portal.unsubscribe(email, 'all', time.now() + i)
    }
    standin.portal.insert('contacts', { email: 'subscribed@example.com' }, time.now())
    const started = time.now()
    const search = await searchOptOuts(client, reads, { types: [], since: null, maxPages: 100 })
    expect(search.ok).toBe(true)
    if (!search.ok) return
    expect(search.complete).toBe(true)
    expect(new Set(search.found.map((f) => f.email)).size).toBe(total)
    expect(search.found.every((f) => f.allEmail)).toBe(true)
    // 52 pages of 200, plus the page the restart reads again; never more than 4 searches a second.
    const searches = standin.requests.filter((r) => r.path.endsWith('/search'))
    expect(searches.every((r) => r.status === 200)).toBe(true)
    expect(searches.length).toBeLessThanOrEqual(54)
    expect(time.now() - started).toBeGreaterThanOrEqual((searches.length - 1) * 250)
  })

  it('stops at its page budget and says where to go on from; going on finds the rest', async () => {
    const { time, standin, client, reads } = setup()
    for (let i = 0; i < 500; i++) {
      standin.portal.insert('contacts', { email: `c${i}@example.com` }, time.now())
      standin.portal.unsubscribe(`c${i}@example.com`, 'all', time.now() + i)
    }
    const first = await searchOptOuts(client, reads, { types: [], since: null, maxPages: 2 })
    if (!first.ok) throw new Error(first.message)
    expect(first).toMatchObject({ complete: false })
    expect(first.found).toHaveLength(400)
    const rest = await searchOptOuts(client, reads, { types: [], since: first.resumeFrom, maxPages: 10 })
    if (!rest.ok) throw new Error(rest.message)
    expect(new Set([...first.found, ...rest.found].map((f) => f.email)).size).toBe(500)
  })

  it('reads per-type opt-outs of the configured types only, and the time each unsubscribe happened', async () => {
    const { time, standin, client, reads } = setup()
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) standin.portal.insert('contacts', { email }, time.now())
    const at = time.now() + 5_000
    standin.portal.unsubscribe('a@example.com', { subscriptionTypeId: '1001' }, at)
    standin.portal.unsubscribe('b@example.com', { subscriptionTypeId: '1002' }, at)
    time.advance(60_000)
    const search = await searchOptOuts(client, reads, { types: ['1001'], since: null, maxPages: 5 })
    if (!search.ok) throw new Error(search.message)
    expect(search.found).toEqual([expect.objectContaining({ email: 'a@example.com', allEmail: false, types: ['1001'] })])
    const times = await optOutTimes(client, reads, search.found)
    if (!times.ok) throw new Error(times.message)
    expect(times.times.get(search.found[0]!.hubspotId)).toBe(new Date(at).toISOString())
  })
})
