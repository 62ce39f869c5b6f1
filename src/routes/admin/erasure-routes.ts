import { z } from 'zod'
import { eraseAudited } from '../../admin/erasure-request'
import { ApiError } from '../../http'
import { route, type AdminRoute } from './define'

/** A person's erasure (contract section 3). */

export const ERASURE_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'post',
    path: '/erase',
    role: 'admin',
    summary: 'Erase a person',
    description:
      'Erases the person with this email (a data subject request): their rows in every D1 table (contact, ' +
      'identities, storefront visitors and touches, attribution, carts, decisions, dead letters), their contact\'s ' +
      'Durable Object storage, and the HubSpot writer\'s pending work and ids for them. Orders are kept as the ' +
      "store's financial records with email, customer and cart cleared. With HUBSPOT_ERASE=on, HubSpot's GDPR " +
      'delete is asked for the contact (through the writer). A tombstone (a keyed hash of the email) keeps a ' +
      'backfill or replay of their history from bringing them back; a new order or sign-up starts a new ' +
      'relationship. Answers what was removed, counted. Audited with the keyed fingerprint, never the email. ' +
      'Safe to repeat.',
    body: z.object({ email: z.string().trim().min(3).max(320).describe('the person\'s email, any case') }).strict(),
    audit: 'erase',
    success: {
      status: 200,
      description: 'What was removed, kept and redacted, counted, and what HubSpot answered',
      schema: z.looseObject({
        person: z.string().describe('the keyed fingerprint, first 16 hex'),
        tombstone: z.enum(['created', 'renewed']),
        removed: z.looseObject({ database: z.record(z.string(), z.number()), contactStorage: z.number(), hubspotWriter: z.record(z.string(), z.number()) }),
        kept: z.object({ ordersUnlinked: z.number(), deadLettersUnlinked: z.number() }),
        redacted: z.record(z.string(), z.number()),
        hubspot: z.looseObject({ requested: z.boolean() }),
      }),
    },
    errors: { 503: 'no key for the fingerprint (ERASURE_KEY, or a BigCommerce client or webhook secret)' },
    async handler(c, { body }) {
      const outcome = await eraseAudited(c.env, c.get('config'), c.get('actor'), body.email, new Date())
      if (!outcome.ok) throw new ApiError(outcome.status, outcome.error, outcome.message)
      return c.json(outcome.answer)
    },
  }),
]
