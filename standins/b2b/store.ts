/**
 * The B2B Edition stand-in's state: companies, their users (each a customer of the linked BigCommerce stand-in)
 * and addresses, with the mutations a merchant, a buyer or an integration makes. As in the BigCommerce
 * stand-in, each mutation returns the webhook events B2B Edition emits for it (bigcommerce/docs
 * `docs/integrations/webhooks/events/b2b-edition.mdx`), delivered through the BigCommerce store's hooks:
 *
 *   createCompany        store/company/created (+ the admin's store/customer/created when a customer is new)
 *   bulkCreateCompanies  none for companies: "this webhook does not fire when ... Bulk Create Companies is used"
 *   updateCompany        store/company/updated
 *   setCompanyStatus     store/company/statusUpdated + store/company/updated ("Activity status" is among its fields)
 *   deleteCompany        store/company/deleted
 *   createUser / updateUser / deleteUser        store/company/user/created|updated|deleted ({company_id, user_id})
 *   createAddress / updateAddress / deleteAddress  store/company/address/created|updated|deleted ({company_id, address_id})
 *
 * What B2B Edition refuses is refused here with a `B2BError` carrying its status and body (the routes send it).
 */
import type { BigCommerceStore, StoreEvent } from '../bigcommerce'

/** Companies' status codes (company.yaml "Company Status Codes"): 0 pending, 1 approved, 2 rejected, 3 inactive. */
export type CompanyStatusCode = 0 | 1 | 2 | 3

export interface CustomerGroup {
  id: number
  name: string
  /** The price list the group's buyers see: B2B Edition reports it as the company's catalog. */
  priceList: { id: number; name: string } | null
}

export interface StoredCompany {
  companyId: number
  companyName: string
  companyEmail: string
  companyPhone: string
  companyStatus: CompanyStatusCode
  customerGroupId: number
  uuid: string
  /** The legal address given on creation; the v3 response schema does not return it. */
  legalAddress: { addressLine1: string; addressLine2: string; city: string; state: string; country: string; zipCode: string }
  createdAt: number
  updatedAt: number
}

export interface StoredUser {
  id: number
  companyId: number
  customerId: number
  email: string
  firstName: string
  lastName: string
  phoneNumber: string
  role: 0 | 1 | 2
  channelIds: number[]
  createdAt: number
  updatedAt: number
}

export interface StoredAddress {
  addressId: number
  companyId: number
  firstName: string
  lastName: string
  phoneNumber: string
  addressLine1: string
  addressLine2: string
  city: string
  stateName: string
  stateCode: string
  countryName: string
  countryCode: string
  zipCode: string
  isBilling: boolean
  isShipping: boolean
  isDefaultBilling: boolean
  isDefaultShipping: boolean
  label: string
}

/** A refusal as B2B Edition answers it: `{code, data, meta: {message}}` with this status. */
export class B2BError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message)
  }

  body(): { code: number; data: Record<string, unknown>; meta: { message: string } } {
    return { code: this.status, data: this.data, meta: { message: this.message } }
  }
}

export interface Mutation<T> {
  value: T
  events: StoreEvent[]
}

export interface CompanyInput {
  companyName?: unknown
  companyEmail?: unknown
  companyPhone?: unknown
  country?: unknown
  state?: unknown
  city?: unknown
  addressLine1?: unknown
  addressLine2?: unknown
  zipCode?: unknown
  adminFirstName?: unknown
  adminLastName?: unknown
  adminEmail?: unknown
  adminPhoneNumber?: unknown
  customerGroupId?: unknown
  /** Not in the create schema (a new company starts approved when made by the API); the seed and tests set it. */
  companyStatus?: unknown
}

export interface UserInput {
  companyId?: unknown
  email?: unknown
  firstName?: unknown
  lastName?: unknown
  phoneNumber?: unknown
  role?: unknown
  channelIds?: unknown
}

export type AddressInput = Partial<Record<keyof Omit<StoredAddress, 'addressId'>, unknown>>

/** The bulk endpoints take at most this many records (company.yaml, user.yaml: "up to 10"). */
export const BULK_LIMIT = 10

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

