import { DurableObject } from 'cloudflare:workers'
import { requireConfig } from '../config'
import { currentCartThresholds } from '../db/cart-values'
import { hubspotOptOutOf } from '../db/consent'
import { currentOverrides } from '../db/overrides'
import { openEscalationsOf } from '../db/support-escalations'
import { initialAutomationState } from '../domain/automation/state'
import { policyFromConfig } from '../domain/automation/policy'
import { applyContactChange, type ContactChange } from '../domain/contact-change'
import { planContactChange, withHighValueCartTasks } from '../domain/contact-plan'
import type { ContactState, ProductView } from '../domain/contact-state'
import type { Cart, Customer, HubSpotOptOut, Order, Subscriber } from '../domain/model'
import { withAutomationOverrides } from '../domain/operator-overrides'
import { startsAfterErasure } from '../domain/erasure-rules'
import { erasedAt } from '../erasure/gate'
import { contactPlanWrites } from '../hubspot/mapping/contact-plan-writes'
import { withWouldWrite } from '../hubspot/mapping/shadow'
import {
  alarmSucceeded,
  completePendingPublication,
  publish,
  PUBLICATION_KEY,
  retryAlarmLater,
  type PendingPublication,
} from './contact-publication'
import { hubspotWriter } from './writer-stub'

/** `live` fires triggers; `import` (historical backfill) sets state and properties but fires nothing. */
export type ApplyMode = 'live' | 'import'

export interface ApplyOptions {
  mode?: ApplyMode
  /** The webhook's `created_at` (unix seconds), for latency figures. */
  eventCreatedAt?: number | null
  /** Evaluate as of this moment instead of now (see `wake`). */
  at?: string
}

/**
 * Whether a record may start this contact when its person was erased at `erasedAt` (ISO): a new order or
 * sign-up does; history from before the erasure (a backfill, a replay, a late event) does not.
 */
type StartsRelationship = (erasedAt: string) => boolean

/** What the contact's storage named, for the erasure to find the rest (see src/admin/erasure-request.ts). */
export interface ErasedContact {
  /** Storage entries deleted. */
  entries: number
  cartIds: string[]
  customerIds: number[]
  subscriberIds: number[]
  orderIds: number[]
}

const CORE_KEY = 'core'
const ORDER_PREFIX = 'order:'
/** Set when this email was linked to another person's: the canonical email, where every call goes. */
const MERGED_INTO_KEY = 'merged_into'

/**
 * One per contact (normalized email). Serializes that contact's updates: each call loads the state and the
 * facts the domain needs, lets the domain apply the change and plan what follows (domain/contact-change.ts,
 * domain/contact-plan.ts), writes the planned records through the HubSpot writer, saves, publishes figures to
 * D1, and sets the alarm for the next moment something falls due (cart quiet period, post-purchase step,
 * lapse, deferred trigger).
 * An email linked to another person's hands its state over (`absorb`) and from then on passes every call on.
 * Its env: the generated bindings (worker-configuration.d.ts), as the platform and the test pool type one.
 */
export class ContactObject extends DurableObject<Cloudflare.Env> {
  async applyOrder(order: Order, options: ApplyOptions = {}): Promise<void> {
    const into = await this.change(order.email, options, { kind: 'order', order }, (at) => startsAfterErasure.order(order, at))
    if (typeof into === 'string') await this.person(into).applyOrder(order, options)
  }

  async applyCart(cart: Cart, signal: { abandonedSignalAt: string | null }, options: ApplyOptions = {}) {
    const into = await this.change(cart.email!, options, { kind: 'cart', cart, abandonedSignalAt: signal.abandonedSignalAt }, (at) =>
      startsAfterErasure.cart(cart, at))
    if (typeof into === 'string') await this.person(into).applyCart(cart, signal, options)
  }

  async cartGone(cartId: string, change: 'deleted' | 'converted' | 'moved', orderId: number | null): Promise<void> {
    const into = await this.change(null, {}, { kind: 'cart_gone', cartId, change, orderId })
    if (typeof into === 'string') await this.person(into).cartGone(cartId, change, orderId)
  }

