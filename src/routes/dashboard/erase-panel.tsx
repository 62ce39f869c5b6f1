import type { ErasureAnswer } from '../../admin/erasure-request'
import { Page } from './layout'

/**
 * The dashboard's erasure request (admin only): the email typed twice as the confirmation, then a page that
 * lists what was removed, counted, under the person's keyed fingerprint (the email is not shown again).
 */
export function ErasePanel() {
  return (
    <section class="card" id="erase">
      <h2>Erase a person</h2>
      <p class="muted">
        For a data subject's erasure request: removes the person from the worker's database, their contact's state and
        the HubSpot writer's queue (and HubSpot's contact with HUBSPOT_ERASE=on). Orders stay as the store's records,
        without the personal link. This cannot be undone.
      </p>
      <form method="post" action="/admin/erase">
        <p><label for="erase-email">Email</label><input id="erase-email" name="email" type="text" autocomplete="off" required /></p>
        <p><label for="erase-confirm">Type the email again to confirm</label><input id="erase-confirm" name="confirm" type="text" autocomplete="off" required /></p>
        <p><input type="submit" value="Erase this person" /></p>
      </form>
    </section>
  )
}

export function renderErasure(result: { ok: true; answer: ErasureAnswer } | { ok: false; message: string }): string {
  const body = result.ok ? <Erased answer={result.answer} /> : <div class="notice bad" role="alert">{result.message}</div>
  return (
    '<!doctype html>' +
    (
      <Page title="Erase a person" nav={<a href="/admin">Dashboard</a>}>
        <section class="card erasure-result" id="erasure-result">
          <h2>Erase a person</h2>
          {body}
          <p><a href="/admin">Back to the dashboard</a></p>
        </section>
      </Page>
    ).toString()
  )
}

function Erased({ answer }: { answer: ErasureAnswer }) {
  const rows: [string, number][] = [
    ...Object.entries(answer.removed.database).map(([table, n]): [string, number] => [`rows in ${table}`, n]),
    ['entries of the contact\'s storage', answer.removed.contactStorage],
    ...Object.entries(answer.removed.hubspotWriter).map(([what, n]): [string, number] => [`HubSpot writer: ${what}`, n]),
  ]
  const hubspot = answer.hubspot.requested
    ? answer.hubspot.deleted
      ? 'HubSpot GDPR-deleted the contact.'
      : `HubSpot did not confirm the GDPR delete (${answer.hubspot.error ?? 'no answer'}): run the erasure again.`
    : answer.hubspot.reason
  return (
    <>
      <div class="notice" role="status">Person <code>{answer.person}</code> erased ({answer.tombstone === 'created' ? 'first request' : 'repeated request'}).</div>
      <table>
        <thead><tr><th>removed</th><th class="num">count</th></tr></thead>
        <tbody>
          {rows.map(([what, n]) => <tr><td>{what}</td><td class="num">{n}</td></tr>)}
        </tbody>
      </table>
      <p>Kept: {answer.kept.ordersUnlinked} order(s) without the personal link, {answer.kept.deadLettersUnlinked} order dead letter(s) without the contact link.</p>
      <p>{hubspot}</p>
    </>
  )
}
