/**
 * The rate limiting binding counts in fixed windows of its period when run locally (Miniflare's counter resets
 * when `Date.now() / period` changes). A test that counts up to a limit must count within one window: when the
 * window turned during an attempt (with a second's margin, as the limiter reads the clock in its own isolate),
 * the attempt runs again with fresh keys (its round number) instead of the test waiting for a new window.
 */
export async function inOneRateWindow<T>(attempt: (round: number) => Promise<T>, periodMs = 60_000): Promise<T> {
  for (let round = 0; round < 3; round++) {
    const window = Math.floor((Date.now() - 1_000) / periodMs)
    const result = await attempt(round)
    if (Math.floor((Date.now() + 1_000) / periodMs) === window) return result
  }
  throw new Error('the rate limit window turned during three attempts in a row')
}
