/** Waits `ms` of real time (where a caller takes a `sleep` option, tests pass a simulated one instead). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
