import type { HubSpotClient } from '../hubspot-client'
import type { FlushControl } from './calls'
import type { EngineOptions, WriterClock, WriterSink } from './options'
import type { WriterStats } from './writer-status'
import type { WriterStore } from './store'

/**
 * What the writer works with, handed in by whoever runs it (the Durable Object, a test, the benchmark): where it
 * keeps its queues, whom it calls, where it reports outside its storage, and what time it is.
 */
export interface WriterCollaborators {
  store: WriterStore
  client: HubSpotClient
  sink: WriterSink
  clock: WriterClock
}

/**
 * The one context every part of the writer takes (record, association, merge and event writes): the
 * collaborators, the engine's tuning and counters, and the flush's budgeted calls.
 */
export interface WriterContext extends WriterCollaborators {
  options: EngineOptions
  stats: WriterStats
  control: FlushControl
}
