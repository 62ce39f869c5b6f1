import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { it as vitestIt } from 'vitest'
import { createHubSpotStandin, type HubSpotStandinOptions } from '../../standins/hubspot/index'
import { HubSpotClient } from '../../src/hubspot/hubspot-client'
import { WriterEngine } from '../../src/hubspot/sync/engine'
import { hubspotWriter } from '../../src/durable/stubs'
import type { ContactMergeOutcome, DeadLetter, EngineOptions, WriterClock, WriterSink } from '../../src/hubspot/sync/options'
import { SqlWriterStore } from '../../src/hubspot/sync/sql-store'
import { serveHost } from '../support/network'

export const HOST = 'hubspot.standin'
export const START = Date.UTC(2026, 10, 2, 9, 30)

/** A clock the test moves; sleeping advances it instantly. */
export function fakeTime(start = START) {
  let now = start
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms
      },
    },
  }
}

/** Real time moved ahead by the test; sleeping moves it too instead of waiting. */
export class ShiftedClock implements WriterClock {
  private offset = 0

  now(): number {
    return Date.now() + this.offset
  }

  async sleep(ms: number): Promise<void> {
    this.offset += ms
  }

  advance(ms: number): void {
    this.offset += ms
  }
}

/**
 * The HubSpot writer Durable Object's clock, put on a ShiftedClock if it is not on one yet: a test moves it past
 * a pause or backoff instead of waiting for it. A restarted writer is back on real time.
 */
export async function writerClock(writer = hubspotWriter(env)): Promise<ShiftedClock> {
  let shifted: ShiftedClock | undefined
  await runInDurableObject(writer, (instance) => {
    const object = instance
    shifted = object.clock instanceof ShiftedClock ? object.clock : new ShiftedClock()
    object.clock = shifted
  })
  return shifted!
}

export function memorySink() {
  const deadLetters: DeadLetter[] = []
  const synced = new Map<string, number>()
  const merges: ContactMergeOutcome[] = []
  const sink: WriterSink = {
    async deadLetter(entry) {
      deadLetters.push(entry)
    },
    async ordersSynced(ids, at) {
      for (const id of ids) if (!synced.has(id)) synced.set(id, at)
    },
    async contactsMerged(outcome) {
      merges.push(outcome)
    },
  }
  return { sink, deadLetters, synced, merges }
}

/** A fresh HubSpot writer Durable Object's SQLite storage, as production opens it (its constructor creates the tables). */
export async function inWriterStorage<T>(body: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(env.HUBSPOT_WRITER.getByName(`storage-${crypto.randomUUID()}`), (_instance, state) => body(state.storage.sql))
}

/** The storage of the running writer test (see `it`). */
let testStorage: SqlStorage | null = null

/**
 * `it` of the writer's tests: each runs inside a fresh writer Durable Object, so harness() writes through
 * production's store (SqlWriterStore on that object's SQLite storage).
 */
export function it(name: string, body: () => void | Promise<void>, timeout?: number): void {
  vitestIt(
    name,
    () =>
      inWriterStorage(async (sql) => {
        testStorage = sql
        try {
          await body()
        } finally {
          testStorage = null
        }
      }),
    timeout,
  )
}

function runningTestStorage(): SqlStorage {
  if (!testStorage) throw new Error('harness(): run the test with `it` from test/hubspot/support.ts')
  return testStorage
}

/**
 * The stand-in behind the test network, and a writer engine on production's store (in the running test's
 * writer storage), sharing one fake clock.
 */
export function harness(
  options: { standin?: HubSpotStandinOptions; engine?: Partial<EngineOptions> } = {},
) {
  const time = fakeTime()
  const standin = createHubSpotStandin({ clock: time.now, ...options.standin })
  serveHost(HOST, standin.fetch)
  const client = new HubSpotClient({ baseUrl: `http://${HOST}`, accessToken: 'hs-test-token' })
  const store = new SqlWriterStore(runningTestStorage())
  const { sink, deadLetters, synced, merges } = memorySink()
  const engine = new WriterEngine({ store, client, sink, clock: time.clock }, options.engine)
  return {
    time,
    standin,
    portal: standin.portal,
    client,
    store,
    engine,
    deadLetters,
    synced,
    merges,
    /** Calls to one route, e.g. `calls('POST', /contacts\/batch\/upsert$/)`. */
    calls(method: string, path: RegExp) {
      return standin.requests.filter((r) => r.method === method && path.test(r.path))
    },
    /** Flushes until nothing is due before `horizonMs` from now, moving the clock to each next run. */
    async drain(horizonMs = 60_000) {
      const until = time.now() + horizonMs
      for (let i = 0; i < 500; i++) {
        const result = await engine.flush()
        if (result.nextRunAt === null || result.nextRunAt > until) return result
        if (result.nextRunAt > time.now()) time.advance(result.nextRunAt - time.now())
      }
      throw new Error('drain did not settle')
    },
  }
}
