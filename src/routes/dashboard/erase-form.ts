import { Hono } from 'hono'
import { eraseAudited } from '../../admin/erasure-request'
import { normalizeEmail } from '../../domain/identity-keys'
import type { AdminEnv } from '../admin/define'
import { renderErasure } from './erase-panel'
import { guardForm } from './session'

/** `POST /admin/erase` (admin): the dashboard's erase form, audited like `POST /admin/api/erase`. */
export const eraseForm = new Hono<AdminEnv>()

eraseForm.post('/', async (c) => {
  const denied = await guardForm(c, 'admin', 'Sign in again to erase a person.')
  if (denied) return denied
  c.header('Cache-Control', 'no-store')
  const form = await c.req.parseBody()
  const email = typeof form.email === 'string' ? form.email : ''
  const confirm = typeof form.confirm === 'string' ? form.confirm : ''
  if (!normalizeEmail(email) || normalizeEmail(email) !== normalizeEmail(confirm)) {
    return c.html(renderErasure({ ok: false, message: 'The two emails must be the same email address: nothing was erased.' }), 400)
  }
  const outcome = await eraseAudited(c.env, c.get('config'), c.get('actor'), email, new Date())
  if (!outcome.ok) return c.html(renderErasure({ ok: false, message: outcome.message }), outcome.status)
  return c.html(renderErasure({ ok: true, answer: outcome.answer }))
})
