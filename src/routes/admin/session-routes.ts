import { z } from 'zod'
import { openSessions, revokeSessionAudited } from '../../admin/dashboard-sessions'
import { ApiError } from '../../http'
import { route, type AdminRoute } from './define'

/** `/admin/api/sessions`: the dashboard's server-side sessions, listed and revoked by an admin. */
const sessionId = z.string().regex(/^[0-9a-f]{64}$/, 'a session id is 64 hex characters')

export const SESSION_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/sessions',
    role: 'admin',
    summary: 'Open dashboard sessions',
    description:
      'Sessions a browser could use now: role, the keyed fingerprint of the token that signed in, when it was created ' +
      'and last used, when it ends (30 minutes idle, 12 hours at most) and the browser. The id is a hash of the ' +
      'session secret, which only the browser holds.',
    success: { status: 200, description: '`{"sessions": [...]}`, newest first' },
    async handler(c) {
      return c.json({ sessions: await openSessions(c.env.DB, Date.now()) })
    },
  }),
  route({
    method: 'post',
    path: '/sessions/{id}/revoke',
    role: 'admin',
    summary: 'Revoke a dashboard session',
    description: 'Ends the session on the server: its cookie is refused from the next request on. Audited (session.revoke).',
    params: z.object({ id: sessionId }),
    audit: 'session.revoke',
    errors: { 404: 'No open session has that id' },
    success: { status: 200, description: '`{"revoked": true}`' },
    async handler(c, { params }) {
      const revoked = await revokeSessionAudited(c.env.DB, c.get('actor'), params.id, new Date())
      if (!revoked) throw new ApiError(404, 'not_found', `no open session ${params.id}`)
      return c.json({ revoked })
    },
  }),
]
