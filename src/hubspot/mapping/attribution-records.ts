import type { Credit } from '../../domain/attribution'
import type { Email, TouchSummary } from '../../domain/model'
import type { HubSpotRecord, PropertyValue } from '../records'

/**
 * Attribution on HubSpot records (contract section 4): the contact's first and last touch, and the touch an
 * order is credited to. A value we no longer have is written as `''`, which clears the property.
 */
export function contactTouchRecord(email: Email, first: TouchSummary | null, last: TouchSummary | null): HubSpotRecord {
  return {
    objectType: 'contacts',
    key: email,
    properties: { email, ...touchProperties('first', first), ...touchProperties('last', last) },
  }
}

export function orderAttributionRecord(orderId: number, attributed: Pick<Credit, 'channel' | 'source' | 'medium' | 'campaign'>): HubSpotRecord {
  const key = String(orderId)
  return {
    objectType: 'orders',
    key,
    properties: {
      bc_order_id: key,
      bc_attributed_channel: attributed.channel,
      bc_attributed_source: attributed.source ?? '',
      bc_attributed_medium: attributed.medium ?? '',
      bc_attributed_campaign: attributed.campaign ?? '',
    },
  }
}

function touchProperties(which: 'first' | 'last', touch: TouchSummary | null): Record<string, PropertyValue> {
  return {
    [`bc_${which}_touch_channel`]: touch?.channel ?? '',
    [`bc_${which}_touch_source`]: touch?.source ?? '',
    [`bc_${which}_touch_medium`]: touch?.medium ?? '',
    [`bc_${which}_touch_campaign`]: touch?.campaign ?? '',
    [`bc_${which}_touch_at`]: touch ? new Date(touch.at).toISOString() : '',
  }
}
