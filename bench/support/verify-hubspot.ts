/**
 * The checks a benchmark makes of the HubSpot stand-in after a sync: every expected record there once, with
 * the values last written (as the writer prepares them), and each order associated with its contact and all
 * its line items. Shared by the HubSpot sync and the backfill benchmarks.
 */
import { prepareProperties } from '../../src/hubspot/properties'
import { ID_PROPERTY, OBJECT_TYPES, type HubSpotObjectType, type HubSpotRecord } from '../../src/hubspot/records'
import type { Order } from '../../src/domain/model'
import type { Portal } from '../../standins/hubspot'

export type ExpectedRecords = Map<HubSpotObjectType, Map<string, Record<string, unknown>>>

export interface Verification {
  lost: number
  duplicated: number
  wrongValues: number
  /** The first differing values, to say which. */
  differences: { type: HubSpotObjectType; key: string; property: string; expected: unknown; stored: string }[]
  missingAssociations: number
  lineItemsWithoutProduct: number
}

/** Expected state by (type, key) from records in the order they are written: the last value of each property wins. */
export function expectedRecords(batches: Iterable<HubSpotRecord[]>): ExpectedRecords {
  const expected: ExpectedRecords = new Map(OBJECT_TYPES.map((t) => [t, new Map()]))
  for (const batch of batches) {
    for (const r of batch) {
      const table = expected.get(r.objectType)!
      table.set(r.key, { ...(table.get(r.key) ?? {}), ...r.properties })
    }
  }
  return expected
}

export function verifyPortal(portal: Portal, expected: ExpectedRecords, orders: readonly Order[]): Verification {
  let lost = 0
  let duplicated = 0
  let wrongValues = 0
  const differences: Verification['differences'] = []
  for (const type of OBJECT_TYPES) {
    const table = expected.get(type)!
    const seen = new Map<string, number>()
    for (const record of portal.records(type)) {
      const key = record.properties[ID_PROPERTY[type]]
      if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    for (const [key, properties] of table) {
      const count = seen.get(key) ?? 0
      if (count === 0) lost++
      if (count > 1) duplicated += count - 1
      if (count === 0) continue
      const record = portal.findByProperty(type, ID_PROPERTY[type], key)!
      const sent = prepareProperties(type, properties as HubSpotRecord['properties']).properties
      for (const [name, value] of Object.entries(sent)) {
        const stored = record.properties[name] ?? ''
        if (value === '' ? stored !== '' : stored !== value && Number(stored) !== Number(value)) {
          wrongValues++
          if (differences.length < 20) differences.push({ type, key, property: name, expected: value, stored })
        }
      }
    }
  }
  let missingAssociations = 0
  for (const order of orders) {
    const o = portal.findByProperty('orders', 'bc_order_id', String(order.orderId))
    if (!o) continue
    if (portal.associations('orders', o.id, 'contacts').length !== 1) missingAssociations++
    if (portal.associations('orders', o.id, 'line_items').length !== order.lines.length) missingAssociations++
  }
  const lineItemsWithoutProduct = portal.records('line_items').filter((li) => !li.properties.hs_product_id).length
  return { lost, duplicated, wrongValues, differences, missingAssociations, lineItemsWithoutProduct }
}
