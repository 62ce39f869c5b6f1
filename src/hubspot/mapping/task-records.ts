import type { HighValueCartTask } from '../../domain/high-value-cart'
import { hubspotAmount, toMinorUnits, type Amount } from '../../domain/money'
import { toHubSpotDateTime } from '../properties'
import type { HubSpotRecord } from '../records'

/** Items listed in a task's notes; a bigger cart ends with "and N more". */
const MAX_LINES = 20

/**
 * A sales task for a high-value abandoned cart, keyed by the trigger's key (`bc_task_key`), so a replay
 * upserts the same task; associated with the contact (task → contact, type 204).
 */
export function taskRecord(task: HighValueCartTask): HubSpotRecord {
  return {
    objectType: 'tasks',
    key: task.key,
    properties: {
      bc_task_key: task.key,
      hs_timestamp: toHubSpotDateTime(task.dueAt),
      hs_task_subject: `High-value abandoned cart: ${formatMoney(task.value, task.currency)}`,
      hs_task_body: taskBody(task),
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'HIGH',
      hs_task_type: 'TODO',
    },
    associations: [{ toObjectType: 'contacts', toKey: task.email }],
  }
}

/** The notes, as the simple HTML HubSpot shows in a task: value, items, recovery link. */
function taskBody(task: HighValueCartTask): string {
  const items = task.lines.slice(0, MAX_LINES).map((line) => {
    const sku = line.sku ? ` (SKU ${escapeHtml(line.sku)})` : ''
    return `<li>${line.quantity} × ${escapeHtml(line.name)}${sku}</li>`
  })
  if (task.lines.length > MAX_LINES) items.push(`<li>and ${task.lines.length - MAX_LINES} more</li>`)
  const link = task.recoveryUrl
    ? `<p>Recovery link: <a href="${escapeHtml(task.recoveryUrl)}">${escapeHtml(task.recoveryUrl)}</a></p>`
    : '<p>No recovery link is known for this cart.</p>'
  return [
    `<p>Cart ${escapeHtml(task.cartId)} worth ${formatMoney(task.value, task.currency)} was abandoned at ` +
      `${toHubSpotDateTime(task.abandonedAt)} (high-value carts are above ${formatMoney(task.threshold, task.currency)}).</p>`,
    `<ul>${items.join('')}</ul>`,
    link,
  ].join('')
}

/** `$412.00`, `€89.90`; an unknown currency code as `412.00 XYZ`. */
export function formatMoney(value: Amount, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(hubspotAmount(value, currency))
  } catch {
    return `${toMinorUnits(value, currency)} ${currency}`
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
