import type { Part } from '../../admin/sync-status'
import type { CompaniesReport } from '../../companies/report'
import { when } from './format'

/** B2B Edition companies (BIGCOMMERCE_B2B=on): the biggest by revenue, and the daily reconciliation. */
export function Companies({ part, now }: { part: Part<CompaniesReport>; now: Date }) {
  if (!part.ok) {
    return (
      <section class="card wide" id="companies">
        <h2>Companies (B2B Edition)</h2>
        <p class="bad">{part.error}</p>
      </section>
    )
  }
  const report = part.value
  const r = report.reconciliation
  return (
    <section class="card wide" id="companies">
      <h2>Companies (B2B Edition)</h2>
      <p class="muted">
        {report.total} compan{report.total === 1 ? 'y' : 'ies'} synced as HubSpot companies, with their users' contacts and orders.
        Daily reconciliation: {r.running ? `running (${r.phase})` : r.lastFinishedAt ? `last finished ${when(r.lastFinishedAt, now)}` : 'not run yet'}
        {r.last && `; it found ${r.last.changed} new or changed, ${r.last.deleted} deleted, and wrote ${r.last.written}`}.
      </p>
      {r.lastError && <p class="bad">Last reconciliation error ({when(r.lastError.at, now)}): {r.lastError.message}</p>}
      {report.companies.length === 0 ? (
        <p class="muted">No company yet: they arrive with B2B Edition's webhooks and the daily reconciliation.</p>
      ) : (
        <table>
          <thead>
            <tr><th>company</th><th>status</th><th class="num">users</th><th class="num">paid orders</th><th class="num">revenue ({report.currency ?? 'base'})</th><th>last order</th></tr>
          </thead>
          <tbody>
            {report.companies.map((c) => (
              <tr data-company={c.companyId}>
                <td>{c.name}</td>
                <td><span class={`pill ${c.status === 'approved' ? 'ok' : c.status === 'pending' ? 'warn' : 'muted'}`}>{c.status}</span></td>
                <td class="num">{c.users}</td>
                <td class="num">{c.orderCount}</td>
                <td class="num">{c.lifetimeValue}</td>
                <td>{c.lastOrderAt ? c.lastOrderAt.slice(0, 10) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
