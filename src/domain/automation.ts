/** The automation engine (contract section 4): triggers, governance, and what the contact remembers. */
export { evaluateAutomation } from './automation/evaluate'
export { initialAutomationState } from './automation/state'
export {
  policyFromConfig,
  postPurchaseStepName,
  REVIEW_REQUEST_MAX_WAIT_MS,
  type AutomationPolicy,
} from './automation/policy'
export { TRIGGER_DEFINITIONS } from './automation/definitions'
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
