/**
 * The storefront script served at GET /beacon.js. Readable source below; it is minified once at module load
 * (comments and indentation dropped, lines kept so automatic semicolon insertion cannot change its meaning)
 * and the endpoint and app client id are filled in per worker. No dependencies, no build step.
 *
 * In the page: `<script async src="https://<worker>/beacon.js"></script>`, optionally with `data-cart-id`,
 * `data-product-id` (e.g. Stencil's `{{product.id}}`), or `window.bcBeaconContext = {cartId, productId}` set
 * before it. It reads the cart id from BigCommerce's Storefront Cart API unless `data-cart-api="off"`, and,
 * when the worker has BIGCOMMERCE_APP_CLIENT_ID, the signed-in shopper's Current Customer token from
 * `/customer/current.jwt` (same origin; a guest gets 404) unless `data-customer-token="off"`. The worker
 * verifies the token; an email or customer id in a hit is ignored. API: `bcBeacon.identify({cartId})`,
 * `bcBeacon.productView(id)`, `bcBeacon.optOut()`, `bcBeacon.optIn()`.
 */
const SOURCE = String.raw`
(function (w, d, n) {
  'use strict'
  if (w.bcBeacon) return
  var ENDPOINT = '__ENDPOINT__', APP = '__APP_CLIENT_ID__'
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
  // Only a cart the server has not been sent from this browser yet.
  function newIdentity(who) {
    var sent = sentIdentity()
    if (!who.cartId || String(who.cartId) === sent.cartId) return null
    sent.cartId = String(who.cartId)
    return { fields: { cartId: sent.cartId }, sent: sent }
  }
  function identify(who) {
    var fresh = newIdentity(who || {})
    if (fresh && send(fresh.fields)) setItem(SENT, JSON.stringify(fresh.sent))
  }
  // The customer a Current Customer token names (its payload, unverified here: only to skip re-sending).
  function tokenCustomer(jwt) {
    try {
      var part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
      return JSON.parse(atob(part)).customer.id
    } catch (e) { return null }
  }
  function customerToken(jwt) {
    var sent = sentIdentity(), who = tokenCustomer(jwt)
    if (who != null && who === sent.customer) return
    sent.customer = who
    if (send({ customerToken: jwt })) setItem(SENT, JSON.stringify(sent))
  }
  function productView(id) {
    var productId = Number(id)
    if (productId > 0) send({ productId: productId })
  }

  var landing = newIdentity({ cartId: ctx.cartId || attr('cart-id') })
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
        if (cart) identify({ cartId: cart.id })
      })
      .catch(function () {})
  }
  if (APP && attr('customer-token') !== 'off' && !blocked() && w.fetch) {
    fetch('/customer/current.jwt?app_client_id=' + encodeURIComponent(APP), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : '' })
      .then(function (jwt) { if (jwt) customerToken(jwt.trim()) })
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

/**
 * The script for a worker at `origin`: hits go to `${origin}/beacon`; with an app client id it also sends the
 * signed-in shopper's Current Customer token. Both are quoted into a string literal (JSON, no quote breaks out).
 */
export function beaconScript(origin: string, appClientId: string | null): string {
  const literal = (text: string) => JSON.stringify(text).slice(1, -1).replace(/'/g, "\\'")
  return MINIFIED.replace('__ENDPOINT__', literal(`${origin}/beacon`)).replace('__APP_CLIENT_ID__', literal(appClientId ?? ''))
}
