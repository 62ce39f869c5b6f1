import type { outcomesReport } from '../../admin/outcomes-report'
import type { Part } from '../../admin/sync-status'
import { percent } from './format'

export type OutcomesReport = Awaited<ReturnType<typeof outcomesReport>>

/** Outcomes per trigger family over the last 30 days, beside the playbook's reference ranges. */
export function Outcomes({ part }: { part: Part<OutcomesReport> }) {
  if (!part.ok) {
    return (
      <section class="card wide" id="outcomes">
        <h2>Outcomes</h2>
        <p class="bad">{part.error}</p>
      </section>
    )
  }
  const report = part.value
  const shown = report.families.filter((f) => f.total.fired.count + f.total.heldBack.count > 0 || f.reference)
  return (
    <section class="card wide" id="outcomes">
      <h2>Outcomes (last 30 days)</h2>
      <p class="muted">
        A trigger converts when the contact places a paid order within its family's window. Revenue in {report.currency ?? 'the base currency'}. {report.note}
      </p>
      <table>
        <thead>
          <tr><th>family</th><th>window</th><th>fired</th><th>converted</th><th>held back</th><th>converted</th><th>revenue after firing</th><th>playbook</th></tr>
        </thead>
        <tbody>
          {shown.map((f) => {
            const rate = f.family === 'cart_abandoned' ? (f.total.fired.recoveryRate ?? null) : f.total.fired.conversionRate
            const inRange = f.reference && rate !== null ? rate >= f.reference.low && rate <= f.reference.high : null
            return (
              <tr data-family={f.family}>
                <td>{f.family}</td>
                <td class="num">{f.windowDays} d</td>
                <td class="num">{f.total.fired.count}</td>
                <td class="num">
                  {percent(f.total.fired.conversionRate)}
                  {f.family === 'cart_abandoned' && <span class="muted"> (recovered {percent(f.total.fired.recoveryRate ?? null)})</span>}
                </td>
                <td class="num">{f.total.heldBack.count}</td>
                <td class="num">{percent(f.total.heldBack.conversionRate)}</td>
                <td class="num">{f.total.fired.revenue}</td>
                <td class={inRange === null ? 'muted' : inRange ? 'ok' : 'warn'}>{f.reference?.text ?? '–'}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
