import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'

/** One per contact (normalized email): serializes that contact's updates. Filled in below. */
export class ContactObject extends DurableObject<Env> {}
