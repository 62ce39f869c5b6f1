import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { secretEquals } from '../secrets'

/**
 * Webhook authentication on the raw body, before anything is parsed (contract section 2):
 * a Standard Webhooks signature keyed with the app's client secret, and/or a shared secret in the
 * `X-Webhook-Secret` header that the worker registers its hooks with. Every configured mechanism must pass.
 */
export interface WebhookSecrets {
  clientSecret?: string
  webhookSecret?: string
}

export type AuthResult = { ok: true } | { ok: false; reason: string }

const encoder = new TextEncoder()

export async function authenticateWebhook(
  rawBody: string,
  headers: Headers,
  secrets: WebhookSecrets,
): Promise<AuthResult> {
  if (secrets.webhookSecret !== undefined) {
    const given = headers.get('x-webhook-secret')
    if (given === null) return { ok: false, reason: 'missing X-Webhook-Secret header' }
    if (!(await secretEquals(given, secrets.webhookSecret))) {
      return { ok: false, reason: 'X-Webhook-Secret does not match' }
    }
  }
  if (secrets.clientSecret !== undefined) {
    return verifySignature(rawBody, headers, secrets.clientSecret)
  }
  return { ok: true }
}

function verifySignature(rawBody: string, headers: Headers, clientSecret: string): AuthResult {
  // BigCommerce's sample hands base64(client secret) to the library, i.e. the HMAC key is the secret's bytes.
  const webhook = new Webhook(encoder.encode(clientSecret), { format: 'raw' })
  try {
    webhook.verify(rawBody, {
      'webhook-id': headers.get('webhook-id') ?? '',
      'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
      'webhook-signature': headers.get('webhook-signature') ?? '',
    }, { jsonParse: false })
    return { ok: true }
  } catch (err) {
    if (err instanceof WebhookVerificationError) return { ok: false, reason: signatureReason(err.message) }
    throw err
  }
}

function signatureReason(libraryMessage: string): string {
  switch (libraryMessage) {
    case 'Missing required headers':
      return 'missing webhook-id, webhook-timestamp or webhook-signature header'
    case 'Invalid Signature Headers':
      return 'webhook-timestamp is not a unix timestamp'
    case 'Message timestamp too old':
      return 'webhook-timestamp is more than 5 minutes old'
    case 'Message timestamp too new':
      return 'webhook-timestamp is more than 5 minutes in the future'
    default:
      return 'webhook-signature does not match'
  }
}
