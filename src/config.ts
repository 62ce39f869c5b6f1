import { z } from 'zod'
import { parseFamilyModes } from './domain/automation/families'
import { postPurchaseStepName } from './domain/automation/policy'
import { parseDuration, type Duration } from './domain/duration'
import { ORDER_CHANNELS, type OrderChannel } from './domain/model'

/**
 * The environment, parsed once per isolate with zod (contract section 2). Invalid configuration never
 * crashes the worker: callers get a ConfigError naming the variable and answer 503.
 */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = parseDuration(text)
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 90s, 45m, 6h or 21d` })
        return z.NEVER
      }
      return parsed
    })

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined))

const baseUrl = () => z.string().trim().pipe(z.url({ protocol: /^https?$/ })).transform((v) => v.replace(/\/+$/, ''))
const url = (fallback: string) => baseUrl().default(fallback)
const optionalUrl = () => baseUrl().optional()

const ROLES = ['viewer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** A shorter admin token can be guessed: the configuration is invalid, and the worker says so (503). */
export const MIN_ADMIN_TOKEN_LENGTH = 32

const adminTokens = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const tokens: { role: Role; token: string }[] = []
    for (const [index, pair] of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean).entries()) {
      const at = pair.indexOf(':')
      const role = pair.slice(0, at) as Role
      const token = pair.slice(at + 1)
      // Name the entry and its role only: the token is a secret.
      if (at < 1 || !ROLES.includes(role) || token.length === 0) {
        ctx.addIssue({ code: 'custom', message: `each entry must be role:token with role one of ${ROLES.join(', ')}` })
        return z.NEVER
      }
      if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${index + 1} (${role}): each token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`,
        })
        return z.NEVER
      }
      tokens.push({ role, token })
    }
    return tokens
  })

const percentileOrOff = z
  .string()
  .default('75')
  .transform((text, ctx) => {
    if (text.trim() === 'off') return null
    const n = Number(text)
    if (!Number.isFinite(n) || n < 0 || n > 100) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a percentile from 0 to 100 or "off"` })
      return z.NEVER
    }
    return n
  })

const onOff = (fallback: 'on' | 'off') =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const value = text.trim().toLowerCase()
      if (value !== 'on' && value !== 'off') {
        ctx.addIssue({ code: 'custom', message: `"${text}" must be "on" or "off"` })
        return z.NEVER
      }
      return value === 'on'
    })

const postPurchaseSteps = z
  .string()
  .default('0d,3d,10d,21d')
  .transform((text, ctx) => {
    const steps = text.split(',').map((s) => parseDuration(s))
    if (steps.length === 0 || steps.some((s) => s === null)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a comma-separated list of durations` })
      return z.NEVER
    }
    return steps as Duration[]
  })

/** SUPPORT_SUPPRESSION_PRIORITIES: HubSpot ticket priorities (the portal's `hs_ticket_priority` values); `off`: null. */
const ticketPriorities = z
  .string()
  .default('HIGH')
  .transform((text, ctx) => {
    if (text.trim().toLowerCase() === 'off') return null
    const values = text.split(',').map((v) => v.trim()).filter(Boolean)
    const bad = values.find((v) => !/^[A-Za-z0-9_-]{1,100}$/.test(v))
    if (values.length === 0 || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a comma-separated list of ticket priorities (like HIGH,URGENT) or "off"` })
      return z.NEVER
    }
    return [...new Set(values)]
  })

/** MARKETING_EXCLUDED_ORDER_CHANNELS: order channels of contract section 5; `none`: no exclusion. */
const orderChannels = z
  .string()
  .default('marketplace')
  .transform((text, ctx) => {
    if (text.trim().toLowerCase() === 'none') return [] as OrderChannel[]
    const values = text.split(',').map((v) => v.trim()).filter(Boolean)
    const unknown = values.filter((v) => !(ORDER_CHANNELS as readonly string[]).includes(v))
    if (values.length === 0 || unknown.length) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" must be "none" or order channels from ${ORDER_CHANNELS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
      })
      return z.NEVER
    }
    return [...new Set(values)] as OrderChannel[]
  })

/** REVIEW_REQUEST_STEP: one of POST_PURCHASE_STEPS after day 0 (checked against them below), or `off`. */
const reviewStep = z
  .string()
  .default('21d')
  .transform((text, ctx) => {
    if (text.trim().toLowerCase() === 'off') return null
    const step = parseDuration(text)
    if (!step || step.ms === 0) {
      ctx.addIssue({ code: 'custom', message: `"${text}" must be a later post-purchase step like 21d, or "off"` })
      return z.NEVER
    }
    return step
  })

/** HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: HubSpot subscription type ids (digits); unset: none. */
const subscriptionTypes = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const values = text.split(',').map((v) => v.trim()).filter(Boolean)
    const bad = values.find((v) => !/^\d{1,20}$/.test(v))
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${bad}" is not a HubSpot subscription type id (digits, as in hs_email_optout_<id>)` })
      return z.NEVER
    }
    return [...new Set(values)]
  })

const triggerFamilies = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const parsed = parseFamilyModes(text)
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message })
      return z.NEVER
    }
    return parsed.modes
  })

