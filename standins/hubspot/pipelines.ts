/**
 * Ticket pipelines (served by ./routes/pipelines.ts): each stage carries
 * `metadata.ticketState` OPEN or CLOSED, which is what makes a ticket open. A portal starts with HubSpot's
 * "Support Pipeline" (id `0`); tests add their own with `portal.addTicketPipeline`. A ticket's
 * `hs_pipeline_stage` must be a stage of its `hs_pipeline` (default `0`), as HubSpot checks on every write.
 */
import type { PropertyProblem } from './errors'
import type { StoredRecord } from './types'

export type TicketState = 'OPEN' | 'CLOSED'

export interface PipelineStage {
  id: string
  label: string
  displayOrder: number
  metadata: { ticketState: TicketState }
  createdAt: string
  updatedAt: string
  archived: boolean
}

export interface Pipeline {
  id: string
  label: string
  displayOrder: number
  stages: PipelineStage[]
  createdAt: string
  updatedAt: string
  archived: boolean
}

export const DEFAULT_TICKET_PIPELINE = '0'

export function pipeline(id: string, label: string, stages: { id: string; label: string; ticketState: TicketState }[], at: string): Pipeline {
  return {
    id,
    label,
    displayOrder: 0,
    createdAt: at,
    updatedAt: at,
    archived: false,
    stages: stages.map((s, displayOrder) => ({
      id: s.id,
      label: s.label,
      displayOrder,
      metadata: { ticketState: s.ticketState },
      createdAt: at,
      updatedAt: at,
      archived: false,
    })),
  }
}

/** HubSpot's default ticket pipeline. */
export function defaultTicketPipelines(at: string): Pipeline[] {
  return [
    pipeline(DEFAULT_TICKET_PIPELINE, 'Support Pipeline', [
      { id: '1', label: 'New', ticketState: 'OPEN' },
      { id: '2', label: 'Waiting on contact', ticketState: 'OPEN' },
      { id: '3', label: 'Waiting on us', ticketState: 'OPEN' },
      { id: '4', label: 'Closed', ticketState: 'CLOSED' },
    ], at),
  ]
}

/** A ticket write whose stage is not one of its pipeline's (values merged over what the ticket holds). */
export function ticketStageProblems(pipelines: Pipeline[], values: Record<string, string>, existing?: StoredRecord): PropertyProblem[] {
  if (!('hs_pipeline' in values) && !('hs_pipeline_stage' in values)) return []
  const pipelineId = values.hs_pipeline || existing?.properties.hs_pipeline || DEFAULT_TICKET_PIPELINE
  const found = pipelines.find((p) => p.id === pipelineId)
  if (!found) return [{ name: 'hs_pipeline', code: 'INVALID_OPTION', message: `${pipelineId} is not a valid pipeline ID` }]
  const stage = values.hs_pipeline_stage ?? existing?.properties.hs_pipeline_stage
  if (stage !== undefined && !found.stages.some((s) => s.id === stage)) {
    return [{ name: 'hs_pipeline_stage', code: 'INVALID_OPTION', message: `${stage} is not a valid pipeline stage ID of pipeline ${pipelineId}` }]
  }
  return []
}
