import { API_VERSION, type HubSpotClient } from './hubspot-client'
import type { GdprDeleteBody } from './models'
import type { BudgetedRead } from './tickets/budgeted'

/**
 * HubSpot's GDPR delete (`POST /crm/v3/objects/contacts/gdpr-delete`, scope `crm.objects.contacts.write`;
 * research/hubspot.md §12): permanently deletes a contact and its associations; 204 with no body. By id when
 * the writer learned it, else by email (`idProperty: "email"`): an email HubSpot does not know is added to its
 * blocklist instead (the UI and imports can no longer add it; the API still can, so a later order is synced).
 */
export interface GdprDeleteOutcome {
  /** True once HubSpot answered 204 for every contact id (or for the email). */
  deleted: boolean
  /** Calls answered 204: contacts deleted by id, or emails deleted or blocklisted. */
  requests: { by: 'id' | 'email'; status: number }[]
  /** Why not, when it failed: HubSpot's message (never the email). */
  error: string | null
}

export async function gdprDeleteContact(
  client: HubSpotClient,
  read: BudgetedRead,
  target: { emails: string[]; contactIds: string[] },
): Promise<GdprDeleteOutcome> {
  const path = `/crm/${API_VERSION.crm}/objects/contacts/gdpr-delete`
  const requests: GdprDeleteOutcome['requests'] = []
  let error: string | null = null
  const send = async (by: 'id' | 'email', body: GdprDeleteBody) => {
    const res = await read('read', () => client.request<undefined>('POST', path, body))
    requests.push({ by, status: res.status })
    if (res.ok) return 'deleted'
    if (res.status === 404) return 'not_found'
    error = `HTTP ${res.status}: ${redact(res.error.message, target.emails)}`
    return 'failed'
  }
  let emailNeeded = target.contactIds.length === 0
  for (const objectId of target.contactIds) {
    const outcome = await send('id', { objectId })
    // A contact merged or deleted in HubSpot since: its email finds what is left of it.
    if (outcome === 'not_found') emailNeeded = true
    if (outcome === 'failed') return { deleted: false, requests, error }
  }
  if (emailNeeded) {
    for (const email of target.emails) {
      const outcome = await send('email', { objectId: email, idProperty: 'email' })
      if (outcome !== 'deleted') return { deleted: false, requests, error: error ?? `HTTP ${requests.at(-1)?.status}: not deleted` }
    }
  }
  return { deleted: true, requests, error: null }
}

function redact(message: string, emails: string[]): string {
  return emails.reduce((text, email) => text.split(email).join('[erased]'), message)
}
