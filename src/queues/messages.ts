import { z } from 'zod'

/**
 * What travels on the worker's queues (wrangler.toml). The bindings in `env.ts` are typed with these, so they
 * sit below everything that sends or consumes them.
 */

/** A webhook queue message: the id of an event the route recorded in D1 (its idempotency key). */
export interface WebhookMessage {
  id: string
}

/** A backfill queue message: the step the job waits for (see `backfill/steps.ts`). */
export const backfillStepMessage = z.object({ jobId: z.string().min(1), token: z.string().min(1) })
export type BackfillStepMessage = z.infer<typeof backfillStepMessage>
