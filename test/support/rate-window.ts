/**
 * The rate limiting binding counts in fixed windows of its period when run locally (Miniflare): a test that
 * counts up to a limit starts early in a window, so the window cannot turn half-way through.
 */
export async function freshRateWindow(periodMs = 60_000, needMs = 40_000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs)
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50))
}