  async applyCustomer(customer: Customer, subscriber: Subscriber | null, options: ApplyOptions = {}) {
    const into = await this.change(customer.email, options, { kind: 'customer', customer, subscriber }, (at) =>
      startsAfterErasure.customer(customer, at))
    if (typeof into === 'string') await this.person(into).applyCustomer(customer, subscriber, options)
  }

  async applySubscriber(subscriber: Subscriber, options: ApplyOptions = {}): Promise<void> {
    const into = await this.change(subscriber.email, options, { kind: 'subscriber', subscriber }, (at) =>
      startsAfterErasure.subscriber(subscriber, at))
    if (typeof into === 'string') await this.person(into).applySubscriber(subscriber, options)
  }

  /** BigCommerce deleted a subscriber record of this contact; `replacement` is what the store has left for the email. */
  async subscriberGone(subscriberId: number, replacement: Subscriber | null, at: string): Promise<void> {
    const into = await this.change(null, {}, { kind: 'subscriber_gone', subscriberId, replacement, at })
    if (typeof into === 'string') await this.person(into).subscriberGone(subscriberId, replacement, at)
  }

  /** BigCommerce deleted this contact's customer account. */
  async customerGone(customerId: number): Promise<void> {
    const into = await this.change(null, {}, { kind: 'customer_gone', customerId })
    if (typeof into === 'string') await this.person(into).customerGone(customerId)
  }

  /** HubSpot's unsubscribe, from the consent job; a contact not started yet reads it from D1 when it starts. */
  async applyHubSpotOptOut(optOut: HubSpotOptOut | null): Promise<void> {
    const into = await this.change(null, {}, { kind: 'hubspot_opt_out', optOut })
    if (typeof into === 'string') await this.person(into).applyHubSpotOptOut(optOut)
  }

  /** Storefront product views; `email` creates the contact if this is the first we hear of them. */
  async recordProductViews(views: ProductView[], email: string): Promise<void> {
    const into = await this.change(email, {}, { kind: 'product_views', views }, () => false)
    if (typeof into === 'string') await this.person(into).recordProductViews(views, email)
  }

