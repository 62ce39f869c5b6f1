import { and, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import type { InferResult } from 'kysely'
import type { Company, CompanyFigures, CompanyOrder, CompanyUser } from '../domain/b2b-companies'
import { d1Statement, queryBuilder } from './query-builder'
import { b2bCompanies, b2bCompanyOrders, b2bCompanyUsers } from './schema'

/**
 * B2B Edition companies in D1 (migrations/0065_b2b_companies.sql): each company as last read, its users (whose
 * customer ids lead a company to its orders), what HubSpot was last given, and the orders already associated.
 */

export interface StoredCompany {
  company: Company
  users: CompanyUser[]
  syncedFingerprint: string | null
}

export interface CompanyOrderRow extends CompanyOrder {
  /** Already handed to the HubSpot writer as associated with this company. */
  associated: boolean
}

/** D1 binds at most 100 parameters a statement. */
const IDS_PER_QUERY = 90

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** One round trip per 50 statements. */
async function runBatched(orm: DrizzleD1Database, statements: BatchItem<'sqlite'>[]): Promise<void> {
  for (const [first, ...rest] of chunks(statements, 50)) await orm.batch([first!, ...rest])
}

function upsertCompany(orm: DrizzleD1Database, company: Company, now: number, refreshedAt: number | null) {
  const row = {
    name: company.name,
    status: company.status,
    data: JSON.stringify(company),
    updatedAt: company.updatedAt,
    seenAt: now,
    refreshedAt,
  }
  return orm
    .insert(b2bCompanies)
    .values({ companyId: company.companyId, ...row })
    .onConflictDoUpdate({ target: b2bCompanies.companyId, set: row })
}

/** A company read whole (a webhook, or the reconciliation's refresh): it and its users replace what was there. */
export async function saveCompany(db: D1Database, company: Company, users: CompanyUser[], now: number): Promise<void> {
  const orm = drizzle(db)
  await runBatched(orm, [
    upsertCompany(orm, company, now, now),
    ...users.map((u) => {
      const row = { companyId: company.companyId, customerId: u.customerId, email: u.email, seenAt: now }
      return orm
        .insert(b2bCompanyUsers)
        .values({ userId: u.userId, ...row })
        .onConflictDoUpdate({ target: b2bCompanyUsers.userId, set: row })
    }),
    // Users the company no longer lists were deleted in B2B Edition.
    orm.delete(b2bCompanyUsers).where(and(eq(b2bCompanyUsers.companyId, company.companyId), lt(b2bCompanyUsers.seenAt, now))),
  ])
}

/**
 * Companies as the reconciliation's listing shows them: each is marked seen; a new one, or one B2B Edition
 * changed since it was last read, is stored and left to be refreshed (its users and address book read).
 * Returns the ids of those.
 */
export async function noteListedCompanies(db: D1Database, companies: Company[], now: number): Promise<number[]> {
  const orm = drizzle(db)
  const known = new Map<number, { updatedAt: string | null; status: string; data: string }>()
  for (const ids of chunks(companies.map((c) => c.companyId), IDS_PER_QUERY)) {
    const rows = await orm
      .select({ companyId: b2bCompanies.companyId, updatedAt: b2bCompanies.updatedAt, status: b2bCompanies.status, data: b2bCompanies.data })
      .from(b2bCompanies)
      .where(inArray(b2bCompanies.companyId, ids))
    for (const r of rows) known.set(r.companyId, { updatedAt: r.updatedAt, status: r.status, data: r.data })
  }
  const changed: Company[] = []
  const statements: BatchItem<'sqlite'>[] = []
  for (const company of companies) {
    const stored = known.get(company.companyId)
    if (stored && stored.updatedAt === company.updatedAt && stored.status === company.status) {
      statements.push(orm.update(b2bCompanies).set({ seenAt: now }).where(eq(b2bCompanies.companyId, company.companyId)))
      continue
    }
    // Until the refresh reads the address book, keep showing the address known before.
    const before = stored ? (JSON.parse(stored.data) as Company) : null
    changed.push(company)
    statements.push(upsertCompany(orm, { ...company, address: company.address ?? before?.address ?? null }, now, null))
  }
  await runBatched(orm, statements)
  return changed.map((c) => c.companyId)
}

/** A company B2B Edition answered with something unreadable: left alone until the listing shows it changed. */
export async function markCompanyUnreadable(db: D1Database, companyId: number, now: number): Promise<void> {
  await drizzle(db).update(b2bCompanies).set({ seenAt: now, refreshedAt: now }).where(eq(b2bCompanies.companyId, companyId))
}

/** Companies whose users and address book are to be read, oldest id first. */
export async function companiesToRefresh(db: D1Database, limit: number): Promise<number[]> {
  const rows = await drizzle(db)
    .select({ companyId: b2bCompanies.companyId })
    .from(b2bCompanies)
    .where(and(isNull(b2bCompanies.refreshedAt), ne(b2bCompanies.status, 'deleted')))
    .orderBy(b2bCompanies.companyId)
    .limit(limit)
  return rows.map((r) => r.companyId)
}

/** A company B2B Edition no longer has: it stays, with status `deleted` (the HubSpot company keeps its history). */
export async function markCompanyDeleted(db: D1Database, companyId: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(b2bCompanies)
    .set({ status: 'deleted', data: sql`json_set(${b2bCompanies.data}, '$.status', 'deleted')` })
    .where(eq(b2bCompanies.companyId, companyId))
    .returning({ companyId: b2bCompanies.companyId })
  return rows.length > 0
}

/**
 * Companies a complete listing that started at `since` did not see (gone, or moved within the listing's order
 * while it paged): each is to be read once more before it counts as deleted.
 */
export async function unseenCompanies(db: D1Database, since: number, limit: number): Promise<number[]> {
  const rows = await drizzle(db)
    .select({ companyId: b2bCompanies.companyId })
    .from(b2bCompanies)
    .where(and(lt(b2bCompanies.seenAt, since), ne(b2bCompanies.status, 'deleted')))
    .orderBy(b2bCompanies.companyId)
    .limit(limit)
  return rows.map((r) => r.companyId)
}

/** The company whose user this BigCommerce customer is, if any. */
export async function companyOfCustomer(db: D1Database, customerId: number): Promise<number | null> {
  if (customerId <= 0) return null
  const [row] = await drizzle(db)
    .select({ companyId: b2bCompanyUsers.companyId })
    .from(b2bCompanyUsers)
    .where(eq(b2bCompanyUsers.customerId, customerId))
    .limit(1)
  return row?.companyId ?? null
}

export async function loadCompanies(db: D1Database, ids: number[]): Promise<Map<number, StoredCompany>> {
  const orm = drizzle(db)
  const found = new Map<number, StoredCompany>()
  for (const chunk of chunks(ids, IDS_PER_QUERY)) {
    const [companies, users] = await orm.batch([
      orm
        .select({ companyId: b2bCompanies.companyId, data: b2bCompanies.data, syncedFingerprint: b2bCompanies.syncedFingerprint })
        .from(b2bCompanies)
        .where(inArray(b2bCompanies.companyId, chunk)),
      orm
        .select({
          userId: b2bCompanyUsers.userId,
          companyId: b2bCompanyUsers.companyId,
          customerId: b2bCompanyUsers.customerId,
          email: b2bCompanyUsers.email,
        })
        .from(b2bCompanyUsers)
        .where(inArray(b2bCompanyUsers.companyId, chunk))
        .orderBy(b2bCompanyUsers.userId),
    ])
    for (const r of companies) {
      found.set(r.companyId, { company: JSON.parse(r.data) as Company, users: [], syncedFingerprint: r.syncedFingerprint })
    }
    for (const u of users) found.get(u.companyId)?.users.push({ ...u, firstName: null, lastName: null })
  }
  return found
}

/** The orders every user of each company placed (by their customer ids), with whether each was associated. */
export async function ordersOfCompanies(db: D1Database, ids: number[]): Promise<Map<number, CompanyOrderRow[]>> {
  const found = new Map<number, CompanyOrderRow[]>(ids.map((id) => [id, []]))
  for (const chunk of chunks(ids, IDS_PER_QUERY)) {
    const rows = await queryBuilder(db)
      .selectFrom('b2b_company_users as u')
      .innerJoin('orders as o', 'o.customer_id', 'u.customer_id')
      .leftJoin('b2b_company_orders as a', 'a.order_id', 'o.order_id')
      .select((eb) => [
        'u.company_id',
        'o.order_id',
        'o.counts_as_paid',
        'o.created_at',
        'o.net_revenue_base',
        'o.base_currency',
        eb('a.company_id', '=', eb.ref('u.company_id')).as('associated'),
      ])
      .where('u.company_id', 'in', chunk)
      .where('u.customer_id', '>', 0)
      .orderBy('o.order_id')
      .execute()
    for (const r of rows) {
      found.get(r.company_id)?.push({
        orderId: r.order_id,
        countsAsPaid: r.counts_as_paid === 1,
        createdAt: r.created_at,
        netRevenueBase: r.net_revenue_base,
        baseCurrency: r.base_currency,
        associated: r.associated === 1,
      })
    }
  }
  return found
}

/** What HubSpot was given for a company: its figures and fingerprint, and the orders now associated with it. */
export async function recordCompanySync(
  db: D1Database,
  companyId: number,
  sync: { figures: CompanyFigures; fingerprint: string; associatedOrders: number[] },
  now: number,
): Promise<void> {
  const { figures } = sync
  const orm = drizzle(db)
  await runBatched(orm, [
    orm
      .update(b2bCompanies)
      .set({
        orderCount: figures.orderCount,
        lifetimeValue: figures.lifetimeValue,
        firstOrderAt: figures.firstOrderAt,
        lastOrderAt: figures.lastOrderAt,
        syncedFingerprint: sync.fingerprint,
        syncedAt: now,
      })
      .where(eq(b2bCompanies.companyId, companyId)),
    ...sync.associatedOrders.map((orderId) =>
      orm
        .insert(b2bCompanyOrders)
        .values({ orderId, companyId, associatedAt: now })
        .onConflictDoUpdate({ target: b2bCompanyOrders.orderId, set: { companyId, associatedAt: now } }),
    ),
  ])
}

/** Company ids after `afterId`, in order: the reconciliation's cursor over every company. */
export async function companyIdsAfter(db: D1Database, afterId: number, limit: number): Promise<number[]> {
  const rows = await drizzle(db)
    .select({ companyId: b2bCompanies.companyId })
    .from(b2bCompanies)
    .where(gt(b2bCompanies.companyId, afterId))
    .orderBy(b2bCompanies.companyId)
    .limit(limit)
  return rows.map((r) => r.companyId)
}

export interface CompanyListRow {
  companyId: number
  name: string
  status: string
  users: number
  orderCount: number
  /** Exact decimal string, store base currency (as written to HubSpot). */
  lifetimeValue: string
  lastOrderAt: string | null
  syncedAt: number | null
}

/** Companies for the admin API and the dashboard: by lifetime value, then name. */
export async function listCompanies(db: D1Database, limit: number): Promise<{ total: number; companies: CompanyListRow[] }> {
  const qb = queryBuilder(db)
  const countQuery = qb
    .selectFrom('b2b_companies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'deleted')
  const listQuery = qb
    .selectFrom('b2b_companies as c')
    .select((eb) => [
      'c.company_id',
      'c.name',
      'c.status',
      'c.order_count',
      'c.lifetime_value',
      'c.last_order_at',
      'c.synced_at',
      eb
        .selectFrom('b2b_company_users as u')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('u.company_id', '=', 'c.company_id')
        .$asScalar()
        .as('users'),
    ])
    .orderBy((eb) => eb('c.status', '=', 'deleted'))
    .orderBy((eb) => eb.cast('c.lifetime_value', 'real'), 'desc')
    .orderBy('c.name')
    .limit(limit)
  // One round trip; kysely-d1 would send them one at a time.
  const [count, rows] = await db.batch([d1Statement(db, countQuery), d1Statement(db, listQuery)])
  const companies = (rows!.results as InferResult<typeof listQuery>).map((r) => ({
    companyId: r.company_id,
    name: r.name,
    status: r.status,
    users: r.users,
    orderCount: r.order_count,
    lifetimeValue: r.lifetime_value,
    lastOrderAt: r.last_order_at,
    syncedAt: r.synced_at,
  }))
  return { total: (count!.results as InferResult<typeof countQuery>)[0]!.n, companies }
}
