import type { RemoteEventDefinition } from '../hubspot-client'
import { EVENT_DEFINITIONS } from '../custom-event-definitions'
import type { WriterContext } from './writer-context'
import { STORE_KEYS, type EventDefinitionsState } from './options'
import { recordKey, type PendingEvent } from './store'

/**
 * Custom events (HUBSPOT_CUSTOM_EVENTS): the writer's second, optional output. After a flush has written the
 * contacts, each pending occurrence whose contact has a HubSpot id is sent once under its definition's fully
 * qualified name; its key is kept, so a replayed trigger is never sent twice. Definitions are read (and the
 * missing ones created) before the first send and again after `setupRetryMs` while some are missing. An
 * account without custom events (403) is remembered as such: pending events are dropped, not kept.
 */
/** Occurrences sent per flush at most; the rest waits for the next one. */
const EVENTS_PER_FLUSH = 500
/** An event whose contact has no HubSpot id yet looks again this much later. */
const CONTACT_RECHECK_MS = 60_000

/** Sends what is due; returns false when the flush was stopped (rate budget, daily limit, deadline). */
export async function flushEvents(ctx: WriterContext): Promise<boolean> {
  const { store } = ctx
  if (store.pendingEventCount() === 0) return true
  if (!ctx.options.customEvents) {
    dropAll(ctx)
    return true
  }
  const state = await ensureEventDefinitions(ctx)
  if (!state) return false
  if (!state.available) {
    dropAll(ctx)
    return true
  }
  for (const pending of store.dueEvents(ctx.clock.now(), EVENTS_PER_FLUSH)) {
    const sent = await sendOne(ctx, state, pending)
    if (sent === 'stopped') return false
    if (sent === 'unavailable') {
      dropAll(ctx)
      return true
    }
  }
  return true
}

async function sendOne(
  ctx: WriterContext,
  state: EventDefinitionsState,
  pending: PendingEvent,
): Promise<'sent' | 'waiting' | 'failed' | 'stopped' | 'unavailable'> {
  const { store } = ctx
  const { event } = pending
  const now = ctx.clock.now()
  const definition = state.definitions[event.name]
  const contactKnown = store.knownIds('contacts', [recordKey('contacts', event.email)]).size > 0
  if (!definition || !contactKnown) {
    // A workflow enrolls only a contact that exists when the event occurs: wait for the contact's write
    // (and for a missing definition's next attempt), within a bound.
    if (now - pending.createdAt > ctx.options.eventContactWaitMs) drop(ctx, event.key)
    else store.retryEventLater(event.key, pending.attempts, now + CONTACT_RECHECK_MS)
    return 'waiting'
  }
  const defined = new Set(definition.properties)
  const properties = Object.fromEntries(Object.entries(event.properties).filter(([name]) => defined.has(name)))
  const res = await ctx.control.send(() =>
    ctx.client.sendEvent({ eventName: definition.fullyQualifiedName, email: event.email, occurredAt: event.occurredAt, properties }),
  )
  if (!res) return 'stopped'
  if (res.ok) {
    store.eventSent(event.key, ctx.clock.now())
    ctx.stats.eventsSent++
    return 'sent'
  }
  ctx.stats.lastError = { at: ctx.clock.now(), message: `event ${event.name} for ${event.email}: ${res.error.message}` }
  if (res.error.kind === 'auth') {
    saveState(ctx, { ...state, checkedAt: ctx.clock.now(), available: false, reason: res.error.message })
    return 'unavailable'
  }
  const attempts = pending.attempts + 1
  if (attempts >= ctx.options.maxAttempts) drop(ctx, event.key)
  else store.retryEventLater(event.key, attempts, ctx.clock.now() + ctx.options.recordRetryBaseMs * 2 ** (attempts - 1))
  return 'failed'
}

/**
 * The definitions as HubSpot has them, creating the missing ones. Cached in the writer's storage; looked at
 * again after `setupRetryMs` while incomplete or unavailable, or at once when `force` (the admin's setup).
 */
export async function ensureEventDefinitions(ctx: WriterContext, force = false): Promise<EventDefinitionsState | null> {
  const known = ctx.store.getValue<EventDefinitionsState>(STORE_KEYS.eventDefinitions)
  const now = ctx.clock.now()
  if (known && !force) {
    const complete = known.available && EVENT_DEFINITIONS.every((d) => known.definitions[d.name])
    if (complete || now - known.checkedAt < ctx.options.setupRetryMs) return known
  }
  const existing = new Map<string, RemoteEventDefinition>()
  let after: string | undefined
  do {
    const listed = await ctx.control.send(() => ctx.client.listEventDefinitions(after))
    if (!listed) return null
    if (!listed.ok) {
      const reason =
        listed.error.kind === 'auth'
          ? `custom events are not available to this account or token: ${listed.error.message}`
          : listed.error.message
      return saveState(ctx, { checkedAt: now, available: false, reason, definitions: known?.definitions ?? {}, failed: [] })
    }
    for (const definition of listed.data.results ?? []) existing.set(definition.name, definition)
    after = listed.data.paging?.next?.after
  } while (after)

  const state: EventDefinitionsState = { checkedAt: now, available: true, reason: null, definitions: {}, failed: [] }
  for (const wanted of EVENT_DEFINITIONS) {
    let found = existing.get(wanted.name)
    if (!found) {
      const created = await ctx.control.send(() => ctx.client.createEventDefinition(wanted))
      if (!created) return null
      if (created.ok) found = created.data
      else {
        state.failed.push(wanted.name)
        state.reason = `${wanted.name}: ${created.error.message}`
        continue
      }
    }
    state.definitions[wanted.name] = {
      fullyQualifiedName: found.fullyQualifiedName,
      // HubSpot lists a definition's properties as `properties[]` (the list call only with includeProperties).
      properties: (found.properties ?? []).map((p) => p.name),
    }
  }
  return saveState(ctx, state)
}

function saveState(ctx: WriterContext, state: EventDefinitionsState): EventDefinitionsState {
  ctx.store.setValue(STORE_KEYS.eventDefinitions, state)
  return state
}

function drop(ctx: WriterContext, key: string): void {
  ctx.store.dropEvent(key)
  ctx.stats.eventsDropped++
}

function dropAll(ctx: WriterContext): void {
  for (;;) {
    const pending = ctx.store.dueEvents(Number.MAX_SAFE_INTEGER, 1000)
    if (!pending.length) return
    for (const p of pending) drop(ctx, p.event.key)
  }
}
