import type { OrderStatus } from './types'

/** `GET /v2/order_statuses` as the spec's example lists them (id, labels, display order). */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  [0, 'Incomplete', 'An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.', 0],
  [1, 'Pending', 'Customer started the checkout process, but did not complete it.', 1],
  [2, 'Shipped', 'Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.', 8],
  [3, 'Partially Shipped', 'Only some items in the order have been shipped, due to some products being pre-order only or other reasons.', 6],
  [4, 'Refunded', 'Seller has used the Refund action.', 11],
  [5, 'Cancelled', 'Seller has cancelled an order, due to a stock inconsistency or other reasons.', 9],
  [6, 'Declined', 'Seller has marked the order as declined for lack of manual payment, or other reasons.', 10],
  [7, 'Awaiting Payment', 'Customer has completed checkout process, but payment has yet to be confirmed.', 2],
  [8, 'Awaiting Pickup', 'Order has been pulled, and is awaiting customer pickup from a seller-specified location.', 5],
  [9, 'Awaiting Shipment', 'Order has been pulled and packaged, and is awaiting collection from a shipping provider.', 4],
  [10, 'Completed', 'Client has paid for their digital product and their file(s) are available for download.', 7],
  [11, 'Awaiting Fulfillment', 'Customer has completed the checkout process and payment has been confirmed.', 3],
  [12, 'Manual Verification Required', 'Order is on hold while some aspect needs to be manually confirmed.', 13],
  [13, 'Disputed', 'Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.', 12],
  [14, 'Partially Refunded', 'Seller has partially refunded the order.', 14],
].map(([id, name, description, order]) => ({
  id: id as number,
  name: name as string,
  system_label: name as string,
  custom_label: name as string,
  system_description: description as string,
  order: order as number,
}))

/** `payment_status` that goes with each status id. */
export function paymentStatusFor(statusId: number): string {
  switch (statusId) {
    case 0: return ''
    case 1: case 7: return 'pending'
    case 12: return 'held for review'
    case 5: return 'void'
    case 6: return 'declined'
    case 4: return 'refunded'
    case 14: return 'partially refunded'
    default: return 'captured'
  }
}

/** Currencies the stand-in store has enabled, with `currency_id`s and the rate from the base (USD). */
export const CURRENCIES: Readonly<Record<string, { id: number; fromBase: number }>> = {
  USD: { id: 1, fromBase: 1 },
  EUR: { id: 2, fromBase: 0.92 },
  GBP: { id: 3, fromBase: 0.79 },
  CAD: { id: 4, fromBase: 1.36 },
  KWD: { id: 5, fromBase: 0.307 },
  JPY: { id: 6, fromBase: 151 },
}

export const BASE_CURRENCY = 'USD'

export const COUNTRIES: Readonly<Record<string, string>> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  DE: 'Germany',
  FR: 'France',
  IE: 'Ireland',
  NL: 'Netherlands',
  NO: 'Norway',
  AU: 'Australia',
}