export class B2BStore {
  readonly companies = new Map<number, StoredCompany>()
  readonly users = new Map<number, StoredUser>()
  readonly addresses = new Map<number, StoredAddress>()
  readonly customerGroups = new Map<number, CustomerGroup>([
    [1, { id: 1, name: 'Wholesale', priceList: { id: 11, name: 'Wholesale prices' } }],
    [2, { id: 2, name: 'Distributors', priceList: { id: 12, name: 'Distributor prices' } }],
  ])
  private next = { company: 501, user: 9001, address: 7001 }

  constructor(
    readonly bigcommerce: BigCommerceStore,
    readonly clock: () => number,
  ) {}

  private seconds(): number {
    return Math.floor(this.clock() / 1000)
  }

  requireCompany(id: number): StoredCompany {
    const company = this.companies.get(id)
    if (!company) throw new B2BError(404, 'This resource is not found.')
    return company
  }

  requireUser(id: number): StoredUser {
    const user = this.users.get(id)
    if (!user) throw new B2BError(404, 'Not Found Error', { errMsg: 'User matching query does not exist.' })
    return user
  }

  requireAddress(id: number): StoredAddress {
    const address = this.addresses.get(id)
    if (!address) throw new B2BError(404, 'Not Found Error', { errMsg: 'Address matching query does not exist.' })
    return address
  }

  usersOf(companyId: number): StoredUser[] {
    return [...this.users.values()].filter((u) => u.companyId === companyId)
  }

  // ── Companies ──────────────────────────────────────────────────────────────────────────────────────

  /** `POST /companies`: the company and its admin user (a new or linked BigCommerce customer). */
  createCompany(input: CompanyInput): Mutation<{ company: StoredCompany; admin: StoredUser }> {
    const { company, admin, events } = this.makeCompany(input)
    return { value: { company, admin }, events: [...events, { scope: 'store/company/created', data: { company_id: company.companyId } }] }
  }

  /** `POST /companies/bulk`: up to 10; B2B Edition sends no company webhook for them. */
  bulkCreateCompanies(inputs: CompanyInput[]): Mutation<StoredCompany[]> {
    if (inputs.length > BULK_LIMIT) throw new B2BError(413, 'Request Entity Too Large')
    // All or nothing: every input is checked before any is created.
    inputs.forEach((input) => this.checkCompany(input))
    const made = inputs.map((input) => this.makeCompany(input))
    return { value: made.map((m) => m.company), events: made.flatMap((m) => m.events) }
  }

  private checkCompany(input: CompanyInput): void {
    // company.yaml: companyName, companyPhone, companyEmail, country, adminFirstName, adminLastName, adminEmail.
    const required: [keyof CompanyInput, string][] = [
      ['companyName', 'The company name is required.'],
      ['companyPhone', 'The company phone is required.'],
      ['companyEmail', 'The company email is required.'],
      ['country', 'The country is required.'],
      ['adminFirstName', 'The admin first name is required.'],
      ['adminLastName', 'The admin last name is required.'],
      ['adminEmail', 'The admin email is required.'],
    ]
    for (const [field, message] of required) if (!text(input[field])) throw new B2BError(422, message)
    if (text(input.companyName).length > 200) throw new B2BError(422, 'The company name may have at most 200 characters.')
    if (!EMAIL.test(text(input.companyEmail))) throw new B2BError(422, 'The company email is not a valid email address.')
    if (!EMAIL.test(text(input.adminEmail))) throw new B2BError(422, 'The admin email is not a valid email address.')
    if (this.userByEmail(text(input.adminEmail))) {
      throw new B2BError(422, 'Processing data contains logical errors', { errMsg: `Email already exists. ['${text(input.adminEmail)}']` })
    }
    if (input.customerGroupId !== undefined && input.customerGroupId !== 0 && !this.customerGroups.has(Number(input.customerGroupId))) {
      throw new B2BError(422, 'The customer group does not exist.')
    }
    if (input.companyStatus !== undefined && ![0, 1, 2, 3].includes(Number(input.companyStatus))) {
      throw new B2BError(422, `"${String(input.companyStatus)}" is not a valid choice.`)
    }
  }

