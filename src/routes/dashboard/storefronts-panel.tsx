import type { storefrontsReport } from '../../admin/storefronts-report'
import type { Part } from '../../admin/sync-status'
import { when } from './format'

export type StorefrontsReport = Awaited<ReturnType<typeof storefrontsReport>>

/** The store's storefronts (Multi-Storefront): site, whether its hits are accepted, currencies, 30 days of sales. */
export function Storefronts({ part, now }: { part: Part<StorefrontsReport>; now: Date }) {
  if (!part.ok) {
    return (
      <section class="card wide" id="storefronts">
        <h2>Storefronts</h2>
        <p class="bad">{part.error}</p>
      </section>
    )
  }
  const report = part.value
  const rows = [...report.storefronts, ...report.otherChannels]
  return (
    <section class="card wide" id="storefronts">
      <h2>Storefronts and channels</h2>
      <p class="muted">
        Read from BigCommerce {when(report.syncedAt, now)} (setup, a daily sync and channel webhooks). Beacon hits are accepted from
        every live storefront's site. Paid orders and revenue ({report.currency ?? 'base currency'}) over the last 30 days.
      </p>
      {rows.length === 0 ? (
        <p class="muted">No channels read yet: run setup.</p>
      ) : (
        <table>
          <thead>
            <tr><th>id</th><th>name</th><th>type</th><th>status</th><th>site</th><th>beacon</th><th>currencies</th><th>orders</th><th>revenue</th></tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr data-storefront={String(s.id)}>
                <td class="num">{s.id}</td>
                <td>{s.name}</td>
                <td>{s.type} <span class="muted">{s.platform}</span></td>
                <td>{s.status}</td>
                <td>{s.siteUrl ?? <span class="muted">–</span>}</td>
                <td class={s.live ? 'ok' : 'muted'}>{s.live ? 'accepted' : '–'}</td>
                <td>{s.currencies.join(', ') || '–'}</td>
                <td class="num">{s.orders}</td>
                <td class="num">{s.revenue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
