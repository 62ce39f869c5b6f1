import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DELIVERY_EXCEPTION_PATH } from '../bigcommerce/hooks'
import { authenticateWebhook } from '../bigcommerce/signature'
import { EnvelopeError, envelopeSchema, subjectResource, webhookSubject } from '../bigcommerce/webhook'
import { recordWebhookEvent } from '../db/webhook-inbox'
import { ApiError, type AppEnv, jsonError } from '../http'
import { handOver } from '../pipeline/queue'

const MAX_BODY_BYTES = 1024 * 1024

/**
 * `POST /webhooks/bigcommerce` (contract section 3), and `/webhooks/bigcommerce/delivery-exceptions` for
 * `store/hook/deliveryException`. Authenticate the raw body, validate the envelope,
 * record it durably under its idempotency key, answer 200, and only then hand it to processing (the webhook
 * queue). BigCommerce blocks a
 * domain whose deliveries fall below 90% success, so nothing slow or outbound happens before the answer.
 */
export const webhooks = new Hono<AppEnv>().on(
  'POST',
  // store/hook/deliveryException needs a destination of its own; it is handled like every other delivery.
  ['/bigcommerce', `/bigcommerce${DELIVERY_EXCEPTION_PATH}`],
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => jsonError(c, 413, 'payload_too_large', 'webhook bodies are limited to 1 MiB'),
  }),
  async (c) => {
    const config = c.get('config')
    const secrets = {
      clientSecret: config.BIGCOMMERCE_CLIENT_SECRET,
      webhookSecret: config.BIGCOMMERCE_WEBHOOK_SECRET,
    }
    if (!secrets.clientSecret && !secrets.webhookSecret) {
      throw new ApiError(
        503,
        'webhook_auth_not_configured',
        'set BIGCOMMERCE_CLIENT_SECRET or BIGCOMMERCE_WEBHOOK_SECRET: webhooks are refused until one is set',
      )
    }

    const rawBody = await c.req.text()
    const auth = await authenticateWebhook(rawBody, c.req.raw.headers, secrets)
    if (!auth.ok) throw new ApiError(401, 'unauthorized', auth.reason)

    let json: unknown
    try {
      json = JSON.parse(rawBody)
    } catch {
      throw new ApiError(400, 'invalid_json', 'the body is not JSON')
    }
    const parsed = envelopeSchema.safeParse(json)
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      throw new ApiError(400, 'invalid_envelope', 'the body is not a BigCommerce webhook envelope', { problems })
    }
    const envelope = parsed.data

    if (envelope.producer !== `stores/${config.BIGCOMMERCE_STORE_HASH}`) {
      throw new ApiError(403, 'wrong_store', `producer ${envelope.producer} is not this worker's store`)
    }

    let subject
    try {
      subject = webhookSubject(envelope)
    } catch (err) {
      if (err instanceof EnvelopeError) throw new ApiError(400, 'invalid_envelope', err.message)
      throw err
    }
    if (subject.kind === 'company' && !config.BIGCOMMERCE_B2B) {
      subject = { kind: 'ignored' as const, reason: `scope ${envelope.scope} is not used (BIGCOMMERCE_B2B is off)` }
    }

    const resource = subjectResource(subject)
    const webhookId = c.req.header('webhook-id')
    const id = webhookId
      ? `wh:${webhookId}`
      : `bc:${envelope.scope}|${envelope.hash}|${envelope.created_at ?? ''}`
    const ignored = subject.kind === 'ignored'
    const isNew = await recordWebhookEvent(c.env.DB, {
      id,
      scope: envelope.scope,
      resourceType: resource.type,
      resourceId: resource.id,
      // The subject, not the raw body: transaction hooks carry payment data, which is never stored.
      payload: JSON.stringify({ scope: envelope.scope, hash: envelope.hash, createdAt: envelope.created_at, subject }),
      eventCreatedAt: envelope.created_at ?? null,
      receivedAt: Date.now(),
      ignored,
    })

    if (isNew && !ignored) c.executionCtx.waitUntil(handOver(c.env, config, id))
    return c.json({ status: !isNew ? 'duplicate' : ignored ? 'ignored' : 'accepted' }, 200)
  },
)
