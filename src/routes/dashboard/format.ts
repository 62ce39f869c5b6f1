/** Display formatting for the dashboard: plain words and units a marketing operator reads at a glance. */
export function percent(value: number | null, digits = 1): string {
  return value === null ? '–' : `${(value * 100).toFixed(digits)}%`
}

export function duration(ms: number | null): string {
  if (ms === null) return '–'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

export function money(value: string | number): string {
  const n = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(value)
}

export function when(iso: string | null | undefined, now: Date): string {
  if (!iso) return 'never'
  const ms = now.getTime() - Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  if (ms < 0) return iso.replace('T', ' ').slice(0, 16)
  if (ms < 60_000) return 'just now'
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`
  return iso.slice(0, 10)
}

/** met: true → ok, false → bad, null (nothing measured) → muted. */
export function verdict(met: boolean | null): { cls: string; text: string } {
  return met === null ? { cls: 'muted', text: 'no data yet' } : met ? { cls: 'ok', text: 'on target' } : { cls: 'bad', text: 'off target' }
}
