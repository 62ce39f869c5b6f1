/**
 * HubSpot request bodies as HubSpot's official Node client (`@hubspot/api-client`, generated from HubSpot's
 * own API definitions) declares them, so the compiler refuses a body that lacks a required field or misspells
 * one. Type-only imports of the client's model declarations: nothing of the client reaches the bundle (it
 * would not run in a Worker anyway). `Wire<T>` turns a model class into the JSON HubSpot reads: enum members
 * become their string values, dates ISO strings, and the client's renamed keys (`_from`, `_new`) their wire
 * names.
 */
import type { BatchInputPublicDefaultAssociationMultiPost } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/BatchInputPublicDefaultAssociationMultiPost'
import type { BatchResponsePublicDefaultAssociation } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/BatchResponsePublicDefaultAssociation'
import type { ListCreateRequest } from '@hubspot/api-client/lib/codegen/crm/lists/models/ListCreateRequest'
import type { ListFilterUpdateRequest } from '@hubspot/api-client/lib/codegen/crm/lists/models/ListFilterUpdateRequest'
import type { ListSearchRequest } from '@hubspot/api-client/lib/codegen/crm/lists/models/ListSearchRequest'
import type { PublicAndFilterBranch } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicAndFilterBranch'
import type { PublicEnumerationPropertyOperation } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicEnumerationPropertyOperation'
import type { PublicIndexedTimePoint } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicIndexedTimePoint'
import type { PublicNumberPropertyOperation } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicNumberPropertyOperation'
import type { PublicOrFilterBranch } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicOrFilterBranch'
import type { PublicPropertyFilter } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicPropertyFilter'
import type { PublicRangedTimeOperation } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicRangedTimeOperation'
import type { PublicStringPropertyOperation } from '@hubspot/api-client/lib/codegen/crm/lists/models/PublicStringPropertyOperation'
import type { PublicMergeInput } from '@hubspot/api-client/lib/codegen/crm/contacts/models/PublicMergeInput'
import type { BatchInputSimplePublicObjectBatchInput } from '@hubspot/api-client/lib/codegen/crm/objects/models/BatchInputSimplePublicObjectBatchInput'
import type { BatchInputSimplePublicObjectBatchInputUpsert } from '@hubspot/api-client/lib/codegen/crm/objects/models/BatchInputSimplePublicObjectBatchInputUpsert'
import type { BatchReadInputSimplePublicObjectId } from '@hubspot/api-client/lib/codegen/crm/objects/models/BatchReadInputSimplePublicObjectId'
import type { PublicGdprDeleteInput } from '@hubspot/api-client/lib/codegen/crm/contacts/models/PublicGdprDeleteInput'
import type { BatchInputPropertyCreate } from '@hubspot/api-client/lib/codegen/crm/properties/models/BatchInputPropertyCreate'
import type { PropertyCreate } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate'
import type { PropertyGroupCreate } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyGroupCreate'
import type { BehavioralEventHttpCompletionRequest } from '@hubspot/api-client/lib/codegen/events/send/models/BehavioralEventHttpCompletionRequest'

/** The client renames JSON keys that are reserved words in its generator; on the wire they keep their names. */
type WireKey<K> = K extends '_from' ? 'from' : K extends '_new' ? 'new' : K

/** A model as JSON: string enums → their values, Date → ISO string, nested models likewise. */
export type Wire<T> = T extends string
  ? `${T}`
  : T extends Date
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T as WireKey<K>]: Wire<T[K]> }
        : T

/** `POST /crm/v3/objects/{type}/batch/upsert`. */
export type BatchUpsertBody = Wire<BatchInputSimplePublicObjectBatchInputUpsert>
/** One result of a batch upsert (`objectWriteTraceId` comes back on the result of the input that carried it). */
/** `POST /crm/v3/objects/{type}/batch/update`. */
export type BatchUpdateBody = Wire<BatchInputSimplePublicObjectBatchInput>
/** `POST /crm/v3/objects/{type}/batch/read`. */
export type BatchReadBody = Wire<BatchReadInputSimplePublicObjectId>
/** `POST /crm/v3/objects/contacts/gdpr-delete`. */
export type GdprDeleteBody = Wire<PublicGdprDeleteInput>

/** `POST /crm/v3/objects/contacts/merge`: both ids required, as strings. */
export type ContactMergeBody = Wire<PublicMergeInput>

/** `POST /crm/v4/associations/{from}/{to}/batch/associate/default`. */
export type AssociateDefaultBody = Wire<BatchInputPublicDefaultAssociationMultiPost>
/** Its answer: a 200 whose `errors` and `numErrors` name the pairs that failed. */
export type AssociateDefaultResponse = Wire<BatchResponsePublicDefaultAssociation>

/** `POST /crm/v3/properties/{type}/batch/create` and one of its inputs. */
export type PropertyCreateBody = Wire<BatchInputPropertyCreate>
export type PropertyCreateInput = Wire<PropertyCreate>
/** `POST /crm/v3/properties/{type}/groups`. */
export type PropertyGroupCreateBody = Wire<PropertyGroupCreate>

/** Lists v3. */
export type ListCreateBody = Wire<ListCreateRequest>
export type ListFilterUpdateBody = Wire<ListFilterUpdateRequest>
/**
 * `POST /crm/v3/lists/search`: HubSpot's reference requires `offset` and `additionalProperties` (the Node
 * model marks them optional; the API answers 400 without them).
 */
export type ListSearchBody = Wire<ListSearchRequest> & Required<Pick<Wire<ListSearchRequest>, 'offset' | 'additionalProperties'>>
export type ListPropertyFilterModel = Wire<PublicPropertyFilter>
export type ListAndBranchModel = Wire<PublicAndFilterBranch>
export type ListOrBranchModel = Wire<PublicOrFilterBranch>
export type NumberOperationModel = Wire<PublicNumberPropertyOperation>
export type EnumerationOperationModel = Wire<PublicEnumerationPropertyOperation>
export type StringOperationModel = Wire<PublicStringPropertyOperation>
/** A `TIME_RANGED` operation: `type` is required besides `operationType`. */
export type RangedTimeOperationModel = Wire<PublicRangedTimeOperation>
export type IndexedTimePointModel = Wire<PublicIndexedTimePoint>

/** `POST /events/v3/send`. */
export type EventSendBody = Wire<BehavioralEventHttpCompletionRequest>

/**
 * `POST /events/v3/event-definitions`. The Node client has no model for event definitions; this follows
 * HubSpot's reference (and its generated SDKs): `label`, `propertyDefinitions` and `includeDefaultProperties`
 * are required; each property needs `name`, `label` and `type`.
 */
export interface EventDefinitionCreateBody {
  label: string
  name?: string
  description?: string
  primaryObject?: string
  includeDefaultProperties: boolean
  propertyDefinitions: { name: string; label: string; type: 'string' | 'number' | 'enumeration' | 'datetime' | 'bool'; description?: string }[]
}

/**
 * An event definition as `GET /events/v3/event-definitions?includeProperties=true` (and the create call)
 * answers: its properties are `properties[]` (custom and, with `includeDefaultProperties`, HubSpot's own).
 */
export interface EventDefinitionModel {
  name: string
  fullyQualifiedName: string
  label?: string
  properties?: { name: string; type?: string; label?: string }[]
}
