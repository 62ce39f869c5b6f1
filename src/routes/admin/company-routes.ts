import { z } from 'zod'
import { companiesReport } from '../../companies/report'
import { route, type AdminRoute } from './define'

/** B2B Edition companies (BIGCOMMERCE_B2B=on) in the admin API. */
export const COMPANY_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/companies',
    role: 'viewer',
    summary: 'B2B Edition companies',
    description:
      'The companies synced as HubSpot companies (BIGCOMMERCE_B2B=on), by lifetime value: status, users, paid order ' +
      "count and net revenue of their users' orders (store base currency, exact in its minor units) as last written " +
      'to HubSpot, and the daily reconciliation (running, last run, what it found, last error). From D1: no call to B2B Edition.',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many (1 to 500)') }),
    success: { status: 200, description: '`{enabled, currency, total, companies, reconciliation}`' },
    async handler(c, { query }) {
      return c.json(await companiesReport(c.env, c.get('config'), query.limit))
    },
  }),
]
