/**
 * A resource BigCommerce returned that cannot become part of the model (an order with no email at all).
 * Retrying won't help: the caller records it and moves on.
 */
export class UnusableResourceError extends Error {
  override readonly name = 'UnusableResourceError'
  readonly retryable = false

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
