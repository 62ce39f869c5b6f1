import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { plantContacts, signIn, type TestRole } from '../../support/admin'
import { callWorker, freshWorld } from '../../support/worker'

/** The dashboard's erase form: admins only, the email typed twice, an answer that counts what went. */
const EMAIL = 'form.erase@example.com'
const page = async (role: TestRole) => callWorker(new Request('https://worker.example.com/admin', { headers: { cookie: await signIn(role) } }))

async function post(role: TestRole, fields: Record<string, string>, origin = 'https://worker.example.com') {
  return callWorker(
    new Request('https://worker.example.com/admin/erase', {
      method: 'POST',
      headers: { cookie: await signIn(role), origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }),
  )
}

async function contactRows(): Promise<number> {
  return (await env.DB.prepare('SELECT count(*) AS n FROM contacts WHERE email = ?').bind(EMAIL).first<{ n: number }>())!.n
}

describe('the dashboard erase form', () => {
  beforeEach(async () => {
    await freshWorld()
    await plantContacts([{ email: EMAIL }])
  })

  it('is shown to admins only, and refuses operators and cross-origin posts', async () => {
    expect(await (await page('operator')).text()).not.toContain('id="erase"')
    expect(await (await page('admin')).text()).toContain('action="/admin/erase"')
    expect((await post('operator', { email: EMAIL, confirm: EMAIL })).status).toBe(403)
    expect((await post('admin', { email: EMAIL, confirm: EMAIL }, 'https://evil.example')).status).toBe(403)
    expect(await contactRows()).toBe(1)
  })

  it('erases nothing unless the email is typed twice the same', async () => {
    const res = await post('admin', { email: EMAIL, confirm: 'form.erase@example.org' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('nothing was erased')
    expect(await contactRows()).toBe(1)
  })

  it('erases, and answers what was removed, counted, without showing the email again', async () => {
    const res = await post('admin', { email: EMAIL, confirm: ` ${EMAIL.toUpperCase()} ` })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toMatch(/Person <code>[0-9a-f]{16}<\/code> erased/)
    expect(html).toMatch(/rows in contacts<\/td><td class="num">1</)
    expect(html).not.toContain(EMAIL)
    expect(await contactRows()).toBe(0)
  })
})
