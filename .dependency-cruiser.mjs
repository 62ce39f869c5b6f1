import { fileURLToPath, URL } from 'node:url'

/**
 * The layering of src/ as rules (`npm run lint` runs them; ARCHITECTURE.md draws the floors).
 * Each folder (or top-level file) of src/ stands on a floor and imports only from floors below it: two rooms on
 * one floor do not import each other either (cron and admin share the work in upkeep/, below both).
 */
const FLOORS = [
  ['domain', 'queues', 'sleep', 'map-limit', 'secrets', 'recovery', 'version'],
  ['config', 'env', 'bigcommerce', 'hubspot'],
  ['db', 'http', 'clients'],
  ['invocation', 'erasure', 'beacon', 'rate-limits'],
  ['durable'],
  ['identity', 'companies', 'upkeep'],
  ['pipeline'],
  ['backfill'],
  ['cron', 'admin'],
  ['routes'],
  ['app'],
  ['index'],
]

/** A room of src/: a folder, or a top-level file without its extension. */
const room = (name) => `^src/${name}(/|\\.tsx?$)`

const floorRules = FLOORS.flatMap((floor, level) =>
  floor.flatMap((name) => {
    const notBelow = FLOORS.slice(level).flat().filter((other) => other !== name)
    if (!notBelow.length) return []
    return {
      name: `floor-${name}`,
      comment: `src/${name} stands on floor ${level + 1}: it imports only from rooms on lower floors`,
      severity: 'error',
      from: { path: room(name) },
      to: { path: notBelow.map(room) },
    }
  }),
)

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing of src/ outside it (pure functions over plain data)',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'db-calls-no-api',
      comment: 'Storage never calls an API: src/db imports nothing of the BigCommerce or HubSpot side',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(bigcommerce|hubspot)/' },
    },
    {
      name: 'standins-stay-out',
      comment: 'The stand-ins are never imported by the worker',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^standins/' },
    },
    {
      name: 'every-room-has-a-floor',
      comment: 'A new folder or top-level file of src/ gets its floor in .dependency-cruiser.mjs',
      severity: 'error',
      from: { path: '^src/', pathNot: FLOORS.flat().map(room) },
      to: {},
    },
    ...floorRules,
  ],
  options: {
    // Type-only imports count: a circle of types is a circle.
    tsPreCompilationDeps: true,
    // Absolute, so the rules run the same from a fixture's folder (test/node/lint-rules.test.ts).
    tsConfig: { fileName: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/.*\\.d\\.ts$' },
    moduleSystems: ['es6'],
  },
}
