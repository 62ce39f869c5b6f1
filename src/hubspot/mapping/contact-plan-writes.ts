import type { ContactPlan } from '../../domain/contact-plan'
import type { CustomEventRecord, HubSpotRecord } from '../records'
import { cartRecord } from './cart-records'
import { contactRecord } from './contact-records'
import { customEventRecords } from './custom-event-records'
import { orderRecords } from './order-records'
import { taskRecord } from './task-records'

/**
 * What a planned contact change writes to HubSpot: the contact (with the triggers that fired), the orders and
 * carts it touched, the sales tasks of its high-value abandoned carts, and the fired triggers as custom events.
 */
export function contactPlanWrites(plan: ContactPlan): { records: HubSpotRecord[]; events: CustomEventRecord[] } {
  const { email } = plan.state
  return {
    records: [
      contactRecord(plan.summary, plan.fired),
      // Associated with this contact: an order or cart of an email linked to this person's is the person's.
      ...plan.orders.flatMap((order) => orderRecords({ ...order, email })),
      ...plan.carts.map((cart) => cartRecord({ ...cart, email })),
      ...plan.tasks.map((task) => taskRecord(task)),
    ],
    events: customEventRecords(email, plan.fired),
  }
}
