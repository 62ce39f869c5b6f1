import { z } from 'zod'
import { rolloutReport, setFamilyMode } from '../../admin/rollout-report'
import { FAMILY_MODES, TRIGGER_FAMILIES } from '../../domain/automation/families'
import { route, type AdminRoute } from './define'

/** `/admin/api/rollout`: trigger families by mode with their shadow evidence, and the fail-safes in force. */
export const ROLLOUT_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/rollout',
    role: 'viewer',
    summary: 'Trigger families and fail-safes',
    description:
      'Per trigger family: the configured mode (TRIGGER_FAMILIES), an admin override, the mode that applies, and how ' +
      'many of its triggers would have fired in shadow mode over the last 7 and 14 days. Also whether suppression by ' +
      'support tickets is on (the last ticket search), the excluded order channels and marketplace relay domains, and ' +
      'the review request step.',
    success: { status: 200, description: 'The rollout report' },
    async handler(c) {
      return c.json(await rolloutReport(c.env, c.get('config'), new Date()))
    },
  }),
  route({
    method: 'put',
    path: '/rollout/{family}',
    role: 'admin',
    summary: 'Set one trigger family’s mode',
    description:
      'Overrides one family’s mode (live, shadow or off) in the configuration overrides, keeping the rest; the same ' +
      'as a PUT of /overrides with `triggerFamilies`. Switching from shadow to live fires none of what was shadowed. ' +
      'Takes effect within a minute (contacts cache the overrides). Audited (overrides.update).',
    params: z.object({ family: z.enum(TRIGGER_FAMILIES) }),
    body: z.object({ mode: z.enum(FAMILY_MODES) }).strict(),
    audit: 'overrides.update',
    success: { status: 200, description: 'The overrides now in force' },
    async handler(c, { params, body }) {
      return c.json(await setFamilyMode(c.env.DB, c.get('actor'), params.family, body.mode, new Date()))
    },
  }),
]
