import { z } from 'zod'

/** A BigCommerce payload that breaks its schema: retrying cannot help (the backfill skips the record). */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError'
  readonly retryable = false

  constructor(what: string, error: z.ZodError) {
    const issues = error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    super(`BigCommerce ${what} does not match its schema: ${issues}`)
  }
}

/** `value` through `schema`, or `InvalidPayloadError` naming `what`. */
export function parsePayload<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) throw new InvalidPayloadError(what, result.error)
  return result.data
}

export function parsePayloadList<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T>[] {
  return parsePayload(z.array(schema), value, what)
}
