/**
 * Cart redirect URLs as BigCommerce issues them (`POST /v3/carts/{id}/redirect_urls`, `include=redirect_urls`):
 * each issue is a fresh token, "valid for 30 days and may only be used once" (carts.v3.yml). `use` is what the
 * storefront does when a shopper opens one: the first visit restores the cart, any later one is refused.
 */
const VALID_MS = 30 * 86_400_000

export type RedirectUse = { ok: true; cartId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'cart_gone' }

export class RedirectUrls {
  private readonly issued = new Map<string, { cartId: string; issuedAt: number; used: boolean }>()

  constructor(
    private readonly token: () => string,
    private readonly clock: () => number,
  ) {}

  /** `pages`: the cart page of the cart's storefront site and the checkout's (Multi-Storefront: per channel). */
  issue(cartId: string, pages: { cart: string; checkout: string }): { cart_url: string; checkout_url: string; embedded_checkout_url: string } {
    const token = this.token()
    this.issued.set(token, { cartId, issuedAt: this.clock(), used: false })
    return {
      cart_url: `${pages.cart}?action=load&id=${cartId}&token=${token}`,
      checkout_url: `${pages.checkout}?action=loadInCheckout&id=${cartId}&token=${token}`,
      embedded_checkout_url: `${pages.checkout}?embedded=1&action=loadInCheckout&id=${cartId}&token=${token}`,
    }
  }

  /** A visit of an issued URL; `cartExists` tells whether the cart is still there (not converted or deleted). */
  use(url: string, cartExists: (cartId: string) => boolean): RedirectUse {
    const token = new URL(url).searchParams.get('token') ?? ''
    const entry = this.issued.get(token)
    if (!entry) return { ok: false, reason: 'unknown' }
    if (entry.used) return { ok: false, reason: 'used' }
    if (this.clock() - entry.issuedAt > VALID_MS) return { ok: false, reason: 'expired' }
    entry.used = true
    if (!cartExists(entry.cartId)) return { ok: false, reason: 'cart_gone' }
    return { ok: true, cartId: entry.cartId }
  }

  /** How many URLs were issued for a cart (each visit of our recovery link asks for one). */
  issuedFor(cartId: string): number {
    return [...this.issued.values()].filter((e) => e.cartId === cartId).length
  }
}
