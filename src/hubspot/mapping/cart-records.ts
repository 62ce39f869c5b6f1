import { hubspotAmount } from '../../domain/money'
import type { CartState } from '../../domain/contact-state'
import type { HubSpotRecord, RecordAssociation } from '../records'
import { channelOf } from './order-records'

/**
 * HubSpot's `hs_external_status` values. A cart BigCommerce deleted without an order (its last item removed)
 * is `emptied`, whether or not we saw it empty first: its deletion may be the only event left to see.
 */
const EXTERNAL_STATUS = { open: 'open', abandoned: 'abandoned', converted: 'converted', emptied: 'emptied', deleted: 'emptied' } as const

/** A cart, keyed by its BigCommerce id; associated with its contact and, once converted, its order. */
export function cartRecord(cart: CartState): HubSpotRecord {
  const associations: RecordAssociation[] = []
  if (cart.email) associations.push({ toObjectType: 'contacts', toKey: cart.email })
  if (cart.status === 'converted' && cart.convertedOrderId !== null) {
    associations.push({ toObjectType: 'orders', toKey: String(cart.convertedOrderId) })
  }
  return {
    objectType: 'carts',
    key: cart.cartId,
    properties: {
      bc_cart_id: cart.cartId,
      hs_cart_name: `Cart ${cart.cartId}`,
      hs_external_cart_id: cart.cartId,
      hs_cart_url: cart.recoveryUrl ?? '',
      hs_total_price: hubspotAmount(cart.amount, cart.currency),
      hs_currency_code: cart.currency,
      hs_external_status: EXTERNAL_STATUS[cart.status],
      // Carts stored before channels were kept belong to the default storefront.
      ...channelOf({ channelId: cart.channelId ?? 1, storefront: cart.storefront }),
    },
    associations,
  }
}
