import { Hono } from 'hono'
import type { AppEnv } from '../http'

export const webhooks = new Hono<AppEnv>()