  private makeCompany(input: CompanyInput): { company: StoredCompany; admin: StoredUser; events: StoreEvent[] } {
    this.checkCompany(input)
    const now = this.seconds()
    const company: StoredCompany = {
      companyId: this.next.company++,
      companyName: text(input.companyName),
      companyEmail: text(input.companyEmail),
      companyPhone: text(input.companyPhone),
      companyStatus: (input.companyStatus === undefined ? 1 : Number(input.companyStatus)) as CompanyStatusCode,
      customerGroupId: input.customerGroupId === undefined ? 1 : Number(input.customerGroupId),
      uuid: '',
      legalAddress: {
        addressLine1: text(input.addressLine1),
        addressLine2: text(input.addressLine2),
        city: text(input.city),
        state: text(input.state),
        country: text(input.country),
        zipCode: text(input.zipCode),
      },
      createdAt: now,
      updatedAt: now,
    }
    this.companies.set(company.companyId, company)
    const { user: admin, events } = this.makeUser(company.companyId, {
      email: input.adminEmail,
      firstName: input.adminFirstName,
      lastName: input.adminLastName,
      phoneNumber: input.adminPhoneNumber,
      role: 0,
      channelIds: [1],
    })
    return { company, admin, events }
  }

  updateCompany(id: number, patch: CompanyInput): Mutation<StoredCompany> {
    const company = this.requireCompany(id)
    if (patch.companyName !== undefined && !text(patch.companyName)) throw new B2BError(422, 'The company name is required.')
    if (patch.companyEmail !== undefined && !EMAIL.test(text(patch.companyEmail))) {
      throw new B2BError(422, 'The company email is not a valid email address.')
    }
    if (patch.customerGroupId !== undefined && patch.customerGroupId !== 0 && !this.customerGroups.has(Number(patch.customerGroupId))) {
      throw new B2BError(422, 'The customer group does not exist.')
    }
    if (patch.companyName !== undefined) company.companyName = text(patch.companyName)
    if (patch.companyEmail !== undefined) company.companyEmail = text(patch.companyEmail)
    if (patch.companyPhone !== undefined) company.companyPhone = text(patch.companyPhone)
    if (patch.customerGroupId !== undefined) company.customerGroupId = Number(patch.customerGroupId)
    for (const field of ['addressLine1', 'addressLine2', 'city', 'state', 'country', 'zipCode'] as const) {
      if (patch[field] !== undefined) company.legalAddress[field] = text(patch[field])
    }
    company.updatedAt = this.seconds()
    return { value: company, events: [{ scope: 'store/company/updated', data: { company_id: id } }] }
  }

  setCompanyStatus(id: number, status: unknown): Mutation<StoredCompany> {
    const company = this.requireCompany(id)
    const code = Number(status)
    if (status === undefined || status === null || ![0, 1, 2, 3].includes(code)) {
      throw new B2BError(422, 'Parameter Error', { errMsg: { companyStatus: [`"${String(status)}" is not a valid choice.`] } })
    }
    company.companyStatus = code as CompanyStatusCode
    company.updatedAt = this.seconds()
    return {
      value: company,
      events: [
        { scope: 'store/company/statusUpdated', data: { company_id: id } },
        { scope: 'store/company/updated', data: { company_id: id } },
      ],
    }
  }

  /** The company, its users (their BigCommerce customers stay) and its addresses. */
  deleteCompany(id: number): Mutation<StoredCompany> {
    const company = this.requireCompany(id)
    this.companies.delete(id)
    for (const user of this.usersOf(id)) this.users.delete(user.id)
    for (const address of this.addresses.values()) if (address.companyId === id) this.addresses.delete(address.addressId)
    return { value: company, events: [{ scope: 'store/company/deleted', data: { company_id: id } }] }
  }

  // ── Users ──────────────────────────────────────────────────────────────────────────────────────────

  userByEmail(email: string): StoredUser | undefined {
    const wanted = email.trim().toLowerCase()
    return [...this.users.values()].find((u) => u.email.toLowerCase() === wanted)
  }

  /** `POST /users`: a company user; B2B Edition creates (or links, by email) its BigCommerce customer. */
  createUser(input: UserInput): Mutation<StoredUser> {
    this.checkUser(input)
    const companyId = Number(input.companyId)
    const { user, events } = this.makeUser(companyId, input)
    return { value: user, events: [...events, { scope: 'store/company/user/created', data: { company_id: companyId, user_id: user.id } }] }
  }

