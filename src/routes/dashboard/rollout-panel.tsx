import type { RolloutReport } from '../../admin/rollout-report'
import type { Part } from '../../admin/sync-status'
import { FAMILY_MODES } from '../../domain/automation/families'
import { when } from './format'

/**
 * The rollout panel: each trigger family's mode with the evidence to turn it on (how many would have fired in
 * shadow mode over 7 and 14 days), a mode switch for admins, and the fail-safes in force.
 */
const MODE_CLASS = { live: 'ok', shadow: 'warn', off: 'muted' } as const

export function Rollout({ part, canChange, now }: { part: Part<RolloutReport>; canChange: boolean; now: Date }) {
  if (!part.ok) {
    return (
      <section class="card wide" id="rollout">
        <h2>Rollout and fail-safes</h2>
        <p class="bad">Could not read the rollout state: {part.error}</p>
      </section>
    )
  }
  const r = part.value
  return (
    <section class="card wide" id="rollout">
      <h2>Rollout and fail-safes</h2>
      <p class="muted">
        Launch one trigger family at a time: in <b>shadow</b> it is evaluated and recorded without writing to HubSpot;
        watch 7 to 14 days, then turn it <b>live</b> (what was shadowed never fires). <b>Off</b> evaluates nothing.
      </p>
      <table>
        <thead>
          <tr><th>family</th><th>triggers</th><th>mode</th><th class="num">would have fired, 7 days</th><th class="num">14 days</th>{canChange && <th></th>}</tr>
        </thead>
        <tbody>
          {r.families.map((f) => (
            <tr data-family={f.family}>
              <td>{f.family.replace(/_/g, ' ')}</td>
              <td><code>{f.triggers.join(', ')}</code></td>
              <td>
                <span class={`pill ${MODE_CLASS[f.mode]}`}>{f.mode}</span>
                {f.override && f.override !== f.configured && <span class="muted"> (override; configured {f.configured})</span>}
              </td>
              <td class="num">{f.wouldHaveFired.days7}</td>
              <td class="num">{f.wouldHaveFired.days14}</td>
              {canChange && (
                <td>
                  <form method="post" action={`/admin/families/${f.family}`} class="inline-row">
                    <select name="mode" aria-label={`mode of ${f.family}`}>
                      {FAMILY_MODES.map((m) => <option value={m} selected={m === f.mode}>{m}</option>)}
                    </select>
                    <button type="submit">Set</button>
                  </form>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Fail-safes</h3>
      <table>
        <tbody>
          <tr><td>Support escalations</td><td id="support-tickets"><SupportTickets state={r.supportTickets} now={now} /></td></tr>
          <tr>
            <td>Marketplace buyers</td>
            <td>
              {r.marketplace.excludedOrderChannels.length === 0
                ? <span class="muted">off (MARKETING_EXCLUDED_ORDER_CHANNELS=none)</span>
                : `transactional triggers only for buyers whose paid orders all come from ${r.marketplace.excludedOrderChannels.join(', ')}` +
                  (r.marketplace.excludedOrderChannels.includes('marketplace')
                    ? `, and for relay addresses of ${r.marketplace.relayDomains.map((m) => m.marketplace).join(', ')}`
                    : '')}
            </td>
          </tr>
          <tr>
            <td>Review request</td>
            <td>
              {r.reviewRequest.step
                ? `${r.reviewRequest.step} fires only once the first order is fully shipped and nothing was refunded or cancelled; it waits for the shipment at most ${r.reviewRequest.maxWaitDays} days`
                : <span class="muted">off (REVIEW_REQUEST_STEP=off): every post-purchase step is an ordinary one</span>}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  )
}

function SupportTickets({ state, now }: { state: RolloutReport['supportTickets']; now: Date }) {
  if (!state) return <span class="muted">not checked yet (the first check runs within a minute, or at setup)</span>
  if (!state.enabled) return <span class="muted">off (SUPPORT_SUPPRESSION_PRIORITIES=off)</span>
  if (state.available === false) return <span class="bad">suppression by tickets is off: {state.reason}</span>
  const priorities = state.priorities?.matched.join(', ') || state.configured.join(', ')
  return (
    <span>
      <span class="pill ok">on</span> no marketing while a contact has an open ticket of priority {priorities}:{' '}
      {state.tickets} open ticket{state.tickets === 1 ? '' : 's'} on {state.contacts} contact{state.contacts === 1 ? '' : 's'}, checked {when(state.refreshedAt, now)}
      {state.lastError && <span class="warn"> (last check failed: {state.lastError})</span>}
      {state.priorities?.unknown.length ? <span class="warn"> ({state.priorities.unknown.join(', ')} not a priority of this portal)</span> : ''}
    </span>
  )
}
