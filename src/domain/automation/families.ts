import { TRIGGERS, type Trigger } from '../model'

/**
 * Trigger families (contract section 2, `TRIGGER_FAMILIES`): the unit an operator rolls out, one at a time.
 * `live` fires as usual; `shadow` evaluates everything and records what it would have done (`shadowed`)
 * without writing anything to HubSpot; `off` evaluates nothing, and what falls due meanwhile is passed over.
 */

/** The family each trigger belongs to (one trigger per family; post-purchase steps are one family). */
export const FAMILY_OF = {
  cart_abandoned: 'cart_abandoned',
  browse_abandoned: 'browse_abandoned',
  order_placed: 'order_placed',
  order_shipped: 'order_shipped',
  order_refunded: 'order_refunded',
  order_cancelled: 'order_cancelled',
  post_purchase_step: 'post_purchase',
  winback_due: 'winback',
  replenishment_due: 'replenishment',
} as const satisfies Record<Trigger, string>
export type TriggerFamily = (typeof FAMILY_OF)[Trigger]

/** The families, in the order of their triggers (the contract's order). */
export const TRIGGER_FAMILIES = TRIGGERS.map((t) => FAMILY_OF[t]) as [TriggerFamily, ...TriggerFamily[]]

export const FAMILY_MODES = ['live', 'shadow', 'off'] as const
export type FamilyMode = (typeof FAMILY_MODES)[number]

export type FamilyModes = Record<TriggerFamily, FamilyMode>

/** The triggers of one family, for people reading the dashboard. */
export function triggersOf(family: TriggerFamily): Trigger[] {
  return (Object.keys(FAMILY_OF) as Trigger[]).filter((t) => FAMILY_OF[t] === family)
}

export function allLive(): FamilyModes {
  return Object.fromEntries(TRIGGER_FAMILIES.map((f) => [f, 'live'])) as FamilyModes
}

export const isTriggerFamily = (value: string): value is TriggerFamily => (TRIGGER_FAMILIES as readonly string[]).includes(value)
export const isFamilyMode = (value: string): value is FamilyMode => (FAMILY_MODES as readonly string[]).includes(value)

/**
 * `TRIGGER_FAMILIES`: comma-separated `family:mode` pairs; families not named stay `live`. Returns the modes,
 * or the problem with the text (an unknown family or mode, a malformed pair, a family named twice).
 */
export function parseFamilyModes(text: string): { ok: true; modes: FamilyModes } | { ok: false; message: string } {
  const modes = allLive()
  const seen = new Set<string>()
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [family, mode, extra] = pair.split(':').map((p) => p.trim())
    if (!family || !mode || extra !== undefined) return { ok: false, message: `"${pair}" is not a family:mode pair` }
    if (!isTriggerFamily(family)) {
      return { ok: false, message: `unknown trigger family "${family}"; families are ${TRIGGER_FAMILIES.join(', ')}` }
    }
    if (!isFamilyMode(mode)) return { ok: false, message: `unknown mode "${mode}" for ${family}; modes are ${FAMILY_MODES.join(', ')}` }
    if (seen.has(family)) return { ok: false, message: `${family} is named twice` }
    seen.add(family)
    modes[family] = mode
  }
  return { ok: true, modes }
}

/** The configured modes with an operator's overrides on top (an override wins). */
export function withFamilyOverrides(configured: FamilyModes, overrides: Partial<FamilyModes> | undefined): FamilyModes {
  return { ...configured, ...(overrides ?? {}) }
}
