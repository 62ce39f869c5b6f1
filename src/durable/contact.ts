import { DurableObject } from 'cloudflare:workers'
import { currentOverrides, withAutomationOverrides } from '../admin/overrides'
import { requireConfig, type Config } from '../config'
import { currentCartThresholds, recordCartValues, type CartValue } from '../db/cart-values'
import { publishContactFigures } from '../db/contacts'
import { openEscalationsOf } from '../db/support-escalations'
import { evaluateAutomation, initialAutomationState, policyFromConfig } from '../domain/automation'
import type { CartState, ContactState, ProductView } from '../domain/contact-state'
import {
  addProductViews,
  applyCartGone,
  applyCartUpdate,
  applyCustomerUpdate,
  applyOrderUpdate,
  applySubscriberUpdate,
} from '../domain/contact-updates'
import { markAbandonedCarts, nextCartAbandonmentAt } from '../domain/cart-status'
import { highValueCartTasks, type HighValueCartTask } from '../domain/high-value-cart'
import { summarizeContact } from '../domain/lifecycle'
import { compare } from '../domain/money'
import type { Cart, Customer, FiredTrigger, Order, Subscriber } from '../domain/model'
import type { Env } from '../env'
import { cartRecord } from '../hubspot/mapping/cart'
import { contactRecord } from '../hubspot/mapping/contact'
import { customEventRecords } from '../hubspot/mapping/events'
import { orderRecords } from '../hubspot/mapping/order'
import { withWouldWrite } from '../hubspot/mapping/shadow'
import { taskRecord } from '../hubspot/mapping/task'
import type { HubSpotRecord } from '../hubspot/records'
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

/** What one change touched, so only those records are written. */
interface Touched {
  orders: Order[]
  carts: string[]
}

const CORE_KEY = 'core'
const ORDER_PREFIX = 'order:'

/**
 * One per contact (normalized email). Serializes that contact's updates: each call loads the state, applies
 * the hydrated record with the domain's merge rules, re-evaluates lifecycle and automation, writes the
 * changed records through the HubSpot writer, publishes figures to D1, and sets the alarm for the next
 * moment something falls due (cart quiet period, post-purchase step, lapse, deferred trigger).
 */
export class ContactObject extends DurableObject<Env> {
  async applyOrder(order: Order, options: ApplyOptions = {}): Promise<void> {
    await this.change(order.email, options, (state, touched) => {
      const changed = applyOrderUpdate(state, order)
      // Always write the newest known order: a retried event must still reach HubSpot even if state saw it.
      touched.orders.push(state.orders[String(order.orderId)]!)
      if (order.cartId && state.carts[order.cartId]) touched.carts.push(order.cartId)
      return changed
    })
  }

  async applyCart(cart: Cart, signal: { abandonedSignalAt: string | null }, options: ApplyOptions = {}) {
    await this.change(cart.email!, options, (state, touched) => {
      touched.carts.push(cart.cartId)
      return applyCartUpdate(state, cart, signal.abandonedSignalAt)
    })
  }

  async cartGone(cartId: string, change: 'deleted' | 'converted', orderId: number | null): Promise<void> {
    await this.change(null, {}, (state, touched) => {
      touched.carts.push(cartId)
      return applyCartGone(state, cartId, change, orderId)
    })
  }

  async applyCustomer(customer: Customer, subscriber: Subscriber | null, options: ApplyOptions = {}) {
    await this.change(customer.email, options, (state) => {
      const customerChanged = applyCustomerUpdate(state, customer)
      const subscriberChanged = subscriber ? applySubscriberUpdate(state, subscriber) : false
      return customerChanged || subscriberChanged
    })
  }

  async applySubscriber(subscriber: Subscriber, options: ApplyOptions = {}): Promise<void> {
    await this.change(subscriber.email, options, (state) => applySubscriberUpdate(state, subscriber))
  }

  /** Storefront product views; `email` creates the contact if this is the first we hear of them. */
  async recordProductViews(views: ProductView[], email: string): Promise<void> {
    await this.change(email, {}, (state) => addProductViews(state, views))
  }

  /** The contact's state, for the admin API and tests. */
  async snapshot(): Promise<ContactState | null> {
    const state = await this.load(null)
    return state.email ? state : null
  }

  /** Something fell due: re-evaluate with the current time. */
  async alarm(): Promise<void> {
    await this.wake()
  }

  /**
   * Re-evaluates the contact as of `at` (default now): what the alarm does. Tests call it with a chosen
   * moment to play out a quiet period or a cap window without waiting for it.
   */
  async wake(at?: string): Promise<void> {
    await this.change(null, { at }, () => true)
  }

  private async change(
    email: string | null,
    options: ApplyOptions,
    mutate: (state: ContactState, touched: Touched) => boolean,
  ): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      const state = await this.load(email)
      if (!state.email) return
      const touched: Touched = { orders: [], carts: [] }
      const changed = mutate(state, touched)
      if (!changed && touched.orders.length === 0 && touched.carts.length === 0) return

