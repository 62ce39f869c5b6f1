/**
 * Support escalations (contract section 4): while a contact has an open HubSpot ticket of a priority in
 * `SUPPORT_SUPPRESSION_PRIORITIES`, no marketing trigger reaches them. The tickets are read from HubSpot
 * elsewhere and handed to the rules as plain data.
 */
export interface SupportTicket {
  ticketId: string
  /** The `hs_ticket_priority` value, as the portal spells it. */
  priority: string
  subject: string | null
  /** The label of the pipeline stage it is in (a stage whose `ticketState` is OPEN). */
  stage: string | null
}

/** Why marketing is held back by the contact's open escalated tickets, naming them, or null when none. */
export function supportEscalationReason(tickets: readonly SupportTicket[] | null | undefined): string | null {
  if (!tickets || tickets.length === 0) return null
  const sorted = [...tickets].sort((a, b) => Number(a.ticketId) - Number(b.ticketId) || a.ticketId.localeCompare(b.ticketId))
  const [first] = sorted
  const subject = first.subject ? ` "${first.subject}"` : ''
  const stage = first.stage ? `, ${first.stage}` : ''
  const more = sorted.length > 1 ? ` and ${sorted.length - 1} more (${sorted.slice(1).map((t) => t.ticketId).join(', ')})` : ''
  return `open support ticket ${first.ticketId}${subject} (priority ${first.priority}${stage})${more}: ` +
    'no marketing while it is open (SUPPORT_SUPPRESSION_PRIORITIES)'
}
