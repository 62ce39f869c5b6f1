import { z } from 'zod'
import { InvalidPayloadError } from '../bigcommerce/hydrate'
import { UnusableResourceError } from '../bigcommerce/normalize'

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