      const config = requireConfig(this.env)
      const policy = policyFromConfig(withAutomationOverrides(config, await currentOverrides(this.env.DB)))
      const now = options.at ? new Date(options.at) : new Date()
      const mode = options.mode ?? 'live'
      // The cache of the last ticket search (src/cron/support-escalations.ts); imports fire nothing, so skip it.
      const supportTickets = mode === 'live' && config.SUPPORT_SUPPRESSION_PRIORITIES ? await openEscalationsOf(this.env.DB, state.email) : null
      const outcome = evaluateAutomation({ state, now, policy, mode, supportTickets })
      state.automation = outcome.automation
      touched.carts.push(...markAbandonedCarts(state, now.getTime(), policy))
      const summary = summarizeContact(state, now, policy)

      const carts = unique(touched.carts)
        .map((cartId) => state.carts[cartId])
        .filter((cart): cart is CartState => cart !== undefined && cart.email !== null)
      const tasks = await this.highValueCartTasks(state, outcome.fired, config, now)
      const records: HubSpotRecord[] = [
        contactRecord(summary, outcome.fired),
        ...touched.orders.flatMap((order) => orderRecords(order)),
        ...carts.map((cart) => cartRecord(cart)),
        ...tasks.map((task) => taskRecord(task)),
      ]
      // HubSpot first, then our own state: if saving fails, the retry re-sends the same values (trigger
      // times are event times), which enrolls nobody twice. The reverse order could lose a trigger. Tasks
      // and custom events are keyed by the trigger's key, so a retry creates or sends nothing twice.
      await hubspotWriter(this.env).enqueue(records, customEventRecords(state.email, outcome.fired), mode === 'import' ? 'bulk' : 'live')
      await this.save(state, touched.orders)
      await publishContactFigures(
        this.env.DB,
        summary,
        touched.orders,
        withWouldWrite(outcome.decisions),
        options.eventCreatedAt ?? null,
        now,
      )
      await recordCartValues(this.env.DB, carts.filter(hasValue).map(cartValue), now)
      const wakeAt = earliest(outcome.nextWakeAt ? Date.parse(outcome.nextWakeAt) : null, nextCartAbandonmentAt(state, now.getTime(), policy))
      if (wakeAt !== null) await this.ctx.storage.setAlarm(wakeAt)
      else await this.ctx.storage.deleteAlarm()
    })
  }

  /** Sales tasks for abandoned carts that fired above the store's high-value threshold (D1, cached). */
  private async highValueCartTasks(state: ContactState, fired: FiredTrigger[], config: Config, now: Date): Promise<HighValueCartTask[]> {
    const percentile = config.HIGH_VALUE_CART_PERCENTILE
    if (percentile === null || !fired.some((f) => f.trigger === 'cart_abandoned')) return []
    const thresholds = await currentCartThresholds(this.env.DB)
    return highValueCartTasks({ email: state.email, fired, carts: state.carts, thresholds, percentile, now })
  }

  private async load(email: string | null): Promise<ContactState> {
    const core = await this.ctx.storage.get<Omit<ContactState, 'orders'>>(CORE_KEY)
    const orders: ContactState['orders'] = {}
    for (const [key, order] of await this.ctx.storage.list<Order>({ prefix: ORDER_PREFIX })) {
      orders[key.slice(ORDER_PREFIX.length)] = order
    }
    return {
      email: core?.email ?? email ?? '',
      customer: core?.customer ?? null,
      // States saved before accounts were kept per channel hold just the one account.
      customers: core?.customers ?? (core?.customer ? { [String(core.customer.customerId)]: core.customer } : {}),
      subscriber: core?.subscriber ?? null,
      carts: core?.carts ?? {},
      productViews: core?.productViews ?? [],
      automation: core?.automation ?? initialAutomationState(),
      orders,
    }
  }

  private async save(state: ContactState, changedOrders: Order[]): Promise<void> {
    const { orders, ...core } = state
    const entries: Record<string, unknown> = { [CORE_KEY]: core }
    for (const order of changedOrders) entries[ORDER_PREFIX + order.orderId] = orders[String(order.orderId)]
    await this.ctx.storage.put(entries)
  }
}

function earliest(...moments: (number | null)[]): number | null {
  const known = moments.filter((m): m is number => m !== null)
  return known.length ? Math.min(...known) : null
}

/** Carts with items and a value rank among the store's cart values (HIGH_VALUE_CART_PERCENTILE). */
function hasValue(cart: CartState): boolean {
  return cart.lines.length > 0 && compare(cart.amount, '0') > 0
}

function cartValue(cart: CartState): CartValue {
  return { cartId: cart.cartId, currency: cart.currency, amount: cart.amount }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}
