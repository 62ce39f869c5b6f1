/** The automation engine (contract section 4): triggers, governance, and what the contact remembers. */
export { evaluateAutomation, type AutomationInput, type AutomationResult } from './automation/evaluate'
export { initialAutomationState } from './automation/state'
export type { AutomationState, CapEntry, DeferredTrigger, HandledOutcome, PaidOrderMemory } from './automation/state'
export { policyFromConfig, postPurchaseStepName, type AutomationPolicy, type AutomationSettings } from './automation/policy'
export { TRIGGER_DEFINITIONS, type TriggerDefinition, type TriggerKind } from './automation/definitions'