  /** `POST /users/bulk`: up to 10, all or nothing. */
  bulkCreateUsers(inputs: UserInput[]): Mutation<StoredUser[]> {
    if (inputs.length > BULK_LIMIT) throw new B2BError(413, 'Request Entity Too Large', { errMsg: 'Add up to ten data at a time' })
    inputs.forEach((input) => this.checkUser(input))
    const made = inputs.map((input) => this.createUser(input))
    return { value: made.map((m) => m.value), events: made.flatMap((m) => m.events) }
  }

  private checkUser(input: UserInput): void {
    // user.yaml userPost: firstName, lastName, email, companyId, role and channelIds are required.
    const missing: Record<string, string[]> = {}
    for (const field of ['firstName', 'lastName', 'email', 'companyId'] as const) {
      if (input[field] === undefined || input[field] === null || input[field] === '') missing[field] = ['This field may not be null.']
    }
    if (Object.keys(missing).length) throw new B2BError(422, 'Parameter Error', { errMsg: missing })
    if (input.role === undefined) throw new B2BError(422, 'Parameter Error', { errMsg: { non_field_errors: ['User must have a role.'] } })
    if (![0, 1, 2].includes(Number(input.role))) {
      throw new B2BError(422, 'Parameter Error', { errMsg: { role: [`"${String(input.role)}" is not a valid choice`] } })
    }
    if (!EMAIL.test(text(input.email))) throw new B2BError(422, 'Parameter Error', { errMsg: { email: ['Email is not correct.'] } })
    if (!Array.isArray(input.channelIds) || input.channelIds.length === 0) {
      throw new B2BError(422, 'Processing data contains logical errors', {
        errMsg: 'At least one B2B storefront needs to be enabled for a Company user.',
      })
    }
    this.requireCompany(Number(input.companyId))
    if (this.userByEmail(text(input.email))) {
      throw new B2BError(422, 'Processing data contains logical errors', { errMsg: `Email already exists. ['${text(input.email)}']` })
    }
  }

  private makeUser(companyId: number, input: UserInput): { user: StoredUser; events: StoreEvent[] } {
    this.checkUser({ ...input, companyId })
    const email = text(input.email)
    const events: StoreEvent[] = []
    let customer = this.bigcommerce.customerByEmail(email)
    if (!customer) {
      const created = this.bigcommerce.createCustomer({
        email,
        firstName: text(input.firstName),
        lastName: text(input.lastName),
        phone: text(input.phoneNumber),
        company: this.companies.get(companyId)?.companyName ?? '',
        customerGroupId: this.companies.get(companyId)?.customerGroupId ?? 0,
        address: false,
      })
      customer = created.value
      events.push(...created.events)
    }
    const now = this.seconds()
    const user: StoredUser = {
      id: this.next.user++,
      companyId,
      customerId: customer.id,
      email,
      firstName: text(input.firstName),
      lastName: text(input.lastName),
      phoneNumber: text(input.phoneNumber),
      role: Number(input.role) as 0 | 1 | 2,
      channelIds: (input.channelIds as number[]).map(Number),
      createdAt: now,
      updatedAt: now,
    }
    this.users.set(user.id, user)
    return { user, events }
  }

  updateUser(id: number, patch: UserInput): Mutation<StoredUser> {
    const user = this.requireUser(id)
    if (patch.companyId !== undefined && Number(patch.companyId) !== user.companyId) {
      throw new B2BError(422, 'Parameter Error', { errMsg: { companyId: ['This field is read-only.'] } })
    }
    if (patch.email !== undefined) {
      if (!EMAIL.test(text(patch.email))) throw new B2BError(422, 'Parameter Error', { errMsg: { email: ['Enter a valid email address.'] } })
      const other = this.userByEmail(text(patch.email))
      if (other && other.id !== id) {
        throw new B2BError(422, 'Processing data contains logical errors', { errMsg: `Email already exists. ['${text(patch.email)}']` })
      }
      user.email = text(patch.email)
    }
    if (patch.role !== undefined) {
      if (![0, 1, 2].includes(Number(patch.role))) {
        throw new B2BError(422, 'Parameter Error', { errMsg: { role: [`The value "${String(patch.role)}" is not a valid role.`] } })
      }
      user.role = Number(patch.role) as 0 | 1 | 2
    }
    if (patch.firstName !== undefined) user.firstName = text(patch.firstName)
    if (patch.lastName !== undefined) user.lastName = text(patch.lastName)
    if (patch.phoneNumber !== undefined) user.phoneNumber = text(patch.phoneNumber)
    user.updatedAt = this.seconds()
    return { value: user, events: [{ scope: 'store/company/user/updated', data: { company_id: user.companyId, user_id: id } }] }
  }

