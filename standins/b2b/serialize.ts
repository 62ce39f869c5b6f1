/**
 * Resources as B2B Edition's REST Management API v3 returns them (bigcommerce/docs `docs/b2b-edition/specs/
 * api-v3/company/company.yaml` companyData_RESPONSE, `user/user.yaml` userResponse, `address/address.yaml`
 * addressFields_GET), with the spec's own inconsistencies kept: on one company `bcGroupId` and `catalogId` are
 * strings and `companyStatus` a string code, in the list `bcGroupId` is an integer; timestamps are Unix seconds
 * (strings on companies, integers on users). Company answers carry no address: the response schema has none.
 */
import type { B2BStore, StoredAddress, StoredCompany, StoredUser } from './store'

export function companyJson(store: B2BStore, company: StoredCompany, inList: boolean) {
  const group = store.customerGroups.get(company.customerGroupId)
  return {
    companyId: company.companyId,
    companyName: company.companyName,
    companyEmail: company.companyEmail,
    companyPhone: company.companyPhone,
    companyStatus: String(company.companyStatus),
    bcGroupId: inList ? (group?.id ?? 0) : String(group?.id ?? ''),
    bcGroupName: group?.name ?? '',
    catalogId: group?.priceList ? String(group.priceList.id) : '',
    catalogName: group?.priceList?.name ?? '',
    parentCompany: { id: null, name: null },
    priceListAssign: [],
    extraFields: [],
    uuid: company.uuid,
    updatedAt: String(company.updatedAt),
    createdAt: String(company.createdAt),
  }
}

export function userJson(store: B2BStore, user: StoredUser) {
  const channels = store.bigcommerce.channels
  return {
    id: user.id,
    companyId: user.companyId,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    phoneNumber: user.phoneNumber,
    role: user.role,
    customerId: user.customerId,
    uuid: '',
    extraFields: [],
    companyRoleName: ['Admin', 'Senior Buyer', 'Junior Buyer'][user.role],
    channelList: user.channelIds.map((channelId) => ({
      channelId,
      channelName: channels.get(channelId)?.name ?? `Channel ${channelId}`,
      iconUrl: 'https://s3.amazonaws.com/bc-channel-platform/channel-icons/bigcommerce.svg',
    })),
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  }
}

export function addressJson(address: StoredAddress) {
  const { addressId, companyId, ...fields } = address
  return { addressId, ...fields, companyId, externalId: '', extraFields: [] }
}
