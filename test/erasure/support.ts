import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

/**
 * Walks every table of a database for values: D1 (its tables read from sqlite_master, so tables added later are
 * walked too) and a Durable Object's SQLite storage. A hit names the table and what was found there.
 */
export interface Hit {
  table: string
  needle: string
}

function hitsIn(table: string, rows: unknown[], needles: string[]): Hit[] {
  const text = JSON.stringify(rows).toLowerCase()
  return needles.filter((n) => text.includes(n.toLowerCase())).map((needle) => ({ table, needle }))
}

export async function d1Tables(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>()
  return results.map((r) => r.name)
}

export async function walkD1(needles: string[]): Promise<Hit[]> {
  const hits: Hit[] = []
  for (const table of await d1Tables()) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${table}"`).all()
    hits.push(...hitsIn(table, results, needles))
  }
  return hits
}

/** Every table of a Durable Object's SQLite storage (the writer's queues and ids, a contact's key-value store). */
export async function walkDurableObject(stub: DurableObjectStub, needles: string[]): Promise<Hit[]> {
  return runInDurableObject(stub, (_instance: unknown, state: DurableObjectState) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray()
    return tables.flatMap(({ name }) => hitsIn(name, state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray(), needles))
  })
}

export async function storageEntries(stub: DurableObjectStub): Promise<number> {
  return runInDurableObject(stub, async (_instance: unknown, state: DurableObjectState) => (await state.storage.list()).size)
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
