import { Hono } from 'hono'
import { setFamilyMode } from '../../admin/rollout-report'
import { isFamilyMode, isTriggerFamily } from '../../domain/automation/families'
import { ApiError } from '../../http'
import type { AdminEnv } from '../admin/define'
import { noticeLocation } from './notices'
import { guardForm } from './session'

/** `POST /admin/families/{family}` (admin): the rollout panel's mode switch, audited like the API's. */
export const rolloutForms = new Hono<AdminEnv>()

rolloutForms.post('/:family', async (c) => {
  const denied = await guardForm(c, 'admin', 'Sign in again to change a trigger family.')
  if (denied) return denied
  const family = c.req.param('family')
  const mode = (await c.req.parseBody()).mode
  if (!isTriggerFamily(family)) throw new ApiError(400, 'invalid_request', `path.family: unknown trigger family "${family}"`)
  if (typeof mode !== 'string' || !isFamilyMode(mode)) throw new ApiError(400, 'invalid_request', 'mode: must be live, shadow or off')
  await setFamilyMode(c.env.DB, c.get('actor'), family, mode, new Date())
  return c.redirect(noticeLocation('family_mode_changed', { family, mode }), 303)
})
