import type { BackfillStatus } from '../backfill/backfill-status'
import type { WebhookHealth } from '../upkeep/webhook-health'
import type { ListSyncResult } from '../hubspot/lists-sync'
import { HUBSPOT_SCOPES } from '../hubspot/hubspot-scopes'
import type { WriterStatus } from '../hubspot/sync/writer-status'

/**
 * "Getting started": whether an installation is complete, one check per step a first-time operator takes,
 * each with what to do next. Built from what the status already reads, plus two facts from D1 (a beacon hit
 * arrived, a live webhook was processed).
 */
export interface SetupCheck {
  id: 'hubspot_token' | 'properties' | 'webhooks' | 'webhook_signatures' | 'beacon' | 'backfill' | 'live_webhook' | 'lists'
  label: string
  done: boolean
  detail: string
  /** What to do, when not done. */
  next: string | null
}

export interface SetupChecklist {
  complete: boolean
  checks: SetupCheck[]
}

export interface SetupFacts {
  hubspot: WriterStatus | { error: string }
  webhooks: WebhookHealth | { error: string }
  backfill: BackfillStatus | { error: string }
  lists: ListSyncResult | null | { error: string }
  /** A beacon hit from an allowed origin was recorded. */
  beaconHitAt: number | null
  /** A live webhook event was processed. */
  liveWebhookAt: number | null
  /** BIGCOMMERCE_CLIENT_SECRET is set: deliveries are signed and timestamped, not only shared-secret. */
  webhookSignatures: boolean
}

/**
 * With only BIGCOMMERCE_WEBHOOK_SECRET, a delivery carries a header and no timestamp or body signature: whoever
 * learns the header can forge or replay deliveries forever. /health and the checklist say so, and how to fix it.
 */
export const WEBHOOK_SIGNATURES_OFF =
  'Webhook signatures are off: deliveries are checked only against the X-Webhook-Secret header, which anyone who ' +
  'learns it can replay or forge forever. Turn them on: `wrangler secret put BIGCOMMERCE_CLIENT_SECRET` with the ' +
  'client secret of the API account that registered the webhooks; every delivery must then carry a valid signature ' +
  'and a timestamp within 5 minutes.'

export function webhookSignaturesWarning(config: { BIGCOMMERCE_CLIENT_SECRET?: string | undefined }): string | null {
  return config.BIGCOMMERCE_CLIENT_SECRET ? null : WEBHOOK_SIGNATURES_OFF
}

const failed = <T extends object>(part: T | { error: string }): part is { error: string } => 'error' in part

export function setupChecklist(facts: SetupFacts): SetupChecklist {
  const checks = [
    tokenCheck(facts), propertiesCheck(facts), webhooksCheck(facts), signaturesCheck(facts), beaconCheck(facts), backfillCheck(facts), liveCheck(facts), listsCheck(facts),
  ]
  return { complete: checks.every((c) => c.done), checks }
}

function check(id: SetupCheck['id'], label: string, done: boolean, detail: string, next: string): SetupCheck {
  return { id, label, done, detail, next: done ? null : next }
}

function tokenCheck({ hubspot }: SetupFacts): SetupCheck {
  const label = 'HubSpot token and scopes'
  const next =
    `Create a HubSpot private app with the scopes ${HUBSPOT_SCOPES.filter((s) => s.required).map((s) => s.scope).join(', ')} ` +
    `(and for optional features ${HUBSPOT_SCOPES.filter((s) => !s.required).map((s) => s.scope).join(', ')}), ` +
    '`wrangler secret put HUBSPOT_ACCESS_TOKEN`, then run setup (POST /admin/api/setup); `npm run check:live` names any scope missing'
  if (failed(hubspot)) return check('hubspot_token', label, false, `the HubSpot writer did not answer: ${hubspot.error}`, next)
  const setup = hubspot.setup
  if (!setup) return check('hubspot_token', label, false, 'setup has not run yet', next)
  const refused = setup.errors.filter((e) => /\b(401|403)\b|scope|authenticat/i.test(e.message))
  if (refused.length) return check('hubspot_token', label, false, `HubSpot refused: ${refused[0]!.message}`, next)
  return check('hubspot_token', label, true, `setup ran at ${setup.ranAt}`, next)
}

