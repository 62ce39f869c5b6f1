import { ERROR_CLASSES } from '../../admin/dead-letter-replay'
import type { PauseView } from '../../admin/pauses'
import type { SyncStatus } from '../../admin/sync-status'
import { when } from './format'

/** The dashboard's operator controls: paused processing and its resume, and the dead letters' bulk replay. */

const API_NAMES = { bigcommerce: 'BigCommerce', hubspot: 'HubSpot' } as const

export function Pauses({ pauses, canResume, now }: { pauses: SyncStatus['pauses']; canResume: boolean; now: Date }) {
  if ('error' in pauses) return <p class="muted">Could not read paused processing: {pauses.error}</p>
  const paused = (Object.entries(pauses) as [keyof typeof API_NAMES, PauseView][]).filter(([, view]) => view.paused)
  if (!paused.length) return null
  return (
    <div id="pauses">
      {paused.map(([api, view]) => (
        <div class="notice bad" data-paused={api}>
          <b>{view.message}</b>
          <div class="muted">
            {view.cause === 'auth'
              ? `${API_NAMES[api]} refuses the token or a scope: fix it, then resume. `
              : `${API_NAMES[api]} is failing. `}
            Nothing is lost: events wait without spending retries.{' '}
            {view.nextProbeAt && `Next check ${when(view.nextProbeAt, now)} (${view.nextProbeAt.slice(11, 16)} UTC); it resumes by itself once a call succeeds.`}
            {view.lastProbeResult && ` Last check: ${view.lastProbeResult}`}
          </div>
          {canResume ? (
            <form method="post" action={`/admin/pauses/${api}/resume`} class="resume">
              <button type="submit">Resume {API_NAMES[api]} now</button>
            </form>
          ) : (
            <span class="muted">the operator role resumes</span>
          )}
        </div>
      ))}
    </div>
  )
}

/** Replays (or counts) every open dead letter of a kind, error class and time range at once. */
export function BulkReplay() {
  return (
    <form method="post" action="/admin/dead-letters/replay" id="bulk-replay" class="filters">
      <label>kind<br />
        <select name="kind">
          <option value="">any</option>
          <option value="webhook">BigCommerce events</option>
          <option value="hubspot">HubSpot records</option>
        </select>
      </label>
      <label>error class<br />
        <select name="errorClass">
          <option value="">any</option>
          {ERROR_CLASSES.map((c) => <option value={c}>{c.replace(/_/g, ' ')}</option>)}
        </select>
      </label>
      <label>from (UTC)<br /><input type="datetime-local" name="from" /></label>
      <label>to (UTC)<br /><input type="datetime-local" name="to" /></label>
      <button type="submit" name="action" value="count">Count</button>
      <button type="submit" name="action" value="replay">Replay all matching</button>
    </form>
  )
}
