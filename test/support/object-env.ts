import { runInDurableObject } from 'cloudflare:test'
import type { Env } from '../../src/env'

/**
 * Changes the environment a running Durable Object sees (a variable switched off, a failing D1). The platform
 * keeps it in the object's protected `env` with no public way in: this is the one place a test reaches it.
 */
export async function changeObjectEnv(stub: DurableObjectStub, change: (current: Env) => Env): Promise<void> {
  await runInDurableObject(stub, (instance: object) => {
    const object = instance as { env: Env }
    object.env = change(object.env)
  })
}
