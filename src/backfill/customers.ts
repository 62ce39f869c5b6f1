import { z } from 'zod'
import { normalizeCustomer, normalizeSubscriber } from '../bigcommerce/normalize'
import { v3Customer, v3Subscriber } from '../bigcommerce/resources'
import { canonicalEmail, recordCustomerEmail } from '../db/identity'
import { contactObject, personObject } from '../durable/stubs'
import { modifiedSince, type Phase } from './context'
import { v3Page, v3PageMeta, v3Total } from './listing'
import { importEach } from './skip'

const PAGE = 250
const CONCURRENCY = 8

const customerPage = v3Page.extend({
  meta: v3PageMeta.extend({ cursor_pagination: z.object({ end_cursor: z.string().nullish() }).nullish() }).nullish(),
})

/** `{after}` walks BigCommerce's customer cursor (stable while customers are added); `{page}` if it has none. */
type CustomerCursor = { after: string } | { page: number }

/**
 * Customers, each with its email recorded for the identity graph, imported into its contact (`import`
 * mode: state and properties, no trigger). Consent comes with the subscribers phase.
 */
export const customersPhase: Phase = {
  name: 'customers',

  count: (ctx) => v3Total(ctx, '/customers', modifiedSince(ctx, 'date_modified:min')),

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
      const skipped = await importEach(page.data, v3Customer, CONCURRENCY, async (parsed) => {
        const customer = normalizeCustomer(parsed)
        const person = await canonicalEmail(ctx.env.DB, customer.email)
        await recordCustomerEmail(ctx.env.DB, customer.customerId, person)
        ctx.budget.spend()
        await contactObject(ctx.env, person).applyCustomer(customer, null, { mode: 'import' })
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

/** Newsletter subscribers: email consent for customers and guests alike (and a contact for each). */
export const subscribersPhase: Phase = {
  name: 'subscribers',

  count: (ctx) => v3Total(ctx, '/customers/subscribers', modifiedSince(ctx, 'date_modified:min')),

  async run(ctx, cursor, checkpoint) {
    let page = cursor ? (JSON.parse(cursor) as { page: number }).page : 1
    while (!ctx.budget.exhausted(PAGE + 1)) {
      const body = v3Page.parse(
        (await ctx.client.v3('/customers/subscribers', { limit: PAGE, page, ...modifiedSince(ctx, 'date_modified:min') })) ?? { data: [] },
      )
      const skipped = await importEach(body.data, v3Subscriber, CONCURRENCY, async (parsed) => {
        const subscriber = normalizeSubscriber(parsed)
        ctx.budget.spend()
        await (await personObject(ctx.env, subscriber.email)).applySubscriber(subscriber, { mode: 'import' })
      })
      const last = body.data.length < PAGE
      await checkpoint({ cursor: last ? null : JSON.stringify({ page: page + 1 }), processed: body.data.length, skipped })
      if (last) return true
      page++
    }
    return false
  },
}
