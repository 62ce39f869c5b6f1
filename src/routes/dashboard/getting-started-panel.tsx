import type { SetupChecklist } from '../../admin/getting-started'

/** Getting started: each step of the installation, done or with what to do next. */
export function GettingStarted({ checklist }: { checklist: SetupChecklist }) {
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
    </section>
  )
}
