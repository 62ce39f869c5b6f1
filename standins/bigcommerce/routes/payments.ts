/**
 * v3 order payment data: refunds (what consumers should read) and transactions (exist as in the real API;
 * consumers must not store them).
 */
import { Hono } from 'hono'
import { noContent, queryDate, queryIntList, searchParams, v3Error, v3Page, within } from '../http'
import { v3Refund, v3Transaction } from '../serialize'
import type { BigCommerceStore } from '../store'

export function paymentsV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get('/orders/payment_actions/refunds', (c) => {
    const params = searchParams(c.req.url)
    const orderIds = queryIntList(params, 'order_id:in')
    const ids = queryIntList(params, 'id:in')
    const createdMin = queryDate(params, 'created:min')
    const createdMax = queryDate(params, 'created:max')
    const refunds = [...store.refunds.values()].filter((r) =>
      (!orderIds || orderIds.includes(r.order_id)) &&
      (!ids || ids.includes(r.id)) &&
      within(r.createdAt, createdMin, createdMax))
    return v3Page(refunds, params, v3Refund)
  })

  app.get('/orders/payment_actions/refunds/:refundId{[0-9]+}', (c) => {
    const refund = store.refunds.get(Number(c.req.param('refundId')))
    return refund ? c.json({ data: v3Refund(refund), meta: {} }) : v3Error(404, 'Refund not found')
  })

  app.get('/orders/:id{[0-9]+}/payment_actions/refunds', (c) => {
    const orderId = Number(c.req.param('id'))
    if (!store.orders.has(orderId)) return v3Error(404, `Order ${orderId} not found`)
    return c.json({ data: (store.orderRefunds.get(orderId) ?? []).map(v3Refund), meta: {} })
  })

  app.get('/orders/:id{[0-9]+}/transactions', (c) => {
    const orderId = Number(c.req.param('id'))
    if (!store.orders.has(orderId)) return v3Error(404, `Order ${orderId} not found`)
    const transactions = store.transactions.get(orderId) ?? []
    return transactions.length ? v3Page(transactions, searchParams(c.req.url), v3Transaction) : noContent()
  })

  return app
}
