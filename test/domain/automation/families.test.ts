import { describe, expect, it } from 'vitest'
import { allLive, FAMILY_OF, parseFamilyModes, TRIGGER_FAMILIES, withFamilyOverrides, type FamilyModes } from '../../../src/domain/automation/families'
import { TRIGGERS } from '../../../src/domain/model'
import { DAY, HOUR, MINUTE, cart, contact, evaluate, isoPlus, keys, optedIn, order, plus, policy, withCarts, withOrders } from '../../support/factories'

const T0 = '2026-07-06T10:00:00.000Z'
const cartKey = (id: string, changed: string) => `cart_abandoned:${id}:${changed}`
const modes = (changes: Partial<FamilyModes>) => policy({ familyModes: { ...allLive(), ...changes } })

describe('trigger families', () => {
  it('every trigger belongs to one of the contract families', () => {
    expect(TRIGGER_FAMILIES).toEqual([
      'cart_abandoned', 'browse_abandoned', 'order_placed', 'order_shipped', 'order_refunded', 'order_cancelled',
      'post_purchase', 'winback', 'replenishment',
    ])
    expect(new Set(TRIGGERS.map((t) => FAMILY_OF[t]))).toEqual(new Set(TRIGGER_FAMILIES))
  })

  it('parses family:mode pairs, the rest live, and names what is wrong', () => {
    const parsed = parseFamilyModes(' cart_abandoned:shadow , winback:off')
    expect(parsed).toEqual({ ok: true, modes: { ...allLive(), cart_abandoned: 'shadow', winback: 'off' } })
    expect(parseFamilyModes('')).toEqual({ ok: true, modes: allLive() })
    expect(parseFamilyModes('cart:shadow')).toMatchObject({ ok: false, message: expect.stringContaining('unknown trigger family "cart"') })
    expect(parseFamilyModes('winback:paused')).toMatchObject({ ok: false, message: expect.stringContaining('unknown mode "paused"') })
    expect(parseFamilyModes('winback')).toMatchObject({ ok: false, message: expect.stringContaining('not a family:mode pair') })
    expect(parseFamilyModes('winback:off,winback:live')).toMatchObject({ ok: false, message: 'winback is named twice' })
    expect(withFamilyOverrides(allLive(), { winback: 'shadow' }).winback).toBe('shadow')
  })
})

describe('shadow mode', () => {
  const abandoned = () => withCarts(optedIn(), cart('c1', T0))

  it('records what would have fired, with the trigger it would have written, and fires nothing', () => {
    const r = evaluate(abandoned(), plus(T0, HOUR), { policy: modes({ cart_abandoned: 'shadow' }) })
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([{
      trigger: 'cart_abandoned', key: cartKey('c1', T0), decision: 'shadowed', at: isoPlus(T0, HOUR),
      reason: expect.stringMatching(/^shadow mode \(TRIGGER_FAMILIES cart_abandoned\): would have fired: cart c1 idle for 45m/),
      shadow: { outcome: 'fired', wouldFire: expect.objectContaining({ trigger: 'cart_abandoned', key: cartKey('c1', T0), at: isoPlus(T0, 45 * MINUTE), cartValue: '59.5' }) },
    }])
    // It takes no cap slot: live marketing is not held back by what a shadow family would have sent.
    expect(r.state.automation.capLedger).toEqual([])
  })

  it('records what would have been suppressed as shadowed too, with the outcome', () => {
    const r = evaluate(withCarts(contact(), cart('c1', T0)), plus(T0, HOUR), { policy: modes({ cart_abandoned: 'shadow' }) })
    expect(r.decisions).toEqual([expect.objectContaining({
      decision: 'shadowed', shadow: { outcome: 'suppressed' }, reason: expect.stringContaining('would have been suppressed: email consent is unknown'),
    })])
  })

  it('turning the family live never fires what was shadowed, only what falls due afterwards', () => {
    const shadowed = evaluate(abandoned(), plus(T0, HOUR), { policy: modes({ cart_abandoned: 'shadow' }) })
    const live = evaluate(shadowed.state, plus(T0, 2 * HOUR))
    expect(live.fired).toEqual([])
    expect(live.decisions).toEqual([])
    const next = isoPlus(T0, DAY)
    const later = evaluate(withCarts(live.state, cart('c2', next)), plus(next, HOUR))
    expect(keys(later.fired)).toEqual([cartKey('c2', next)])
  })

  it('shadows transactional families too, and leaves the other families live', () => {
    const r = evaluate(withOrders(optedIn(), order(10, T0)), plus(T0, MINUTE), { policy: modes({ order_placed: 'shadow' }) })
    expect(keys(r.fired)).toEqual(['post_purchase_step:day_0'])
    expect(r.decisions.find((d) => d.key === 'order_placed:10')).toMatchObject({ decision: 'shadowed', shadow: { outcome: 'fired' } })
  })

  it('a trigger deferred by the cap while live, then shadowed, is recorded and settled', () => {
    const capped = { marketingCap: 1 }
    const two = withCarts(optedIn(), cart('c1', T0), cart('c2', T0))
    const first = evaluate(two, plus(T0, HOUR), { policy: policy(capped) })
    expect(first.decisions.map((d) => d.decision).sort()).toEqual(['deferred', 'fired'])
    const r = evaluate(first.state, plus(T0, 2 * HOUR), { policy: { ...modes({ cart_abandoned: 'shadow' }), ...capped } })
    expect(r.decisions).toEqual([expect.objectContaining({ decision: 'shadowed', shadow: { outcome: 'deferred' } })])
    expect(r.state.automation.deferred).toEqual({})
  })
})

describe('off', () => {
  it('evaluates and records nothing, and passes over what fell due, so turning it on fires no history', () => {
    const state = withCarts(optedIn(), cart('c1', T0))
    const off = evaluate(state, plus(T0, HOUR), { policy: modes({ cart_abandoned: 'off' }) })
    expect(off.fired).toEqual([])
    expect(off.decisions).toEqual([])
    expect(off.state.automation.handled[cartKey('c1', T0)]).toBe('off')
    expect(evaluate(off.state, plus(T0, 2 * HOUR)).fired).toEqual([])
  })

  it('still wakes the contact when something of an off family falls due, to pass it over on time', () => {
    const state = withCarts(optedIn(), cart('c1', T0))
    expect(evaluate(state, plus(T0, MINUTE), { policy: modes({ cart_abandoned: 'off' }) }).nextWakeAt).toBe(isoPlus(T0, 45 * MINUTE))
  })

  it('cancels, with the reason, a trigger that was deferred before the family went off', () => {
    const capped = { marketingCap: 1 }
    const first = evaluate(withCarts(optedIn(), cart('c1', T0), cart('c2', T0)), plus(T0, HOUR), { policy: policy(capped) })
    const r = evaluate(first.state, plus(T0, 2 * HOUR), { policy: { ...modes({ cart_abandoned: 'off' }), ...capped } })
    expect(r.decisions).toEqual([expect.objectContaining({ decision: 'cancelled', reason: 'TRIGGER_FAMILIES: cart_abandoned is off' })])
  })
})