  /** The BigCommerce customer stays; the last user of a company cannot be deleted (user.yaml). */
  deleteUser(id: number): Mutation<StoredUser> {
    const user = this.requireUser(id)
    if (this.usersOf(user.companyId).length === 1) {
      throw new B2BError(422, 'Processing data contains logical errors', { errMsg: 'The last user in company can not be deleted.' })
    }
    this.users.delete(id)
    return { value: user, events: [{ scope: 'store/company/user/deleted', data: { company_id: user.companyId, user_id: id } }] }
  }

  // ── Addresses ──────────────────────────────────────────────────────────────────────────────────────

  createAddress(input: AddressInput): Mutation<StoredAddress> {
    // address.yaml "Create a Company Address": firstName, lastName, addressLine1, city, stateName, countryName, companyId.
    const missing: Record<string, string[]> = {}
    for (const field of ['firstName', 'lastName', 'addressLine1', 'city', 'countryName', 'companyId'] as const) {
      if (input[field] === undefined || input[field] === null || input[field] === '') missing[field] = ['This field may not be null.']
    }
    if (Object.keys(missing).length) throw new B2BError(422, 'Parameter Error', { errMsg: missing })
    const companyId = Number(input.companyId)
    this.requireCompany(companyId)
    const address: StoredAddress = {
      addressId: this.next.address++,
      companyId,
      firstName: text(input.firstName),
      lastName: text(input.lastName),
      phoneNumber: text(input.phoneNumber),
      addressLine1: text(input.addressLine1),
      addressLine2: text(input.addressLine2),
      city: text(input.city),
      stateName: text(input.stateName),
      stateCode: text(input.stateCode),
      countryName: text(input.countryName),
      countryCode: text(input.countryCode),
      zipCode: text(input.zipCode),
      isBilling: input.isBilling === true,
      isShipping: input.isShipping === true,
      isDefaultBilling: false,
      isDefaultShipping: false,
      label: text(input.label),
    }
    this.applyDefaults(address, input)
    this.addresses.set(address.addressId, address)
    return { value: address, events: [{ scope: 'store/company/address/created', data: { company_id: companyId, address_id: address.addressId } }] }
  }

  updateAddress(id: number, patch: AddressInput): Mutation<StoredAddress> {
    const address = this.requireAddress(id)
    for (const field of ['firstName', 'lastName', 'phoneNumber', 'addressLine1', 'addressLine2', 'city', 'stateName', 'stateCode',
      'countryName', 'countryCode', 'zipCode', 'label'] as const) {
      if (patch[field] !== undefined) address[field] = text(patch[field])
    }
    if (patch.isBilling !== undefined) address.isBilling = patch.isBilling === true
    if (patch.isShipping !== undefined) address.isShipping = patch.isShipping === true
    this.applyDefaults(address, patch)
    return { value: address, events: [{ scope: 'store/company/address/updated', data: { company_id: address.companyId, address_id: id } }] }
  }

  /**
   * A default needs its kind: "you must include `isBilling` or `isShipping` to change the value of
   * `isDefaultBilling` or `isDefaultShipping`" (address.yaml); one default of each kind per company.
   */
  private applyDefaults(address: StoredAddress, input: AddressInput): void {
    for (const [defaultField, kindField] of [['isDefaultBilling', 'isBilling'], ['isDefaultShipping', 'isShipping']] as const) {
      if (input[defaultField] === undefined) continue
      if (input[kindField] === undefined) {
        throw new B2BError(422, 'Processing data contains logical errors', { errMsg: 'Check is default fields and corresponding field.' })
      }
      address[defaultField] = input[defaultField] === true && address[kindField]
      if (address[defaultField]) {
        for (const other of this.addresses.values()) {
          if (other.companyId === address.companyId && other.addressId !== address.addressId) other[defaultField] = false
        }
      }
    }
  }

  deleteAddress(id: number): Mutation<StoredAddress> {
    const address = this.requireAddress(id)
    this.addresses.delete(id)
    return { value: address, events: [{ scope: 'store/company/address/deleted', data: { company_id: address.companyId, address_id: id } }] }
  }
}
