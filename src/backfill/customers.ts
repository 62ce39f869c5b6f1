import { z } from 'zod'
import { normalizeCustomer, normalizeSubscriber } from '../bigcommerce/normalize/normalize-customer'
import { v3Customer, v3Subscriber } from '../bigcommerce/resources'
import { deliverCustomer, deliverSubscriber } from '../pipeline/deliver'
import { modifiedSince, type Phase } from './phase-context'
import { v3Page, v3PageMeta, v3Total } from './listing'
import { importEach } from './skip'

const PAGE = 250
const CHUNK = 50
const CONCURRENCY = 8

const customerPage = v3Page.extend({
  meta: v3PageMeta.extend({ cursor_pagination: z.object({ end_cursor: z.string().nullish() }).nullish() }).nullish(),
})

/** `{after}` walks BigCommerce's customer cursor (stable while customers are added); `{page}` if it has none. */
type CustomerCursor = { after: string } | { page: number }

/** Each staged record costs one Durable Object call (its contact) and no BigCommerce call. */
const oneContactEach = (records: readonly unknown[]) => ({ bigcommerce: 0, outbound: records.length })

/**
 * Customers, each with its email recorded for the identity graph, imported into its contact (`import`
 * mode: state and properties, no trigger). Consent comes with the subscribers phase. Staged as listed.
 */
export const customersPhase: Phase = {
  name: 'customers',
  listCalls: 1,
  chunk: CHUNK,

  async list(ctx, cursor) {
    const at = cursor ? (JSON.parse(cursor) as CustomerCursor) : null
    const query = {
      limit: PAGE,
      include: 'addresses',
      ...modifiedSince(ctx, 'date_modified:min'),
      ...(at && 'after' in at ? { after: at.after } : { page: at && 'page' in at ? at.page : 1 }),
    }
    const page = customerPage.parse((await ctx.client.v3('/customers', query)) ?? { data: [] })
    const endCursor = page.meta?.cursor_pagination?.end_cursor
    const next: CustomerCursor = endCursor ? { after: endCursor } : { page: (at && 'page' in at ? at.page : 1) + 1 }
    return { records: page.data, unusable: 0, next: page.data.length < PAGE ? null : JSON.stringify(next), total: v3Total(page) }
  },

  applyCalls: oneContactEach,

  async apply(ctx, records) {
    const skipped = await importEach(records, v3Customer, CONCURRENCY, async (parsed) => {
      const customer = normalizeCustomer(parsed)
      ctx.budget.spend()
      // With its email recorded for the identity graph; an erased person's old account is not imported.
      await deliverCustomer(ctx.env, customer, null, { mode: 'import' })
    })
    return { skipped }
  },
}

/** Newsletter subscribers: email consent for customers and guests alike (and a contact for each). */
export const subscribersPhase: Phase = {
  name: 'subscribers',
  listCalls: 1,
  chunk: CHUNK,

  async list(ctx, cursor) {
    const page = cursor ? (JSON.parse(cursor) as { page: number }).page : 1
    const body = v3Page.parse(
      (await ctx.client.v3('/customers/subscribers', { limit: PAGE, page, ...modifiedSince(ctx, 'date_modified:min') })) ?? { data: [] },
    )
    return { records: body.data, unusable: 0, next: body.data.length < PAGE ? null : JSON.stringify({ page: page + 1 }), total: v3Total(body) }
  },

  applyCalls: oneContactEach,

  async apply(ctx, records) {
    const skipped = await importEach(records, v3Subscriber, CONCURRENCY, async (parsed) => {
      const subscriber = normalizeSubscriber(parsed)
      ctx.budget.spend()
      await deliverSubscriber(ctx.env, subscriber, { mode: 'import' })
    })
    return { skipped }
  },
}
