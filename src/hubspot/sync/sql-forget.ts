/**
 * An erased person leaves the writer's storage (issue 21): their contact's and carts' pending writes, queued and
 * remembered trigger writes, pending associations, custom events, the HubSpot ids learned for them, and the
 * contact merges and redirects of their emails. Their
 * orders' and line items' own writes stay (the store's financial records), without the link to the contact.
 * Synchronous SQL on the writer's Durable Object storage, like ./sql-store.ts.
 */
export interface ForgottenPerson {
  emails: string[]
  cartIds: string[]
}

export interface ForgetCounts {
  pendingWrites: number
  queuedTriggers: number
  rememberedTriggers: number
  pendingAssociations: number
  customEvents: number
  knownIds: number
  /** HubSpot contact merges waiting, and redirects of merged contacts' keys, naming them. */
  contactMerges: number
}

/** Records of the person, as a SQL condition on `object_type` and `key` (?1 emails, ?2 cart ids, as JSON). */
const PERSON_RECORD = (type: string, key: string) => `(
  (${type} = 'contacts' AND ${key} IN (SELECT value FROM json_each(?1)))
  OR (${type} = 'carts' AND ${key} IN (SELECT value FROM json_each(?2)))
  OR (${type} = 'tasks' AND EXISTS (SELECT 1 FROM json_each(?2) c WHERE substr(${key}, 1, length('cart_abandoned:' || c.value || ':')) = 'cart_abandoned:' || c.value || ':')))`

/** The HubSpot contact ids the writer knows for these emails (for HubSpot's GDPR delete by id). */
export function knownContactIds(sql: SqlStorage, emails: string[]): string[] {
  return sql
    .exec<{ hs_id: string }>(
      "SELECT hs_id FROM object_ids WHERE object_type = 'contacts' AND key IN (SELECT value FROM json_each(?1))",
      JSON.stringify(emails),
    )
    .toArray()
    .map((r) => r.hs_id)
}

export function forgetPerson(sql: SqlStorage, person: ForgottenPerson): ForgetCounts {
  const emails = JSON.stringify(person.emails)
  const carts = JSON.stringify(person.cartIds)
  const run = (statement: string, ...bindings: (string | number)[]) => sql.exec(statement, ...bindings).rowsWritten
  const events = person.emails.reduce(
    (n, email) =>
      n +
      run("DELETE FROM pending_events WHERE substr(key, 1, length(?1) + 1) = ?1 || '|'", email) +
      run("DELETE FROM sent_events WHERE substr(key, 1, length(?1) + 1) = ?1 || '|'", email),
    0,
  )
  return {
    pendingWrites: run(`DELETE FROM pending WHERE ${PERSON_RECORD('object_type', 'key')}`, emails, carts),
    queuedTriggers: run(`DELETE FROM pending_triggers WHERE ${PERSON_RECORD('object_type', 'key')}`, emails, carts),
    rememberedTriggers: run(`DELETE FROM written_triggers WHERE ${PERSON_RECORD('object_type', 'key')}`, emails, carts),
    pendingAssociations: run(
      `DELETE FROM pending_associations WHERE ${PERSON_RECORD('from_type', 'from_key')} OR ${PERSON_RECORD('to_type', 'to_key')}`,
      emails,
      carts,
    ),
    customEvents: events,
    knownIds: run(`DELETE FROM object_ids WHERE ${PERSON_RECORD('object_type', 'key')}`, emails, carts),
    contactMerges:
      run('DELETE FROM pending_merges WHERE absorbed_key IN (SELECT value FROM json_each(?1)) OR primary_key IN (SELECT value FROM json_each(?1))', emails) +
      run('DELETE FROM contact_redirects WHERE from_key IN (SELECT value FROM json_each(?1)) OR to_key IN (SELECT value FROM json_each(?1))', emails),
  }
}
