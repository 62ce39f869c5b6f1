/**
 * HubSpot's error shapes: the top-level `{status:'error', message, correlationId, category, errors?}` and the
 * per-input errors of a batch response. Routes throw `HubSpotFailure`; the app turns it into a response.
 */

export interface ErrorDetail {
  message: string
  code?: string
  context?: Record<string, string[]>
  in?: string
}

export interface ErrorBody {
  status: 'error'
  message: string
  correlationId: string
  category: string
  errors?: ErrorDetail[]
  context?: Record<string, string[]>
  subCategory?: string
  [extra: string]: unknown
}

/** One input's error inside a batch (207) response. */
export interface BatchError {
  status: 'error'
  category: string
  message: string
  context: Record<string, string[]>
  errors: ErrorDetail[]
}

/** A property value HubSpot would refuse. */
export interface PropertyProblem {
  name: string
  code: string
  message: string
}

export class HubSpotFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message)
  }
}

export function errorBody(category: string, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { status: 'error', message, correlationId: crypto.randomUUID(), category, ...extra }
}

export function failure(status: number, category: string, message: string, extra: Partial<ErrorBody> = {}) {
  return new HubSpotFailure(status, errorBody(category, message, extra))
}

export function validationFailure(message: string, errors?: ErrorDetail[]) {
  return failure(400, 'VALIDATION_ERROR', message, errors ? { errors } : {})
}

/** HubSpot's message for refused property values embeds a JSON list of the problems. */
export function propertyProblemsMessage(problems: PropertyProblem[]): string {
  const listed = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.code,
    name: p.name,
    localizedErrorMessage: p.message,
  }))
  return `Property values were not valid: ${JSON.stringify(listed)}`
}

export function propertyProblemDetails(problems: PropertyProblem[]): ErrorDetail[] {
  return problems.map((p) => ({ message: p.message, code: p.code, context: { propertyName: [p.name] } }))
}

export function propertyFailure(problems: PropertyProblem[]) {
  return validationFailure(propertyProblemsMessage(problems), propertyProblemDetails(problems))
}

/** Converts a failure about one batch input into that input's entry in `errors[]`. */
export function batchError(failed: HubSpotFailure, context: Record<string, string[]>): BatchError {
  const { category, message, errors = [] } = failed.body
  return { status: 'error', category, message, context, errors }
}

/** HubSpot's 429 body; `policyName` says which budget ran out. */
export function rateLimitBody(policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY') {
  const limit = { TEN_SECONDLY_ROLLING: 'ten_secondly_rolling', DAILY: 'daily', SECONDLY: 'secondly' }[policyName]
  const correlationId = crypto.randomUUID()
  return {
    status: 'error',
    message: `You have reached your ${limit} limit.`,
    errorType: 'RATE_LIMIT',
    correlationId,
    policyName,
    requestId: correlationId,
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
  })
}
