import type { BatchResult, HubSpotClient } from '../hubspot/hubspot-client'
import type { BatchReadBody, BatchUpsertBody } from '../hubspot/models'
import type { ASSOCIATIONS } from '../hubspot/properties'
import { ID_PROPERTY, type HubSpotObjectType } from '../hubspot/records'
import type { LiveCheck } from './live-check-report'

/**
 * `check:live --write` (a test portal only): one record of each object type the worker writes, upserted by
 * its unique key as the writer does, associated as the writer associates them, read back, then archived.
 * Every record is named `check-live-<time>` so an interrupted run is easy to find and remove.
 */
export async function writeRoundTrip(
  client: HubSpotClient,
  now: Date,
  objectTypes: readonly HubSpotObjectType[],
  associations: typeof ASSOCIATIONS,
): Promise<LiveCheck[]> {
  const checks: LiveCheck[] = []
  const add = (id: string, label: string, ok: boolean, detail: string) =>
    checks.push({ platform: 'hubspot', id: `write.${id}`, label, level: ok ? 'pass' : 'fail', detail })
  const tag = `check-live-${now.getTime()}`
  const samples: Record<HubSpotObjectType, Record<string, string>> = {
    contacts: { email: `${tag}@example.invalid`, firstname: 'Check', lastname: 'Live' },
    products: { bc_variant_id: tag, name: `${tag} product`, hs_sku: tag, price: '1', description: 'check:live' },
    orders: { bc_order_id: tag, hs_order_name: `Order ${tag}`, bc_order_total: '1' },
    line_items: { bc_line_item_id: tag, name: `${tag} item`, quantity: '1', price: '1' },
    carts: { bc_cart_id: tag, hs_cart_name: `Cart ${tag}` },
    tasks: { bc_task_key: tag, hs_timestamp: now.toISOString(), hs_task_subject: `${tag} task` },
    companies: { bc_company_id: tag, name: `${tag} company` },
  }
  const ids = new Map<HubSpotObjectType, string>()
  for (const type of objectTypes) {
    const properties = samples[type]
    const key = properties[ID_PROPERTY[type]]!
    const body: BatchUpsertBody = { inputs: [{ idProperty: ID_PROPERTY[type], id: key, properties, objectWriteTraceId: key }] }
    const res = await client.request<BatchResult>('POST', `/crm/v3/objects/${type}/batch/upsert`, body)
    const id = res.ok ? res.data.results.find((r) => r.objectWriteTraceId === key)?.id : undefined
    if (id) ids.set(type, id)
    add(`${type}.create`, `--write: ${type} upserted`, id !== undefined, id ? `id ${id}` : res.ok ? 'no result for the input' : `${res.status}: ${res.error.message}`)
  }

  for (const { from, to, typeId } of associations) {
    const [fromId, toId] = [ids.get(from), ids.get(to)]
    if (!fromId || !toId) continue
    const res = await client.batchAssociateDefault(from, to, [{ from: fromId, to: toId }])
    const refused = !res.ok ? `${res.status}: ${res.error.message}` : res.data.numErrors || res.data.errors?.length ? (res.data.errors?.[0]?.message ?? 'refused') : null
    const listed = refused
      ? null
      : await client.request<{ results?: { toObjectId?: number | string }[] }>('GET', `/crm/v4/objects/${from}/${fromId}/associations/${to}`)
    const found = listed?.ok && (listed.data.results ?? []).some((r) => String(r.toObjectId) === toId)
    add(`associate.${from}.${to}`, `--write: ${from} → ${to} associated (${typeId})`, Boolean(found), refused ?? (found ? 'read back' : 'not found when read back'))
  }

  for (const [type, id] of ids) {
    const key = samples[type][ID_PROPERTY[type]]!
    const body: BatchReadBody = { idProperty: ID_PROPERTY[type], properties: [ID_PROPERTY[type]], propertiesWithHistory: [], inputs: [{ id: key }] }
    const read = await client.request<BatchResult>('POST', `/crm/v3/objects/${type}/batch/read`, body)
    const back = read.ok && read.data.results.some((r) => r.id === id)
    add(`${type}.read`, `--write: ${type} read back by ${ID_PROPERTY[type]}`, back, back ? 'found' : read.ok ? 'not found' : `${read.status}: ${read.error.message}`)
  }

  for (const [type, id] of ids) {
    const res = await client.request('POST', `/crm/v3/objects/${type}/batch/archive`, { inputs: [{ id }] })
    add(`${type}.archive`, `--write: ${type} archived`, res.ok, res.ok ? 'archived' : `${res.status}: ${res.error.message} (remove ${tag} by hand)`)
  }
  return checks
}
