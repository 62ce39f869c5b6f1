import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ERASURE_RULES, tableColumns } from '../../src/db/erasure'
import { d1Tables } from './support'

/**
 * The erasure covers every table that can hold an email: a table with an `email` column is handled by that
 * column whatever its name, one with another email-like column must have a rule in ERASURE_RULES. A table added
 * by a later migration fails here until it is covered.
 */
describe('the erasure registry', () => {
  it('reads every table and its columns from the database itself', async () => {
    const columns = await tableColumns(env.DB)
    expect([...columns.keys()].sort()).toEqual((await d1Tables()).sort())
    expect(columns.get('contacts')).toEqual(expect.arrayContaining(['email', 'customer_id', 'paid_order_count']))
  })

  it('covers every table with an email-like column', async () => {
    const uncovered: string[] = []
    for (const [table, columns] of await tableColumns(env.DB)) {
      const emailLike = columns.filter((c) => /e_?mail/i.test(c))
      if (emailLike.length === 0 || ERASURE_RULES[table] !== undefined) continue
      if (emailLike.some((c) => c !== 'email')) uncovered.push(`${table} (${emailLike.join(', ')})`)
    }
    expect(uncovered, `tables whose email-like columns no erasure rule covers: add them to ERASURE_RULES: ${uncovered.join('; ')}`).toEqual([])
  })

  it('names only tables that exist', async () => {
    const tables = new Set(await d1Tables())
    expect(Object.keys(ERASURE_RULES).filter((t) => !tables.has(t))).toEqual([])
  })
})
