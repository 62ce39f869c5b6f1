/**
 * The storefront script served at GET /beacon.js. Readable source below; it is minified once at module load
 * (comments and indentation dropped, lines kept so automatic semicolon insertion cannot change its meaning)
 * and the endpoint is filled in per origin. No dependencies, no build step.
 *
 * In the page: `<script async src="https://<worker>/beacon.js"></script>`, optionally with
 * `data-customer-id`, `data-email`, `data-cart-id`, `data-product-id` (e.g. from Stencil's `{{customer.id}}`,
 * `{{product.id}}`), or `window.bcBeaconContext = {customerId, email, cartId, productId}` set before it.
 * It reads the cart id (and the cart's customer and email) from BigCommerce's Storefront Cart API unless
 * `data-cart-api="off"`. API: `bcBeacon.identify({email, customerId, cartId})`, `bcBeacon.productView(id)`,
 * `bcBeacon.optOut()`, `bcBeacon.optIn()`.
 */
const SOURCE = String.raw`
(function (w, d, n) {
  'use strict'
  if (w.bcBeacon) return
  var ENDPOINT = '__ENDPOINT__'
  var ID = 'bcb_aid', OPT = 'bcb_optout', SENT = 'bcb_sent'
  var script = d.currentScript
  var ctx = w.bcBeaconContext || {}

  function attr(name) {
    var v = script && script.getAttribute('data-' + name)
    return v ? v : null
  }
  function getItem(k) {
    try { return w.localStorage.getItem(k) } catch (e) { return null }
  }
  function setItem(k, v) {
    try { w.localStorage.setItem(k, v) } catch (e) {}
  }
  function getCookie(k) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + k + '=([^;]*)'))
    return m ? decodeURIComponent(m[1]) : null
  }
  function setCookie(k, v, age) {
    d.cookie = k + '=' + encodeURIComponent(v) + ';path=/;max-age=' + age + ';samesite=lax' +
      (location.protocol === 'https:' ? ';secure' : '')
  }
  // Do Not Track, Global Privacy Control and the store's opt-out all mean: send nothing, keep no id.
  function blocked() {
    return n.globalPrivacyControl === true || n.doNotTrack === '1' || w.doNotTrack === '1' ||
      getItem(OPT) === '1' || getCookie(OPT) === '1'
  }
  function randomId() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID()
    var b = new Uint8Array(16)
    crypto.getRandomValues(b)
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1) }).join('')
  }
  function anonymousId() {
    var id = getItem(ID) || getCookie(ID)
    if (!id) id = randomId()
    setItem(ID, id)
    setCookie(ID, id, 63072000)
    return id
  }
  function sentIdentity() {
    try { return JSON.parse(getItem(SENT) || '{}') } catch (e) { return {} }
  }
  function send(fields) {
    if (blocked()) return false
    var hit = { anonymousId: anonymousId(), url: location.href, occurredAt: new Date().toISOString() }
    if (d.referrer) hit.referrer = d.referrer
    for (var k in fields) if (fields[k] != null) hit[k] = fields[k]
    var body = JSON.stringify(hit)
    // text/plain is CORS-safelisted: no preflight for either transport.
    try {
      if (n.sendBeacon && n.sendBeacon(ENDPOINT, new Blob([body], { type: 'text/plain' }))) return true
    } catch (e) {}
    try {
      fetch(ENDPOINT, { method: 'POST', body: body, keepalive: true, credentials: 'omit',
        headers: { 'Content-Type': 'text/plain' } })
    } catch (e) {}
    return true
  }
  // Only identity the server has not been sent from this browser yet.
  function newIdentity(who) {
    var sent = sentIdentity(), out = {}, any = false
    if (who.cartId && String(who.cartId) !== sent.cartId) { out.cartId = sent.cartId = String(who.cartId); any = true }
    if (who.customerId && Number(who.customerId) > 0 && Number(who.customerId) !== sent.customerId) {
      out.customerId = sent.customerId = Number(who.customerId); any = true
    }
    if (who.email && String(who.email).indexOf('@') > 0 && String(who.email).trim().toLowerCase() !== sent.email) {
      out.email = sent.email = String(who.email).trim().toLowerCase(); any = true
    }
    return any ? { fields: out, sent: sent } : null
  }
  function identify(who) {
    var fresh = newIdentity(who || {})
    if (fresh && send(fresh.fields)) setItem(SENT, JSON.stringify(fresh.sent))
  }
  function productView(id) {
    var productId = Number(id)
    if (productId > 0) send({ productId: productId })
  }

  var landing = newIdentity({
    cartId: ctx.cartId || attr('cart-id'),
    customerId: ctx.customerId || attr('customer-id'),
    email: ctx.email || attr('email')
  })
  var fields = landing ? landing.fields : {}
  var pid = Number(ctx.productId || attr('product-id') ||
    (d.querySelector('[data-bc-product-id]') || { getAttribute: function () { return null } }).getAttribute('data-bc-product-id'))
  if (pid > 0) fields.productId = pid
  if (send(fields) && landing) setItem(SENT, JSON.stringify(landing.sent))

  if (attr('cart-api') !== 'off' && !blocked() && w.fetch) {
    fetch('/api/storefront/carts', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : [] })
      .then(function (carts) {
        var cart = carts && carts[0]
        if (cart) identify({ cartId: cart.id, customerId: cart.customerId, email: cart.email })
      })
      .catch(function () {})
  }

  w.bcBeacon = {
    identify: identify,
    productView: productView,
    optOut: function () {
      setItem(OPT, '1')
      setCookie(OPT, '1', 63072000)
      try { w.localStorage.removeItem(ID); w.localStorage.removeItem(SENT) } catch (e) {}
      setCookie(ID, '', 0)
    },
    optIn: function () {
      try { w.localStorage.removeItem(OPT) } catch (e) {}
      setCookie(OPT, '', 0)
    }
  }
})(window, document, navigator)
`

/** Comment lines and indentation go; every statement keeps its own line, so the meaning cannot change. */
export function minify(source: string): string {
  return source
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .join('\n')
}

const MINIFIED = minify(SOURCE)

/** The script for a worker at `origin`: hits go to `${origin}/beacon`. */
export function beaconScript(origin: string): string {
  return MINIFIED.replace('__ENDPOINT__', `${origin}/beacon`)
}
