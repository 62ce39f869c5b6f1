import type { SetupChecklist } from '../../admin/getting-started'
import type { LiveCheckReport } from '../../admin/live-check-report'

const LEVEL = { pass: ['ok', '✓'], warn: ['warn', '!'], fail: ['bad', '✗'] } as const

/**
 * Getting started: each step of the installation, done or with what to do next; below, the deploy checks of
 * `npm run check:live` (the last run, and a button to run them again).
 */
export function GettingStarted({ checklist, liveChecks }: { checklist: SetupChecklist; liveChecks: LiveCheckReport | null | { error: string } }) {
  return (
    <section class="card wide" id="getting-started">
      <h2>
        Getting started{' '}
        <span class={`pill ${checklist.complete ? 'ok' : 'warn'}`}>{checklist.complete ? 'complete' : `${checklist.checks.filter((c) => !c.done).length} to do`}</span>
      </h2>
      <table>
        <tbody>
          {checklist.checks.map((c) => (
            <tr data-check={c.id}>
              <td class={c.done ? 'ok' : 'warn'}>{c.done ? '✓' : '○'}</td>
              <td>{c.label}</td>
              <td>{c.detail}{c.next && <div class="muted">Next: {c.next}</div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 id="deploy-checks">
        Deploy checks{' '}
        {liveChecks && !('error' in liveChecks) && (
          <span class={`pill ${liveChecks.blockers ? 'warn' : 'ok'}`}>{liveChecks.blockers ? `${liveChecks.blockers} blocker(s)` : 'no blocker'}</span>
        )}
      </h3>
      <p class="muted">
        The checks of <code>npm run check:live</code> against this portal and store
        {liveChecks && !('error' in liveChecks) ? `, last run ${liveChecks.ranAt}` : ''}.
      </p>
      {liveChecks && 'error' in liveChecks && <p class="muted">Could not read the last run: {liveChecks.error}</p>}
      {liveChecks && !('error' in liveChecks) && (
        <table>
          <tbody>
            {liveChecks.checks.map((c) => (
              <tr data-live-check={c.id}>
                <td class={LEVEL[c.level][0]}>{LEVEL[c.level][1]}</td>
                <td>{c.platform}</td>
                <td>{c.label}</td>
                <td>{c.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/admin/live-checks" class="inline">
        <button type="submit">Run the deploy checks</button>
      </form>
    </section>
  )
}
