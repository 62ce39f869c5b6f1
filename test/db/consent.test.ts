import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { knownContacts, markApplied, markWrittenBack, optOutCounts, recordOptOuts, unappliedOptOuts } from '../../src/db/consent'

// hubspot_consent as the consent job's queue, statement by statement (the job's behaviour end to end is in
// test/consent/hubspot-consent.test.ts).

const NOW = Date.UTC(2026, 11, 5)
const ada = { email: 'ada@example.com', hubspotId: '11', allEmail: false, types: ['101'] }
const bob = { email: 'bob@example.com', hubspotId: '12', allEmail: true, types: [] }

describe('hubspot_consent', () => {
  it('queues a new or changed opt-out again, and changes nothing when the same one is found again', async () => {
    expect(await recordOptOuts(env.DB, [ada, bob], NOW)).toBe(2)
    expect((await unappliedOptOuts(env.DB, 10)).map((r) => r.email).sort()).toEqual([ada.email, bob.email])
    await markApplied(env.DB, [{ email: ada.email, optedOutAt: '2026-12-01T00:00:00.000Z' }, { email: bob.email, optedOutAt: '2026-12-01T00:00:00.000Z' }], NOW)

    expect(await recordOptOuts(env.DB, [ada, bob], NOW + 1000)).toBe(0)
    expect(await unappliedOptOuts(env.DB, 10)).toEqual([])

    expect(await recordOptOuts(env.DB, [{ ...ada, types: ['101', '102'] }, { ...bob, allEmail: false }], NOW + 2000)).toBe(2)
    const requeued = (await unappliedOptOuts(env.DB, 10)).sort((a, b) => (a.email < b.email ? -1 : 1))
    expect(requeued).toEqual([
      { ...ada, types: ['101', '102'], optedOutAt: null, updatedAt: NOW + 2000 },
      { ...bob, allEmail: false, optedOutAt: null, updatedAt: NOW + 2000 },
    ])
  })

  it('counts rows, unapplied ones and write-backs pending for known contacts; finds which emails have a contact', async () => {
    const carol = { email: 'carol@example.com', hubspotId: '13', allEmail: true, types: [] }
    const dan = { email: 'dan@example.com', hubspotId: '14', allEmail: true, types: [] }
    await recordOptOuts(env.DB, [carol, dan], NOW)
    await env.DB.prepare("INSERT INTO contacts (email, updated_at) VALUES ('carol@example.com', 0)").run()
    const before = await optOutCounts(env.DB)
    await markApplied(env.DB, [{ email: carol.email, optedOutAt: '2026-12-01T00:00:00.000Z' }], NOW)
    const applied = await optOutCounts(env.DB)
    expect(applied).toEqual({ total: before.total, unapplied: before.unapplied - 1, writeBackPending: before.writeBackPending })
    await markWrittenBack(env.DB, [carol.email], NOW)
    expect(await optOutCounts(env.DB)).toEqual({ ...applied, writeBackPending: applied.writeBackPending - 1 })
    expect(await knownContacts(env.DB, [carol.email, dan.email])).toEqual(new Set([carol.email]))
  })
})
