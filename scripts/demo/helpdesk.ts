/**
 * A support desk for the demo: now and then a customer who is in HubSpot opens a ticket (of a random priority,
 * in an open stage of the default support pipeline) and agents close open ones. HIGH and URGENT tickets hold
 * that customer's marketing back once the worker's escalation check has seen them (every 5 minutes).
 */
import type { Portal } from '../../standins/hubspot'
import { createRandom } from '../../standins/shared/prng'

const PRIORITIES = [['LOW', 3], ['MEDIUM', 3], ['HIGH', 2], ['URGENT', 1]] as const
const SUBJECTS = ['Parcel arrived damaged', 'Wrong size delivered', 'Where is my order?', 'Refund not received', 'Discount code did not apply']

export class DemoHelpdesk {
  private readonly random = createRandom(7)
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly portal: Portal,
    private readonly log: (line: string) => void,
  ) {}

  start(intervalMs = 20_000): void {
    this.timer = setInterval(() => this.tick(), intervalMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private tick(): void {
    const now = Date.now()
    const open = this.portal.records('tickets').filter((t) => t.properties.hs_pipeline_stage !== '4')
    if (open.length > 0 && this.random.chance(0.3)) {
      const ticket = this.random.pick(open)
      this.portal.write(ticket, { hs_pipeline_stage: '4', closed_date: new Date(now).toISOString() }, now)
      this.log(`ticket ${ticket.id} closed`)
      return
    }
    const contacts = this.portal.records('contacts')
    if (contacts.length === 0) return
    const contact = this.random.pick(contacts)
    const priority = this.random.weighted(PRIORITIES)
    const ticket = this.portal.insert('tickets', {
      subject: this.random.pick(SUBJECTS),
      hs_pipeline: '0',
      hs_pipeline_stage: this.random.pick(['1', '2', '3']),
      hs_ticket_priority: priority,
    }, now)
    this.portal.associateDefault('tickets', ticket.id, 'contacts', contact.id)
    this.log(`ticket ${ticket.id} (${priority}) opened by ${contact.properties.email}`)
  }
}
