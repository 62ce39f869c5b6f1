import { TRIGGERS, type Trigger } from '../domain/model'
import type { EventDefinitionCreateBody } from './models'
import { propertyDefinition, TRIGGER_COMPANIONS } from './properties'

/**
 * The custom event definitions setup creates when HUBSPOT_CUSTOM_EVENTS is on: one per trigger, named
 * `bc_<trigger>`, on contacts, carrying the trigger's key and its companion values. HubSpot names each one
 * `pe{portalId}_bc_<trigger>`; occurrences are sent under that fully qualified name.
 */
export interface EventPropertyDefinition {
  name: string
  label: string
  type: 'string' | 'number'
}

export interface EventDefinition extends EventDefinitionCreateBody {
  name: string
  description: string
  primaryObject: 'CONTACT'
  propertyDefinitions: EventPropertyDefinition[]
}

/** `bc_<trigger>`: the event's short name. */
export function eventName(trigger: Trigger): string {
  return `bc_${trigger}`
}

function definitionOf(trigger: Trigger): EventDefinition {
  const words = trigger.replace(/_/g, ' ')
  return {
    name: eventName(trigger),
    label: `BigCommerce ${words}`,
    description: `Sent when the ${words} trigger fires (the same moment bc_${trigger}_at is set)`,
    primaryObject: 'CONTACT',
    // HubSpot's default event properties (page, browser, location) describe a visit; a trigger sent by the
    // worker has none of them.
    includeDefaultProperties: false,
    propertyDefinitions: [
      { name: 'bc_trigger_key', label: 'Trigger key', type: 'string' },
      ...TRIGGER_COMPANIONS[trigger].map((name) => {
        const definition = propertyDefinition('contacts', name)
        return {
          name,
          label: definition?.label ?? name,
          type: definition?.type === 'number' ? ('number' as const) : ('string' as const),
        }
      }),
    ],
  }
}

export const EVENT_DEFINITIONS: EventDefinition[] = TRIGGERS.map(definitionOf)
