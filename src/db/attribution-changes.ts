import type { Compilable, NotNull } from 'kysely'
import { keysIn, meteredBatch, meteredRows, type Meter } from './metered-queries'
import { d1Statement, queryBuilder } from './query-builder'

/**
 * The attribution change stream (`attribution_changes`, migrations/0003_attribution.sql), appended by triggers
 * on touches, identities, orders, carts and customer emails, and read by the rollup from its cursor; and the
 * contacts its changes can affect.
 */

export type ChangeKind = 'anon' | 'order' | 'cart' | 'customer' | 'email'
export interface Change {
  seq: number
  kind: ChangeKind
  ref: string
}

export async function readChanges(db: D1Database, limit: number, meter?: Meter): Promise<Change[]> {
  return meteredRows(db, meter, queryBuilder(db).selectFrom('attribution_changes').select(['seq', 'kind', 'ref']).orderBy('seq').limit(limit))
}

export async function deleteChangesThrough(db: D1Database, seq: number, meter?: Meter): Promise<void> {
  await meteredBatch(meter, db, [d1Statement(db, queryBuilder(db).deleteFrom('attribution_changes').where('seq', '<=', seq))])
}

/**
 * The contacts (emails) whose attribution the given changes can affect. Two rounds of simple indexed lookups
 * (D1 caps the terms of a compound SELECT, so no big UNION).
 */
export async function emailsAffectedBy(db: D1Database, changes: Change[], meter?: Meter): Promise<string[]> {
  const k = queryBuilder(db)
  const refs = (kind: ChangeKind) => [...new Set(changes.filter((c) => c.kind === kind).map((c) => c.ref))]
  const emails = new Set(refs('email'))
  const cartIds = new Set(refs('cart'))
  const customerIds = new Set(refs('customer').map(Number))
  const anon = refs('anon')
  if (anon.length > 0) {
    const idents = await meteredRows(
      db,
      meter,
      k.selectFrom('beacon_identities').select(['kind', 'value']).where('anonymous_id', 'in', keysIn(db, anon)),
    )
    for (const { kind, value } of idents) {
      if (kind === 'cart') cartIds.add(value)
      else if (kind === 'customer') customerIds.add(Number(value))
    }
  }
  const orderIds = refs('order').map(Number)
  const carts = [...cartIds]
  const lookups: [Compilable<{ email: string }>, number][] = [
    [k.selectFrom('orders').select('email').where('order_id', 'in', keysIn(db, orderIds)), orderIds.length],
    [
      k
        .selectFrom('carts')
        .select('email')
        .where('cart_id', 'in', keysIn(db, carts))
        .where('email', 'is not', null)
        .$narrowType<{ email: NotNull }>(),
      carts.length,
    ],
    [k.selectFrom('orders').select('email').where('cart_id', 'in', keysIn(db, carts)), carts.length],
    [
      k
        .selectFrom('carts as c')
        .innerJoin('orders as o', 'o.order_id', 'c.order_id')
        .select('o.email')
        .where('c.cart_id', 'in', keysIn(db, carts)),
      carts.length,
    ],
    [k.selectFrom('customer_emails').select('email').where('customer_id', 'in', keysIn(db, [...customerIds])), customerIds.size],
  ]
  const wanted = lookups.filter(([, keys]) => keys > 0)
  if (wanted.length > 0) {
    const results = await db.batch<{ email: string }>(wanted.map(([query]) => d1Statement(db, query)))
    for (const result of results) {
      meter?.add(result.meta)
      for (const row of result.results) emails.add(row.email)
    }
  }
  // An erased person's orders are kept without an email: nobody to credit.
  emails.delete('')
  // An email linked to another person's is that person: its touches count for the canonical contact.
  const linked = await meteredRows(
    db,
    meter,
    k
      .selectFrom('identity_links')
      .select(['email', 'canonical_email as canonical'])
      .where('email', 'in', keysIn(db, [...emails])),
  )
  for (const { email, canonical } of linked) {
    emails.delete(email)
    emails.add(canonical)
  }
  return [...emails]
}
