import type { duplicateReview } from '../../admin/duplicate-review'
import type { QualityReport } from '../../admin/quality-report'
import type { Part } from '../../admin/sync-status'
import { money, percent, verdict } from './format'

export type DuplicateReview = Awaited<ReturnType<typeof duplicateReview>>

const REASON = { shared_phone: 'same phone', email_variant: 'same email, spelled differently', shared_customer_id: 'same customer id' } as const

/**
 * Inside the quality panel: the duplicate rate per month by the playbook's definition, and the groups to review,
 * each with why its contacts are one person and, for operators, the approval that merges them.
 */
export function Duplicates({ rate, review, canMerge }: { rate: QualityReport['duplicateRate']; review: Part<DuplicateReview>; canMerge: boolean }) {
  return (
    <div id="duplicates">
      <h3>Duplicate contacts by month</h3>
      <p class="muted">Duplicates: {rate.definition}.</p>
      {rate.byMonth.length === 0 ? (
        <p class="muted">No contacts yet.</p>
      ) : (
        <table>
          <thead><tr><th>month</th><th class="num">contacts</th><th class="num">duplicates</th><th class="num">rate</th><th>target {rate.target}</th></tr></thead>
          <tbody>
            {rate.byMonth.map((m) => {
              const v = verdict(m.met)
              return (
                <tr data-month={m.month}>
                  <td>{m.month}</td>
                  <td class="num">{m.contacts}</td>
                  <td class="num">{m.duplicates}</td>
                  <td class="num">{percent(m.value, 2)}</td>
                  <td><span class={`pill ${v.cls}`}>{v.text}</span></td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {rate.crowdedPhones.length > 0 && (
        <p class="muted">
          Left out, shared by too many contacts: {rate.crowdedPhones.map((p) => `${p.phone} (${p.contacts})`).join(', ')}.
        </p>
      )}
      <h3>Groups to review</h3>
      <Groups review={review} canMerge={canMerge} />
    </div>
  )
}

function Groups({ review, canMerge }: { review: Part<DuplicateReview>; canMerge: boolean }) {
  if (!review.ok) return <p class="bad">Could not list the duplicate groups: {review.error}</p>
  const { groups, linked, total } = review.value
  if (groups.length === 0 && linked.length === 0) return <p class="muted">No duplicate groups.</p>
  return (
    <table>
      <thead><tr><th>contacts</th><th>why</th><th>keeps</th><th></th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr data-group={g.id}>
            <td>
              {g.contacts.map((c) => (
                <div>
                  {c.email}{c.customerId ? ' (registered)' : ' (guest)'} · {c.paidOrderCount} order{c.paidOrderCount === 1 ? '' : 's'} · {money(c.lifetimeValue)}
                </div>
              ))}
            </td>
            <td>{g.why.map((w) => <div>{REASON[w.reason]}: {w.value}</div>)}</td>
            <td>{g.survivor}</td>
            <td><Approve id={g.id} canMerge={canMerge} /></td>
          </tr>
        ))}
        {linked.map((p) => (
          <tr data-group={p.id}>
            <td>
              <div>{p.canonical}</div>
              {p.linked.map((l) => <div>{l.email}</div>)}
            </td>
            <td>
              {p.linked.map((l) => (
                <div>
                  linked ({l.reason === 'auto_phone' ? 'same phone and name' : 'approved'}), HubSpot contacts {l.hubspotMerge === 'failed' ? `not merged: ${l.error ?? 'failed'}` : l.hubspotMerge === 'pending' ? 'being merged' : 'not merged'}
                </div>
              ))}
            </td>
            <td>{p.canonical}</td>
            <td><Approve id={p.id} canMerge={canMerge} /></td>
          </tr>
        ))}
      </tbody>
      {total > groups.length && <caption class="muted">{total - groups.length} more groups: GET /admin/api/duplicates</caption>}
    </table>
  )
}

function Approve({ id, canMerge }: { id: string; canMerge: boolean }) {
  if (!canMerge) return <span class="muted">operator role merges</span>
  return (
    <form method="post" action={`/admin/duplicates/${id}/merge`} class="inline" data-confirm="Merge these contacts into one person? Neither we nor HubSpot can undo it.">
      <button type="submit">Approve merge</button>
    </form>
  )
}