function propertiesCheck({ hubspot }: SetupFacts): SetupCheck {
  const label = 'HubSpot properties present'
  const next = 'Run setup (POST /admin/api/setup); properties it reports as conflicting need a HubSpot admin to rename or remove them'
  if (failed(hubspot) || !hubspot.setup) return check('properties', label, false, 'setup has not run yet', next)
  const missing = Object.entries(hubspot.missingProperties).flatMap(([type, names]) => (names ?? []).map((n) => `${type}.${n}`))
  const problems = [...hubspot.setup.conflicts.map((c) => `${c.objectType}.${c.property}: ${c.problem}`), ...hubspot.blockedObjects.map((t) => `${t} blocked`)]
  if (problems.length) return check('properties', label, false, problems.join('; '), next)
  const detail = missing.length ? `all ours present; HubSpot properties this account lacks are left out: ${missing.join(', ')}` : 'all present'
  return check('properties', label, true, detail, next)
}

function webhooksCheck({ webhooks }: SetupFacts): SetupCheck {
  const label = 'BigCommerce webhooks registered and active'
  const next = 'Set PUBLIC_URL and run setup (POST /admin/api/setup); it registers the webhooks and re-activates inactive ones'
  if (failed(webhooks)) return check('webhooks', label, false, `webhook health unknown: ${webhooks.error}`, next)
  if (!webhooks.destination) return check('webhooks', label, false, 'PUBLIC_URL is not set', next)
  const active = webhooks.hooks.filter((h) => h.active).length
  const done = webhooks.missingScopes.length === 0 && webhooks.deactivated === 0 && active > 0
  const detail = done
    ? `${active} active at ${webhooks.destination}`
    : [webhooks.missingScopes.length ? `missing: ${webhooks.missingScopes.join(', ')}` : '', webhooks.deactivated ? `${webhooks.deactivated} deactivated` : '']
        .filter(Boolean)
        .join('; ') || 'none registered'
  return check('webhooks', label, done, detail, next)
}

function signaturesCheck({ webhookSignatures }: SetupFacts): SetupCheck {
  return check(
    'webhook_signatures',
    'Webhook signatures verified',
    webhookSignatures,
    webhookSignatures
      ? 'every delivery must carry a valid signature and a recent timestamp'
      : 'off: only the X-Webhook-Secret header is checked, and whoever learns it can replay or forge deliveries forever',
    'Set BIGCOMMERCE_CLIENT_SECRET (wrangler secret put BIGCOMMERCE_CLIENT_SECRET) to the client secret of the API account that registered the webhooks',
  )
}

function beaconCheck({ beaconHitAt }: SetupFacts): SetupCheck {
  return check(
    'beacon',
    'A beacon hit received from the storefront',
    beaconHitAt !== null,
    beaconHitAt !== null ? `a visitor seen at ${new Date(beaconHitAt).toISOString()}` : 'no hit yet',
    "Add the script tag to each storefront's theme (see the README): active storefronts' sites are allowed once setup has read the channels; list any other origin in BEACON_ALLOWED_ORIGINS",
  )
}

function backfillCheck({ backfill }: SetupFacts): SetupCheck {
  const next = 'Import history: POST /admin/api/backfill (operator); triggers start with what happens after it'
  if (failed(backfill)) return check('backfill', 'Historical backfill done', false, `backfill status unknown: ${backfill.error}`, next)
  const detail = backfill.state === 'running' ? `running: ${backfill.done} of ${backfill.total}` : backfill.state
  return check('backfill', 'Historical backfill done', backfill.state === 'done', detail, backfill.state === 'running' ? 'Wait for it to finish' : next)
}

function liveCheck({ liveWebhookAt }: SetupFacts): SetupCheck {
  return check(
    'live_webhook',
    'First live webhook processed',
    liveWebhookAt !== null,
    liveWebhookAt !== null ? `one processed at ${new Date(liveWebhookAt).toISOString()}` : 'none yet',
    'Wait for a store change (an order, a cart), or check the webhooks step and the dead letters',
  )
}

function listsCheck({ lists }: SetupFacts): SetupCheck {
  const label = 'Audience lists created'
  const next = 'Run setup (POST /admin/api/setup); the token needs the crm.lists.read and crm.lists.write scopes'
  if (lists === null) return check('lists', label, false, 'setup has not created them yet', next)
  if (failed(lists)) return check('lists', label, false, `lists unknown: ${lists.error}`, next)
  if (!lists.available) return check('lists', label, false, lists.reason ?? 'HubSpot refused list access', next)
  const count = lists.created.length + lists.unchanged.length + lists.repaired.length + lists.drifted.length
  const detail = `${count} lists${lists.drifted.length ? `, ${lists.drifted.length} edited in HubSpot (setup with repairLists puts them back)` : ''}`
  return check('lists', label, lists.failed.length === 0 && count > 0, lists.failed.length ? `${detail}; failed: ${lists.failed.map((f) => f.name).join(', ')}` : detail, next)
}