export const configSchema = z.object({
  BIGCOMMERCE_STORE_HASH: z.string().trim().regex(/^[A-Za-z0-9]+$/, 'must be the store hash, letters and digits'),
  BIGCOMMERCE_ACCESS_TOKEN: z.string().trim().min(1),
  BIGCOMMERCE_API_BASE: url('https://api.bigcommerce.com'),
  BIGCOMMERCE_CLIENT_SECRET: optionalText,
  BIGCOMMERCE_WEBHOOK_SECRET: optionalText,
  /** The app whose client secret (BIGCOMMERCE_CLIENT_SECRET) signs Current Customer tokens; unset: carts only. */
  BIGCOMMERCE_APP_CLIENT_ID: optionalText,
  /** B2B Edition companies and their users as HubSpot companies (its own API host, same token). */
  BIGCOMMERCE_B2B: onOff('off'),
  BIGCOMMERCE_B2B_API_BASE: url('https://api-b2b.bigcommerce.com'),
  HUBSPOT_ACCESS_TOKEN: z.string().trim().min(1),
  HUBSPOT_API_BASE: url('https://api.hubapi.com'),
  PUBLIC_URL: optionalUrl(),
  BEACON_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean)),
  ADMIN_TOKENS: adminTokens,
  CART_ABANDON_AFTER: duration('45m'),
  POST_PURCHASE_STEPS: postPurchaseSteps,
  LAPSED_AFTER: duration('120d'),
  REFUND_SUPPRESSION: duration('30d'),
  MARKETING_CAP: z.coerce.number().int().min(0).default(3),
  MARKETING_CAP_WINDOW: duration('7d'),
  ATTRIBUTION_LOOKBACK: duration('30d'),
  SESSION_TIMEOUT: duration('30m'),
  BROWSE_ABANDON_AFTER: duration('6h'),
  HIGH_VALUE_CART_PERCENTILE: percentileOrOff,
  /** Also send fired triggers as HubSpot custom events (`bc_<trigger>`; Enterprise accounts). */
  HUBSPOT_CUSTOM_EVENTS: onOff('off'),
  SUPPORT_SUPPRESSION_PRIORITIES: ticketPriorities,
  MARKETING_EXCLUDED_ORDER_CHANNELS: orderChannels,
  REVIEW_REQUEST_STEP: reviewStep,
  TRIGGER_FAMILIES: triggerFamilies,
  /** The backfill reads the shipments (tracking) of orders still in transit that shipped within this; `0d`: none. */
  BACKFILL_SHIPMENTS_WINDOW: duration('30d'),
  /** Trigger decisions (and shadow-mode decisions) older than this are deleted by the hourly retention job. */
  DECISIONS_RETENTION: duration('400d'),
  /** How many of the store's top categories get a HubSpot list of their buyers (0: none). */
  AUDIENCE_TOP_CATEGORIES: z.coerce.number().int().min(0).max(50).default(5),
  /** `on`: an unsubscribe read from HubSpot is written back to BigCommerce (subscriber consents, customer flag). */
  CONSENT_WRITE_BACK: onOff('off'),
  HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: subscriptionTypes,
  /** `on`: an erasure request also GDPR-deletes the HubSpot contact. */
  HUBSPOT_ERASE: onOff('off'),
  /**
   * The key of the erasure tombstones' and audit fingerprints' HMAC. Unset: derived from
   * BIGCOMMERCE_CLIENT_SECRET, else BIGCOMMERCE_WEBHOOK_SECRET (src/erasure/fingerprint.ts).
   */
  ERASURE_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** Contacts sharing one normalized phone count as duplicates only up to this many (a store's number is shared by many). */
  DUPLICATE_PHONE_MAX_GROUP: z.coerce.number().int().min(2).max(1000).default(5),
  /** `phone`: a guest and a registered customer with the same normalized phone and name are linked as one person. */
  IDENTITY_AUTO_LINK: z.enum(['off', 'phone']).default('off'),
  /** `queue` (Cloudflare Queues); `inline` processes in the request's waitUntil, for accounts without Queues. */
  WEBHOOK_PROCESSING: z.enum(['queue', 'inline']).default('queue'),
}).superRefine((config, ctx) => {
  if (config.BIGCOMMERCE_APP_CLIENT_ID && !config.BIGCOMMERCE_CLIENT_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['BIGCOMMERCE_APP_CLIENT_ID'],
      message: 'needs BIGCOMMERCE_CLIENT_SECRET, the same app\'s client secret, to verify Current Customer tokens',
    })
  }
  const step = config.REVIEW_REQUEST_STEP
  const steps = config.POST_PURCHASE_STEPS
  if (step && !steps.some((s) => postPurchaseStepName(s) === postPurchaseStepName(step))) {
    ctx.addIssue({
      code: 'custom',
      path: ['REVIEW_REQUEST_STEP'],
      message: `${step.text} is not one of POST_PURCHASE_STEPS (${steps.map((s) => s.text).join(',')}); name one of them or "off"`,
    })
  }
})

export type Config = z.output<typeof configSchema>

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
  }
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] }

const cache = new WeakMap<object, ConfigResult>()

/**
 * Parses the environment once per env object (the runtime hands the same object to every request). Each variable
 * is read by name: the secrets are not in wrangler.toml, so not in the generated `Env`.
 */
export function loadConfig(env: object): ConfigResult {
  const cached = cache.get(env)
  if (cached) return cached
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(configSchema.shape)) {
    const value: unknown = Reflect.get(env, key)
    raw[key] = typeof value === 'string' && value.trim() === '' ? undefined : value
  }
  const parsed = configSchema.safeParse(raw)
  const result: ConfigResult = parsed.success
    ? { ok: true, config: parsed.data }
    : {
        ok: false,
        errors: parsed.error.issues.map((issue) => {
          const variable = String(issue.path[0] ?? 'configuration')
          const message = issue.code === 'invalid_type' && raw[variable] === undefined ? 'is required' : issue.message
          return new ConfigError(variable, message)
        }),
      }
  cache.set(env, result)
  return result
}

/** For code past the HTTP edge (Durable Objects, cron): configuration was validated before work was queued. */
export function requireConfig(env: object): Config {
  const result = loadConfig(env)
  if (!result.ok) throw result.errors[0]
  return result.config
}
