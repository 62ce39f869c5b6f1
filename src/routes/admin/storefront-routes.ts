import { storefrontsReport } from '../../admin/storefronts-report'
import { route, type AdminRoute } from './define'

/** `/admin/api/storefronts`: the store's storefronts (Multi-Storefront) with their sites, currencies and sales. */
export const STOREFRONT_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/storefronts',
    role: 'viewer',
    summary: "The store's storefronts",
    description:
      "The store's BigCommerce storefront channels (and its other channels under `otherChannels`) as setup, the daily " +
      'channel sync and channel webhooks last read them: name, platform, status, site URL, whether beacon hits are ' +
      'accepted from the site (`live`: an active storefront with a site), currencies, and the last 30 days of paid ' +
      "orders and net revenue (store base currency, in its minor units). Use an `id` as the reports' `storefront` filter.",
    success: { status: 200, description: '`{syncedAt, since, currency, storefronts, otherChannels}`' },
    async handler(c) {
      return c.json(await storefrontsReport(c.env, new Date()))
    },
  }),
]
