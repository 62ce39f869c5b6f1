import { z } from 'zod'
import type { PhaseContext } from './phase-context'
import { parseRecord } from './skip'

/** `meta` of a v3 collection page: BigCommerce's count of the whole collection. */
export const v3PageMeta = z.object({ pagination: z.object({ total: z.number().nullish() }).nullish() })

/** One page of a v3 collection, records left unparsed so that each is parsed alone (a bad one is skipped). */
export const v3Page = z.object({ data: z.array(z.unknown()), meta: v3PageMeta.nullish() })

/** BigCommerce's count of the whole collection, as a page of it says. */
export function v3Total(page: z.output<typeof v3Page>): number | undefined {
  return page.meta?.pagination?.total ?? undefined
}

/**
 * The records of a v3 collection for many ids, `perCall` ids in each `{filter}:in` call, grouped by `keyOf`.
 * Records that break `schema` are left out.
 */
export async function fetchGrouped<T extends z.ZodType>(
  ctx: PhaseContext,
  request: { path: string; filter: string; ids: readonly number[]; perCall: number },
  schema: T,
  keyOf: (record: z.output<T>) => number,
): Promise<Map<number, z.output<T>[]>> {
  const grouped = new Map<number, z.output<T>[]>()
  const { path, filter, ids, perCall } = request
  for (let i = 0; i < ids.length; i += perCall) {
    const query = { [`${filter}:in`]: ids.slice(i, i + perCall).join(',') }
    for await (const page of ctx.client.v3List(path, query)) {
      for (const raw of page.items) {
        const record = parseRecord(schema, raw)
        if (record === null) continue
        const key = keyOf(record)
        grouped.set(key, [...(grouped.get(key) ?? []), record])
      }
    }
  }
  return grouped
}
