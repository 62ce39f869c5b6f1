import { Hono } from 'hono'
import { mergeDuplicateGroup } from '../../admin/duplicate-review'
import { ApiError } from '../../http'
import { noticeLocation } from './notices'
import type { AdminEnv } from '../admin/define'
import { guardForm } from './session'

/** `POST /admin/duplicates/{group}/merge` (operator): the quality panel's approval, audited like the API's. */
export const duplicateForms = new Hono<AdminEnv>()

duplicateForms.post('/:group/merge', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to merge duplicates.')
  if (denied) return denied
  const group = c.req.param('group')
  if (!/^[0-9a-f]{16}$/.test(group)) throw new ApiError(400, 'invalid_request', 'path.group: must be a group id from the duplicate review')
  const maxPhoneGroup = c.get('config').DUPLICATE_PHONE_MAX_GROUP
  const outcome = await mergeDuplicateGroup(c.env, c.get('actor'), { group, maxPhoneGroup }, new Date())
  // No email in the redirect: URLs end up in logs.
  const notice = outcome.ok ? noticeLocation('duplicates_merged', { contacts: String(outcome.linked.length + 1) }) : noticeLocation('duplicates_not_found')
  return c.redirect(`${notice}#duplicates`, 303)
})
