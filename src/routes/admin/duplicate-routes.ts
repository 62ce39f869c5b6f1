import { z } from 'zod'
import { duplicateReview, mergeDuplicateGroup } from '../../admin/duplicate-review'
import { normalizeEmail } from '../../domain/identity-keys'
import { ApiError } from '../../http'
import { route, type AdminRoute } from './define'

/** `/admin/api/duplicates`: duplicate groups by the playbook's definition, and an operator's approval to merge one. */
export const DUPLICATE_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/duplicates',
    role: 'viewer',
    summary: 'Duplicate contacts to review',
    description:
      'Groups of contacts that are one person by the playbook: the same normalized email or normalized phone (E.164), ' +
      'or the same BigCommerce customer id; a phone shared by more than DUPLICATE_PHONE_MAX_GROUP contacts joins no ' +
      'one (`crowdedPhones`). Each group lists its contacts (figures in the store base currency) and why they are a ' +
      'group (`why`: reason `shared_phone`, `email_variant` or `shared_customer_id`, with the shared value), and the ' +
      'contact a merge keeps (`survivor`). `linked`: people whose emails are linked (IDENTITY_AUTO_LINK, or a merge ' +
      'waiting for HubSpot or failed there) but whose HubSpot contacts are not merged; their `id` can be approved too.',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many groups (1 to 500)') }),
    success: { status: 200, description: '`{definition, maxPhoneGroup, total, groups, crowdedPhones, linked}`' },
    async handler(c, { query }) {
      return c.json(await duplicateReview(c.env.DB, c.get('config').DUPLICATE_PHONE_MAX_GROUP, query.limit))
    },
  }),
  route({
    method: 'post',
    path: '/duplicates/{group}/merge',
    role: 'operator',
    summary: 'Merge a duplicate group into one person',
    description:
      'Links the emails of the group as one person: from now on every event for any of them (webhooks, replays, a ' +
      'backfill) goes to the surviving contact, which takes over the others\' orders, carts, consent, fired triggers ' +
      'and cap ledger; lifetime value, status, caps and the value tier are computed over all of it. The HubSpot ' +
      'contacts are merged into the survivor with HubSpot\'s merge API by the HubSpot writer (the others\' emails ' +
      'stay on it as additional emails; `hubspotMerge` starts `pending`, GET /duplicates shows a failure). `primary` ' +
      'chooses the survivor (default: a registered customer first, then more orders, then more value). Audited with ' +
      'the contacts before and the person after. Approving again changes nothing.',
    params: z.object({ group: z.string().regex(/^[0-9a-f]{16}$/, 'must be a group id from GET /duplicates') }),
    body: z
      .object({ primary: z.string().trim().min(1).optional().describe('the email to keep; one of the group') })
      .strict()
      .optional(),
    audit: 'duplicates.merge',
    success: {
      status: 200,
      description: 'Merged',
      schema: z.object({
        group: z.string(),
        survivor: z.string(),
        linked: z.array(z.string()),
        hubspotMerge: z.literal('pending'),
        contact: z.unknown().describe('the surviving contact after the merge'),
      }),
    },
    errors: { 404: 'no such group (it may have changed)' },
    async handler(c, { params, body }) {
      const primary = body?.primary === undefined ? undefined : (normalizeEmail(body.primary) ?? body.primary)
      const maxPhoneGroup = c.get('config').DUPLICATE_PHONE_MAX_GROUP
      const outcome = await mergeDuplicateGroup(c.env, c.get('actor'), { group: params.group, primary, maxPhoneGroup }, new Date())
      if (!outcome.ok) throw new ApiError(outcome.status, outcome.error, outcome.message)
      const { ok: _ok, ...merged } = outcome
      return c.json(merged)
    },
  }),
]
