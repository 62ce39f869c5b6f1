import { Hono } from 'hono'
import { describeMapping } from '../admin/mapping'
import type { AppEnv } from '../http'
import { renderMappingPage } from './dashboard/mapping-page'

/** `GET /docs` and `GET /docs/mapping.json` (public): every HubSpot object and property, trigger and channel. */
export const docs = new Hono<AppEnv>()
  .get('/', (c) => c.html(renderMappingPage(describeMapping(c.get('config')))))
  .get('/mapping.json', (c) => c.json(describeMapping(c.get('config'))))