  /**
   * Erasure: deletes everything this object stores (and its alarm), answering what it named. An email linked to
   * another person's loses its forwarding too: the erasure reaches every email of the person (src/admin/erasure-request.ts).
   */
  async erase(): Promise<ErasedContact> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const { state } = await this.load(null)
      const entries = (await this.ctx.storage.list()).size
      await this.ctx.storage.deleteAlarm()
      await this.ctx.storage.deleteAll()
      return {
        entries,
        cartIds: Object.keys(state.carts),
        // Every account the person has, one per storefront, the current one included.
        customerIds: [...new Set([...(state.customer ? [state.customer.customerId] : []), ...Object.values(state.customers).map((c) => c.customerId)])],
        subscriberIds: state.subscriber ? [state.subscriber.subscriberId] : [],
        orderIds: Object.keys(state.orders).map(Number),
      }
    })
  }

  /**
   * This contact (`email`) takes over the contact of `absorbed`, found to be the same person: its orders, carts,
   * consent, product views, settled triggers and cap ledger join this state by the domain's rules, and the
   * person is evaluated and written again as one (lifetime value, status, caps; its orders and carts now
   * associated with this contact). Safe to repeat: the absorbed contact hands over the same state, or none.
   */
  async absorb(email: string, absorbed: string, options: ApplyOptions = {}): Promise<void> {
    if (absorbed === email) return
    const from = this.person(absorbed)
    const handed = await from.handOver(email)
    // An operator's link after an erasure of `email` starts the person again only with a live contact to take over.
    const into = await this.change(email, options, { kind: 'absorb', handed }, () => handed !== null)
    if (typeof into === 'string') return this.person(into).absorb(into, absorbed, options)
    await from.release()
  }

  /**
   * The first half of being absorbed: from now on every call goes to `into` (atomically with this answer), no
   * alarm runs here, and the state is returned for `into` to take over. Kept until `release`, so a repeat hands
   * over the same state.
   */
  async handOver(into: string): Promise<ContactState | null> {
    return this.ctx.blockConcurrencyWhile(async () => {
      await this.ctx.storage.put(MERGED_INTO_KEY, into)
      await this.ctx.storage.deleteAlarm()
      const { state } = await this.load(null)
      return state.email ? state : null
    })
  }

  /** The second half: the state taken over is deleted; only the forwarding stays. */
  async release(): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      if (!(await this.ctx.storage.get<string>(MERGED_INTO_KEY))) return
      const keys = [CORE_KEY, ...(await this.ctx.storage.list({ prefix: ORDER_PREFIX })).keys()]
      for (let i = 0; i < keys.length; i += 128) await this.ctx.storage.delete(keys.slice(i, i + 128))
    })
  }

  /** The contact's state, for the admin API and tests (the person's, for an email linked to another). */
  async snapshot(): Promise<ContactState | null> {
    const into = await this.ctx.storage.get<string>(MERGED_INTO_KEY)
    if (into) return this.person(into).snapshot()
    const { state } = await this.load(null)
    return state.email ? state : null
  }

  /**
   * Something fell due: re-evaluate with the current time. A failure (D1 down past the runtime's few retries)
   * is caught and the alarm set again, backing off; the minute sweep wakes the contact if even that is lost.
   */
  async alarm(): Promise<void> {
    try {
      await this.wake()
      await alarmSucceeded(this.ctx.storage)
    } catch (err) {
      const retryAt = await retryAlarmLater(this.ctx.storage, Date.now())
      console.error(`contact alarm failed, tries again at ${new Date(retryAt).toISOString()}:`, err instanceof Error ? err.message : String(err))
    }
  }

  /**
   * Re-evaluates the contact as of `at` (default now): what the alarm and the scheduled-work sweep do. Tests
   * call it with a chosen moment to play out a quiet period or a cap window without waiting for it. False when
   * this object holds no contact.
   */
  async wake(at?: string): Promise<boolean> {
    const into = await this.change(null, { at }, { kind: 'wake' })
    // A contact absorbed into another holds nothing here: its person is woken, and its own wake time cleared.
    if (typeof into === 'string') {
      await this.person(into).wake(at)
      return false
    }
    return into
  }

  /** Another contact's object: the person this email was linked to, or one being absorbed. */
  private person(email: string) {
    return this.env.CONTACT.getByName(email)
  }

  /**
   * Applies a change. Returns the email of the person this one was linked to, when it was (nothing changes here);
   * else whether this object holds a contact (false when `email` names none either).
   */
  private async change(
    email: string | null,
    options: ApplyOptions,
    change: ContactChange,
    startsRelationship?: StartsRelationship,
  ): Promise<string | boolean> {
    return unsettle(await this.ctx.blockConcurrencyWhile(settled(async (): Promise<string | boolean> => {
      // What an earlier change left unpublished goes first (a retry completes it, then finds nothing new).
      await completePendingPublication(this.env.DB, this.ctx.storage)
      const into = await this.ctx.storage.get<string>(MERGED_INTO_KEY)
      if (into) return into
      const { state, fresh } = await this.load(email)
      if (!state.email) return false
      if (fresh) {
        const start = await this.startingFacts(state.email)
        if (start.erasedAt !== null && !startsRelationship?.(start.erasedAt)) return false
        state.hubspotOptOut = start.hubspotOptOut
      }
      const now = options.at ? new Date(options.at) : new Date()
      const touched = applyContactChange(state, change, now)
      if (!touched) return true

      const config = requireConfig(this.env)
      const policy = policyFromConfig(withAutomationOverrides(config, await currentOverrides(this.env.DB)))
      const mode = options.mode ?? 'live'
      // The cache of the last ticket search (src/upkeep/support-escalation-refresh.ts); imports fire nothing, so skip it.
      const supportTickets = mode === 'live' && config.SUPPORT_SUPPRESSION_PRIORITIES ? await openEscalationsOf(this.env.DB, state.email) : null
      const evaluated = planContactChange(state, now, policy, {
        touched,
        mode,
        supportTickets,
        highValueCartPercentile: config.HIGH_VALUE_CART_PERCENTILE,
      })
      // The store's cart thresholds (D1, cached) are read only when an abandoned cart fired.
      const plan = evaluated.cartsToPrice ? withHighValueCartTasks(evaluated, await currentCartThresholds(this.env.DB)) : evaluated
      const { records, events } = contactPlanWrites(plan)
      // HubSpot first, then our own state: if saving fails, the retry re-sends the same values (trigger
      // times are event times), which enrolls nobody twice. The reverse order could lose a trigger. Tasks
      // and custom events are keyed by the trigger's key, so a retry creates or sends nothing twice.
      await hubspotWriter(this.env).enqueue(records, events, mode === 'import' ? 'bulk' : 'live')
      const { wakeAt } = plan
      const publication: PendingPublication = {
        id: crypto.randomUUID(),
        summary: plan.summary,
        orders: plan.orders,
        decisions: withWouldWrite(plan.decisions),
        eventCreatedAt: options.eventCreatedAt ?? null,
        at: now.toISOString(),
        wakeAt,
        cartValues: plan.cartValues,
      }
      await this.save(plan.state, plan.orders, publication)
      if (wakeAt !== null) await this.ctx.storage.setAlarm(wakeAt)
      else await this.ctx.storage.deleteAlarm()
      await publish(this.env.DB, this.ctx.storage, publication)
      return true
    })))
  }

  /** The stored state; `fresh` when nothing is stored yet (a new contact, or one erased). */
  private async load(email: string | null): Promise<{ state: ContactState; fresh: boolean }> {
    const core = await this.ctx.storage.get<Omit<ContactState, 'orders'>>(CORE_KEY)
    const orders: ContactState['orders'] = {}
    for (const [key, order] of await this.ctx.storage.list<Order>({ prefix: ORDER_PREFIX })) {
      orders[key.slice(ORDER_PREFIX.length)] = order
    }
    const state: ContactState = {
      email: core?.email ?? email ?? '',
      customer: core?.customer ?? null,
      // States saved before accounts were kept per channel hold just the one account.
      customers: core?.customers ?? (core?.customer ? { [String(core.customer.customerId)]: core.customer } : {}),
      subscriber: core?.subscriber ?? null,
      carts: core?.carts ?? {},
      productViews: core?.productViews ?? [],
      hubspotOptOut: core?.hubspotOptOut ?? null,
      automation: core?.automation ?? initialAutomationState(),
      orders,
    }
    return { state, fresh: core === undefined }
  }

  /**
   * What a contact starts with, from D1: whether its person was erased (a tombstone: then only a new order or
   * sign-up starts it again, whatever path the record took) and HubSpot's unsubscribe, if HubSpot has one.
   */
  private async startingFacts(email: string): Promise<{ erasedAt: string | null; hubspotOptOut: HubSpotOptOut | null }> {
    const [erased, hubspotOptOut] = await Promise.all([erasedAt(this.env, email), hubspotOptOutOf(this.env.DB, email)])
    return { erasedAt: erased, hubspotOptOut }
  }

  /** The state and what it publishes, in one atomic put. */
  private async save(state: ContactState, changedOrders: Order[], publication: PendingPublication): Promise<void> {
    const { orders, ...core } = state
    const entries: Record<string, unknown> = { [CORE_KEY]: core, [PUBLICATION_KEY]: publication }
    for (const order of changedOrders) entries[ORDER_PREFIX + order.orderId] = orders[String(order.orderId)]
    await this.ctx.storage.put(entries)
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** `fn` as a callback that never throws: blockConcurrencyWhile resets the object when its callback throws. */
function settled<T>(fn: () => Promise<T>): () => Promise<Settled<T>> {
  return () => fn().then((value): Settled<T> => ({ ok: true, value }), (error: unknown): Settled<T> => ({ ok: false, error }))
}

/** The value, or the failure thrown again outside. */
function unsettle<T>(outcome: Settled<T>): T {
  if (!outcome.ok) throw outcome.error
  return outcome.value
}
