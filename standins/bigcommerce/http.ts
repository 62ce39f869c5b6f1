/** Shared HTTP pieces of the stand-in: error shapes, query parsing, pagination. */
import { parseQueryDate } from './dates'

export const STATUS_CODES_TYPE = '/api-docs/getting-started/api-status-codes'

/** v3 errors: `{status, title, type, errors?}`. */
export function v3Error(status: number, title: string, errors?: Record<string, string>): Response {
  return Response.json({ status, title, type: STATUS_CODES_TYPE, ...(errors ? { errors } : {}) }, { status })
}

/** v2 errors: a bare array of `{status, message}`. */
export function v2Error(status: number, message: string): Response {
  return Response.json([{ status, message }], { status })
}

export function v2NotFound(): Response {
  return v2Error(404, 'The requested resource was not found.')
}

/** v2 answers an empty collection with 204 and no body. */
export function noContent(): Response {
  return new Response(null, { status: 204 })
}

/** A query value BigCommerce would refuse: 400 on v2, 422 on v3 (mapped in app.ts). */
export class QueryError extends Error {
  constructor(readonly field: string, message: string) {
    super(message)
  }
}

export function queryInt(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^-?\d+$/.test(raw.trim())) throw new QueryError(name, `The field '${name}' must be an integer.`)
  return Number(raw)
}

export function queryIntList(params: URLSearchParams, name: string): number[] | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean)
  if (parts.some((p) => !/^\d+$/.test(p))) throw new QueryError(name, `The field '${name}' must be a list of integers.`)
  return parts.map(Number)
}

export function queryStringList(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  return raw.split(',').map((p) => p.trim()).filter(Boolean)
}

/** Epoch ms of a date filter (RFC-2822, ISO-8601 or Unix seconds). */
export function queryDate(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  const ms = parseQueryDate(raw)
  if (ms === undefined) throw new QueryError(name, `The field '${name}' is not a valid date.`)
  return ms
}

/** Whether `ms` lies within the optional bounds, compared at second precision as the API stores times. */
export function within(ms: number, min: number | undefined, max: number | undefined): boolean {
  const at = Math.floor(ms / 1000) * 1000
  return (min === undefined || at >= min) && (max === undefined || at <= max)
}

export function queryBool(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new QueryError(name, `The field '${name}' must be true or false.`)
}

export const MAX_LIMIT = 250

/** `page` (default 1) and `limit` (default 50, at most 250: larger values are capped, as the API does). */
export function pageAndLimit(params: URLSearchParams, defaultLimit = 50): { page: number; limit: number } {
  const page = queryInt(params, 'page') ?? 1
  const limit = queryInt(params, 'limit') ?? defaultLimit
  if (page < 1) throw new QueryError('page', "The field 'page' must be 1 or more.")
  if (limit < 1) throw new QueryError('limit', "The field 'limit' must be 1 or more.")
  return { page, limit: Math.min(limit, MAX_LIMIT) }
}

export function slice<T>(items: readonly T[], page: number, limit: number): T[] {
  return items.slice((page - 1) * limit, page * limit)
}

export interface Pagination {
  total: number
  count: number
  per_page: number
  current_page: number
  total_pages: number
  links: { previous?: string; current: string; next?: string }
}

/** v3 offset pagination meta, links as relative query strings (`?page=2&limit=50`). */
export function pagination(total: number, count: number, page: number, limit: number): Pagination {
  const totalPages = Math.max(1, Math.ceil(total / limit))
  const link = (p: number) => `?page=${p}&limit=${limit}`
  return {
    total,
    count,
    per_page: limit,
    current_page: page,
    total_pages: totalPages,
    links: {
      ...(page > 1 ? { previous: link(page - 1) } : {}),
      current: link(page),
      ...(page < totalPages ? { next: link(page + 1) } : {}),
    },
  }
}

/** `{data, meta: {pagination}}` for one page of `items`. */
export function v3Page<T, U>(items: readonly T[], params: URLSearchParams, map: (item: T) => U): Response {
  const { page, limit } = pageAndLimit(params)
  const rows = slice(items, page, limit)
  return Response.json({ data: rows.map(map), meta: { pagination: pagination(items.length, rows.length, page, limit) } })
}

/** `include=a,b` as a set. */
export function includes(params: URLSearchParams): Set<string> {
  return new Set(queryStringList(params, 'include') ?? [])
}

export function searchParams(url: string): URLSearchParams {
  return new URL(url).searchParams
}

/** Sorts by `value` in `direction`, ties by id ascending. */
export function compareBy<T extends { id: number }>(value: (item: T) => number | string, direction: 'asc' | 'desc' = 'asc'):
  (a: T, b: T) => number {
  const sign = direction === 'desc' ? -1 : 1
  return (a, b) => {
    const x = value(a)
    const y = value(b)
    return x < y ? -sign : x > y ? sign : a.id - b.id
  }
}
