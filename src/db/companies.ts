import type { Company, CompanyFigures, CompanyOrder, CompanyUser } from '../domain/b2b-companies'

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

async function runBatched(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  for (const batch of chunks(statements, 50)) if (batch.length) await db.batch(batch)
}

function upsertCompany(db: D1Database, company: Company, now: number, refreshedAt: number | null): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO b2b_companies (company_id, name, status, data, updated_at, seen_at, refreshed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (company_id) DO UPDATE SET name = excluded.name, status = excluded.status, data = excluded.data,
         updated_at = excluded.updated_at, seen_at = excluded.seen_at, refreshed_at = excluded.refreshed_at`,
    )
    .bind(company.companyId, company.name, company.status, JSON.stringify(company), company.updatedAt, now, refreshedAt)
}

/** A company read whole (a webhook, or the reconciliation's refresh): it and its users replace what was there. */
export async function saveCompany(db: D1Database, company: Company, users: CompanyUser[], now: number): Promise<void> {
  await runBatched(db, [
    upsertCompany(db, company, now, now),
    ...users.map((u) =>
      db
        .prepare(
          `INSERT INTO b2b_company_users (user_id, company_id, customer_id, email, seen_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET company_id = excluded.company_id, customer_id = excluded.customer_id,
             email = excluded.email, seen_at = excluded.seen_at`,
        )
        .bind(u.userId, company.companyId, u.customerId, u.email, now),
    ),
    // Users the company no longer lists were deleted in B2B Edition.
    db.prepare('DELETE FROM b2b_company_users WHERE company_id = ? AND seen_at < ?').bind(company.companyId, now),
  ])
}

/**
 * Companies as the reconciliation's listing shows them: each is marked seen; a new one, or one B2B Edition
 * changed since it was last read, is stored and left to be refreshed (its users and address book read).
 * Returns the ids of those.
 */
export async function noteListedCompanies(db: D1Database, companies: Company[], now: number): Promise<number[]> {
  const known = new Map<number, { updatedAt: string | null; status: string; data: string }>()
  for (const ids of chunks(companies.map((c) => c.companyId), IDS_PER_QUERY)) {
    const { results } = await db
      .prepare(`SELECT company_id, updated_at, status, data FROM b2b_companies WHERE company_id IN (${ids.map(() => '?').join(',')})`)
      .bind(...ids)
      .all<{ company_id: number; updated_at: string | null; status: string; data: string }>()
    for (const r of results) known.set(r.company_id, { updatedAt: r.updated_at, status: r.status, data: r.data })
  }
  const changed: Company[] = []
  const statements: D1PreparedStatement[] = []
  for (const company of companies) {
    const stored = known.get(company.companyId)
    if (stored && stored.updatedAt === company.updatedAt && stored.status === company.status) {
      statements.push(db.prepare('UPDATE b2b_companies SET seen_at = ? WHERE company_id = ?').bind(now, company.companyId))
      continue
    }
    // Until the refresh reads the address book, keep showing the address known before.
    const before = stored ? (JSON.parse(stored.data) as Company) : null
    changed.push(company)
    statements.push(upsertCompany(db, { ...company, address: company.address ?? before?.address ?? null }, now, null))
  }
  await runBatched(db, statements)
  return changed.map((c) => c.companyId)
}

/** A company B2B Edition answered with something unreadable: left alone until the listing shows it changed. */
export async function markCompanyUnreadable(db: D1Database, companyId: number, now: number): Promise<void> {
  await db.prepare('UPDATE b2b_companies SET seen_at = ?, refreshed_at = ? WHERE company_id = ?').bind(now, now, companyId).run()
}

/** Companies whose users and address book are to be read, oldest id first. */
export async function companiesToRefresh(db: D1Database, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare(`SELECT company_id FROM b2b_companies WHERE refreshed_at IS NULL AND status != 'deleted' ORDER BY company_id LIMIT ?`)
    .bind(limit)
    .all<{ company_id: number }>()
  return results.map((r) => r.company_id)
}

/** A company B2B Edition no longer has: it stays, with status `deleted` (the HubSpot company keeps its history). */
export async function markCompanyDeleted(db: D1Database, companyId: number): Promise<boolean> {
  const row = await db
    .prepare(
      `UPDATE b2b_companies SET status = 'deleted', data = json_set(data, '$.status', 'deleted')
       WHERE company_id = ? RETURNING company_id`,
    )
    .bind(companyId)
    .first<{ company_id: number }>()
  return row !== null
}

/**
 * Companies a complete listing that started at `since` did not see (gone, or moved within the listing's order
 * while it paged): each is to be read once more before it counts as deleted.
 */
export async function unseenCompanies(db: D1Database, since: number, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare(`SELECT company_id FROM b2b_companies WHERE seen_at < ? AND status != 'deleted' ORDER BY company_id LIMIT ?`)
    .bind(since, limit)
    .all<{ company_id: number }>()
  return results.map((r) => r.company_id)
}

/** The company whose user this BigCommerce customer is, if any. */
export async function companyOfCustomer(db: D1Database, customerId: number): Promise<number | null> {
  if (customerId <= 0) return null
  const row = await db
    .prepare('SELECT company_id FROM b2b_company_users WHERE customer_id = ? LIMIT 1')
    .bind(customerId)
    .first<{ company_id: number }>()
  return row?.company_id ?? null
}

export async function loadCompanies(db: D1Database, ids: number[]): Promise<Map<number, StoredCompany>> {
  const found = new Map<number, StoredCompany>()
  for (const chunk of chunks(ids, IDS_PER_QUERY)) {
    const marks = chunk.map(() => '?').join(',')
    const [companies, users] = await db.batch([
      db.prepare(`SELECT company_id, data, synced_fingerprint FROM b2b_companies WHERE company_id IN (${marks})`).bind(...chunk),
      db
        .prepare(
          `SELECT user_id, company_id, customer_id, email FROM b2b_company_users WHERE company_id IN (${marks})
           ORDER BY user_id`,
        )
        .bind(...chunk),
    ])
    for (const r of companies!.results as { company_id: number; data: string; synced_fingerprint: string | null }[]) {
      found.set(r.company_id, { company: JSON.parse(r.data) as Company, users: [], syncedFingerprint: r.synced_fingerprint })
    }
    for (const u of users!.results as { user_id: number; company_id: number; customer_id: number | null; email: string }[]) {
      found.get(u.company_id)?.users.push({
        userId: u.user_id,
        companyId: u.company_id,
        customerId: u.customer_id,
        email: u.email,
        firstName: null,
        lastName: null,
      })
    }
  }
  return found
}

/** The orders every user of each company placed (by their customer ids), with whether each was associated. */
export async function ordersOfCompanies(db: D1Database, ids: number[]): Promise<Map<number, CompanyOrderRow[]>> {
  const found = new Map<number, CompanyOrderRow[]>(ids.map((id) => [id, []]))
  for (const chunk of chunks(ids, IDS_PER_QUERY)) {
    const { results } = await db
      .prepare(
        `SELECT u.company_id, o.order_id, o.counts_as_paid, o.created_at, o.net_revenue_base, o.base_currency,
                a.company_id = u.company_id AS associated
         FROM b2b_company_users u
         JOIN orders o ON o.customer_id = u.customer_id
         LEFT JOIN b2b_company_orders a ON a.order_id = o.order_id
         WHERE u.company_id IN (${chunk.map(() => '?').join(',')}) AND u.customer_id > 0
         ORDER BY o.order_id`,
      )
      .bind(...chunk)
      .all<{
        company_id: number
        order_id: number
        counts_as_paid: number
        created_at: string
        net_revenue_base: string
        base_currency: string | null
        associated: number | null
      }>()
    for (const r of results) {
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
  await runBatched(db, [
    db
      .prepare(
        `UPDATE b2b_companies SET order_count = ?, lifetime_value = ?, first_order_at = ?, last_order_at = ?,
           synced_fingerprint = ?, synced_at = ? WHERE company_id = ?`,
      )
      .bind(figures.orderCount, figures.lifetimeValue, figures.firstOrderAt, figures.lastOrderAt, sync.fingerprint, now, companyId),
    ...sync.associatedOrders.map((orderId) =>
      db
        .prepare(
          `INSERT INTO b2b_company_orders (order_id, company_id, associated_at) VALUES (?, ?, ?)
           ON CONFLICT (order_id) DO UPDATE SET company_id = excluded.company_id, associated_at = excluded.associated_at`,
        )
        .bind(orderId, companyId, now),
    ),
  ])
}

/** Company ids after `afterId`, in order: the reconciliation's cursor over every company. */
export async function companyIdsAfter(db: D1Database, afterId: number, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare('SELECT company_id FROM b2b_companies WHERE company_id > ? ORDER BY company_id LIMIT ?')
    .bind(afterId, limit)
    .all<{ company_id: number }>()
  return results.map((r) => r.company_id)
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
  const [count, rows] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM b2b_companies WHERE status != 'deleted'"),
    db
      .prepare(
        `SELECT c.company_id, c.name, c.status, c.order_count, c.lifetime_value, c.last_order_at, c.synced_at,
                (SELECT count(*) FROM b2b_company_users u WHERE u.company_id = c.company_id) AS users
         FROM b2b_companies c
         ORDER BY c.status = 'deleted', CAST(c.lifetime_value AS REAL) DESC, c.name
         LIMIT ?`,
      )
      .bind(limit),
  ])
  const companies = (rows!.results as {
    company_id: number
    name: string
    status: string
    users: number
    order_count: number
    lifetime_value: string
    last_order_at: string | null
    synced_at: number | null
  }[]).map((r) => ({
    companyId: r.company_id,
    name: r.name,
    status: r.status,
    users: r.users,
    orderCount: r.order_count,
    lifetimeValue: r.lifetime_value,
    lastOrderAt: r.last_order_at,
    syncedAt: r.synced_at,
  }))
  return { total: (count!.results[0] as { n: number }).n, companies }
}
