/** The automation engine (contract section 4): triggers, governance, and what the contact remembers. */
export { evaluateAutomation, type AutomationInput, type AutomationResult } from './automation/evaluate'
export { initialAutomationState } from './automation/state'
export type { AutomationState, CapEntry, DeferredTrigger, HandledOutcome, PaidOrderMemory } from './automation/state'
export {
  policyFromConfig,
  postPurchaseStepName,
  REVIEW_REQUEST_MAX_WAIT_MS,
  type AutomationPolicy,
  type AutomationSettings,
} from './automation/policy'
export { TRIGGER_DEFINITIONS, type TriggerDefinition, type TriggerKind } from './automation/definitions'
export {
  FAMILY_MODES,
  FAMILY_OF,
  TRIGGER_FAMILIES,
  allLive,
  isFamilyMode,
  isTriggerFamily,
  parseFamilyModes,
  triggersOf,
  withFamilyOverrides,
  type FamilyMode,
  type FamilyModes,
  type TriggerFamily,
} from './automation/families'
