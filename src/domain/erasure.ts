import type { Cart, Customer, IsoDate, Order, Subscriber } from './model'

/**
 * After an erasure, which records start a new relationship with the person (contract section 3): a new order, a
 * new cart, a customer account created since, a newsletter sign-up since. History from before the erasure (a
 * backfill, a replay, a late webhook) does not bring them back. `erasedAt` is the tombstone's time (ISO).
 */
export const startsAfterErasure = {
  order: (order: Pick<Order, 'createdAt'>, erasedAt: IsoDate) => order.createdAt > erasedAt,
  cart: (cart: Pick<Cart, 'createdAt'>, erasedAt: IsoDate) => cart.createdAt > erasedAt,
  customer: (customer: Pick<Customer, 'createdAt'>, erasedAt: IsoDate) => customer.createdAt > erasedAt,
  subscriber: (subscriber: Pick<Subscriber, 'newsletter' | 'modifiedAt'>, erasedAt: IsoDate) =>
    subscriber.newsletter && subscriber.modifiedAt > erasedAt,
}
