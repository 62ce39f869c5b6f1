import type { SessionView } from '../../admin/dashboard-sessions'
import { when } from './format'

export interface SessionsPart {
  /** The session of the admin looking at the page. */
  current: string
  open: SessionView[]
}

/** Open dashboard sessions (admins only): who signed in, when, last seen, and a revoke button each. */
export function Sessions({ part, now }: { part: SessionsPart; now: Date }) {
  return (
    <section class="card wide" id="sessions">
      <h2>Dashboard sessions</h2>
      <p class="muted">Signed-in browsers. A session ends after 30 minutes idle or 12 hours, on sign-out, or when revoked here.</p>
      <table>
        <thead><tr><th>role</th><th>token</th><th>signed in</th><th>last used</th><th>browser</th><th></th></tr></thead>
        <tbody>
          {part.open.map((s) => (
            <tr data-session={s.id}>
              <td>{s.role}</td>
              <td><code>{s.fingerprint}</code></td>
              <td>{when(s.createdAt, now)}</td>
              <td>{when(s.lastUsedAt, now)}</td>
              <td class="muted">{s.userAgent ?? ''}</td>
              <td>
                {s.id === part.current ? (
                  <span class="muted">this browser</span>
                ) : (
                  <form method="post" action={`/admin/sessions/${s.id}/revoke`} class="inline" data-confirm="Revoke this session? Its browser is signed out.">
                    <button type="submit">Revoke</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
