import { z } from 'zod'

/** Fields the admin API's routes share. */

export const isoTime = z.string().describe('ISO-8601 UTC')

export const limit = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).describe(`At most this many (1 to ${max})`)

/** A report's storefront filter: a BigCommerce channel id (GET /admin/api/storefronts lists them). */
export const storefrontQuery = z.coerce
  .number()
  .int()
  .positive()
  .optional()
  .describe('Only this storefront: a BigCommerce channel id (see /storefronts); orders without a channel count as 1')
