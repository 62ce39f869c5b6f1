import { z } from 'zod'
import { normalizeCustomer, normalizeSubscriber } from '../bigcommerce/normalize'
import { v3Customer, v3Subscriber } from '../bigcommerce/resources'
import { recordCustomerEmail } from '../db/identity'
import { contactObject } from '../durable/stubs'
import { mapLimit, modifiedSince, type Phase } from './context'
import { isSkippable, parseRecord } from './skip'

const PAGE = 250
const CONCURRENCY = 8

const customerPage = z.object({
  data: z.array(z.unknown()),
  meta: z
    .object({
      pagination: z.object({ total: z.number().nullish() }).nullish(),
      cursor_pagination: z.object({ end_cursor: z.string().nullish() }).nullish(),
    })
    .nullish(),
})

/** `{after}` walks BigCommerce's customer cursor (stable while customers are added); `{page}` if it has none. */
type CustomerCursor = { after: string } | { page: number }

/**
 * Customers, each with its email recorded for the identity graph, imported into its contact (`import`
 * mode: state and properties, no trigger). Consent comes with the subscribers phase.
 */
export const customersPhase: Phase = {
  name: 'customers',

  async count(ctx) {
    const body = await ctx.client.v3('/customers', { limit: 1, ...modifiedSince(ctx, 'date_modified:min') })
    return customerPage.parse(body ?? { data: [] }).meta?.pagination?.total ?? 0
  },

  async run(ctx, cursor, checkpoint) {
    let at: CustomerCursor | null = cursor ? (JSON.parse(cursor) as CustomerCursor) : null
    while (!ctx.budget.exhausted(PAGE + 1)) {
      const query = {
        limit: PAGE,
        include: 'addresses',
        ...modifiedSince(ctx, 'date_modified:min'),
        ...(at && 'after' in at ? { after: at.after } : { page: at && 'page' in at ? at.page : 1 }),
      }
      const page = customerPage.parse((await ctx.client.v3('/customers', query)) ?? { data: [] })
      let skipped = 0
      await mapLimit(page.data, CONCURRENCY, async (raw) => {
        try {
          const parsed = parseRecord(v3Customer, raw)
          if (!parsed) return void skipped++
          const customer = normalizeCustomer(parsed)
          await recordCustomerEmail(ctx.env.DB, customer.customerId, customer.email)
          ctx.budget.spend()
          await contactObject(ctx.env, customer.email).applyCustomer(customer, null, { mode: 'import' })
        } catch (err) {
          if (!isSkippable(err)) throw err
          skipped++
        }
      })
      const endCursor = page.meta?.cursor_pagination?.end_cursor
      const last = page.data.length < PAGE
      const next: CustomerCursor = endCursor ? { after: endCursor } : { page: (at && 'page' in at ? at.page : 1) + 1 }
      await checkpoint({ cursor: last ? null : JSON.stringify(next), processed: page.data.length, skipped })
      if (last) return true
      at = next
    }
    return false
  },
}

const subscriberPage = z.object({
  data: z.array(z.unknown()),
  meta: z.object({ pagination: z.object({ total: z.number().nullish() }).nullish() }).nullish(),
})

/** Newsletter subscribers: email consent for customers and guests alike (and a contact for each). */
export const subscribersPhase: Phase = {
  name: 'subscribers',

  async count(ctx) {
    const body = await ctx.client.v3('/customers/subscribers', { limit: 1, ...modifiedSince(ctx, 'date_modified:min') })
    return subscriberPage.parse(body ?? { data: [] }).meta?.pagination?.total ?? 0
  },

  async run(ctx, cursor, checkpoint) {
    let page = cursor ? (JSON.parse(cursor) as { page: number }).page : 1
    while (!ctx.budget.exhausted(PAGE + 1)) {
      const body = subscriberPage.parse(
        (await ctx.client.v3('/customers/subscribers', { limit: PAGE, page, ...modifiedSince(ctx, 'date_modified:min') })) ?? { data: [] },
      )
      let skipped = 0
      await mapLimit(body.data, CONCURRENCY, async (raw) => {
        try {
          const parsed = parseRecord(v3Subscriber, raw)
          if (!parsed) return void skipped++
          const subscriber = normalizeSubscriber(parsed)
          ctx.budget.spend()
          await contactObject(ctx.env, subscriber.email).applySubscriber(subscriber, { mode: 'import' })
        } catch (err) {
          if (!isSkippable(err)) throw err
          skipped++
        }
      })
      const last = body.data.length < PAGE
      await checkpoint({ cursor: last ? null : JSON.stringify({ page: page + 1 }), processed: body.data.length, skipped })
      if (last) return true
      page++
    }
    return false
  },
}
