/**
 * The OAuth scopes of the BigCommerce API account (store-level) the worker's calls need, as BigCommerce's
 * published specs name them (`securitySchemes` of each file in the specs). One list for the README and
 * `npm run check:live`.
 */
export const BIGCOMMERCE_SCOPES: readonly { ui: string; permission: 'read-only' | 'modify'; scope: string; why: string }[] = [
  { ui: 'Orders', permission: 'read-only', scope: 'store_v2_orders_read_only', why: 'orders, their line items, shipments, coupons and refunds; order webhooks' },
  { ui: 'Customers', permission: 'read-only', scope: 'store_v2_customers_read_only', why: 'customers and newsletter subscribers; their webhooks' },
  { ui: 'Products', permission: 'read-only', scope: 'store_v2_products_read_only', why: 'the catalog (products, variants, categories, brands); product and SKU webhooks' },
  { ui: 'Channel Settings', permission: 'read-only', scope: 'store_channel_settings_read_only', why: "order channels (storefront, marketplace, POS...); every channel's name, status and currencies (Multi-Storefront)" },
  { ui: 'Sites & Routes', permission: 'read-only', scope: 'store_sites_read_only', why: "each storefront's site: the beacon's allowed origins, order links, the cart page a spent recovery link lands on" },
  { ui: 'Carts', permission: 'modify', scope: 'store_cart', why: 'read carts and create a fresh redirect URL at each visit of a recovery link' },
  { ui: 'Information & Settings', permission: 'read-only', scope: 'store_v2_information_read_only', why: 'abandoned-cart tokens of store/cart/abandoned' },
]
