import { z } from 'zod'
import { InvalidPayloadError } from '../bigcommerce/hydrate'
import { UnusableResourceError } from '../bigcommerce/normalize/errors'
import { mapLimit } from '../map-limit'

/**
 * A record that can never be imported (no usable email, a payload that breaks its schema): skipped and
 * counted, so one bad record does not stall the whole backfill. Anything else is retried.
 */
export function isSkippable(err: unknown): boolean {
  return err instanceof UnusableResourceError || err instanceof InvalidPayloadError || err instanceof z.ZodError
}

/** Parses one record of a page; null (and counted by the caller) when it breaks its schema. */
export function parseRecord<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null {
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/**
 * Parses and applies each record of a page, `concurrency` at a time. Returns how many were skipped: broke
 * their schema, or `apply` failed in a way retrying cannot fix. Any other failure is thrown.
 */
export async function importEach<T extends z.ZodType>(
  records: readonly unknown[],
  schema: T,
  concurrency: number,
  apply: (record: z.output<T>) => Promise<void>,
): Promise<number> {
  let skipped = 0
  await mapLimit(records, concurrency, async (raw) => {
    try {
      const record = parseRecord(schema, raw)
      if (record === null) return void skipped++
      await apply(record)
    } catch (err) {
      if (!isSkippable(err)) throw err
      skipped++
    }
  })
  return skipped
}
