import type { AttributionRow } from '../../db/attribution-report'
import { add } from '../../domain/money'
import { money } from './format'

export interface ChannelRevenue {
  channel: string
  orders: number
  revenue: string
}

/** The attribution report's rows (channel × source × campaign) summed by channel, largest first. */
export function revenueByChannel(rows: AttributionRow[]): ChannelRevenue[] {
  const byChannel = new Map<string, ChannelRevenue>()
  for (const row of rows) {
    const total = byChannel.get(row.channel) ?? { channel: row.channel, orders: 0, revenue: '0' }
    byChannel.set(row.channel, { ...total, orders: total.orders + row.orders, revenue: add(total.revenue, row.revenue) })
  }
  return [...byChannel.values()].sort((a, b) => Number(b.revenue) - Number(a.revenue))
}

/** Revenue by channel as horizontal bars in inline SVG: no script, no external asset. */
export function RevenueChart(props: { rows: ChannelRevenue[] }) {
  const rows = props.rows
  if (rows.length === 0) return <p class="muted">No paid orders in the last 30 days.</p>
  const max = Math.max(...rows.map((r) => Number(r.revenue)), 1)
  const barHeight = 22
  const labelWidth = 130
  const width = 560
  const barSpace = width - labelWidth - 110
  const height = rows.length * (barHeight + 8)
  return (
    <svg role="img" aria-label="Revenue by channel" viewBox={`0 0 ${width} ${height}`} width="100%" class="chart">
      {rows.map((r, i) => {
        const y = i * (barHeight + 8)
        const w = Math.max(2, (Number(r.revenue) / max) * barSpace)
        return (
          <g data-channel={r.channel}>
            <text x={labelWidth - 8} y={y + 15} text-anchor="end" font-size="12" fill="#1d2430">{r.channel}</text>
            <rect x={labelWidth} y={y} width={w.toFixed(1)} height={barHeight} rx="3" fill="#2f5fd0" />
            <text x={labelWidth + w + 6} y={y + 15} font-size="12" fill="#5b6677">
              {money(r.revenue)} · {r.orders} order{r.orders === 1 ? '' : 's'}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
