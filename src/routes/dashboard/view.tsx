import { roleAllows } from '../../admin/auth'
import type { deadLetterView } from '../../admin/dead-letter-replay'
import type { QualityReport } from '../../admin/quality-report'
import type { ReconciliationReport } from '../../upkeep/order-reconciliation'
import type { RolloutReport } from '../../admin/rollout-report'
import type { Part, SyncStatus } from '../../admin/sync-status'
import type { CompaniesReport } from '../../companies/report'
import type { Actor } from '../../db/audit'
import type { DecisionRow } from '../../db/operations'
import { RevenueChart, type ChannelRevenue } from './chart'
import { Duplicates, type DuplicateReview } from './duplicates-panel'
import { duration, money, percent, verdict, when } from './format'
import { Page } from './layout'
import { ErasePanel } from './erase-panel'
import { Companies } from './companies-panel'
import { GettingStarted } from './getting-started-panel'
import { Outcomes, type OutcomesReport } from './outcomes-panel'
import { Rollout } from './rollout-panel'
import { BulkReplay, Pauses } from './operations-panel'
import { Storefronts, type StorefrontsReport } from './storefronts-panel'
import { Sessions, type SessionsPart } from './sessions-panel'

export interface DashboardData {
  now: Date
  actor: Actor
  notice: { ok: boolean; text: string } | null
  status: SyncStatus
  quality: QualityReport
  duplicates: Part<DuplicateReview>
  reconciliation: Part<ReconciliationReport>
  revenue: Part<ChannelRevenue[]>
  decisions: DecisionRow[]
  deadLetters: ReturnType<typeof deadLetterView>[]
  rollout: Part<RolloutReport>
  outcomes: Part<OutcomesReport>
  storefronts: Part<StorefrontsReport>
  /** B2B Edition companies; null while BIGCOMMERCE_B2B is off. */
  companies: Part<CompaniesReport> | null
  /** Open sessions, for admins only. */
  sessions: SessionsPart | null
}

function Nav(props: { actor: Actor }) {
  return (
    <>
      <a href="/admin/api/docs">API</a>
      <a href="/docs">Mapping</a>
      <span class="muted">{props.actor.role} · {props.actor.fingerprint}</span>
      <form method="post" action="/admin/logout" class="inline">
        <button class="link" type="submit">Sign out</button>
      </form>
    </>
  )
}

function Health({ status, now, canResume }: { status: SyncStatus; now: Date; canResume: boolean }) {
  const writer = 'error' in status.hubspot ? null : status.hubspot
  const queued = writer ? Object.values(writer.queue).reduce((a, b) => a + b, 0) : null
  return (
    <section class="card" id="health">
      <h2>
        Sync health{' '}
        <span class={`pill ${status.health === 'ok' ? 'ok' : 'warn'}`}>{status.health === 'ok' ? 'all good' : 'needs attention'}</span>
      </h2>
      <Pauses pauses={status.pauses} canResume={canResume} now={now} />
      {status.problems.length > 0 && (
        <ul class="problems">
          {status.problems.map((p) => <li class="warn">{p}</li>)}
        </ul>
      )}
      <table>
        <tbody>
          <tr><td>Last write to HubSpot</td><td>{writer ? when(writer.lastSuccessAt, now) : <span class="bad">{'error' in status.hubspot ? status.hubspot.error : ''}</span>}</td></tr>
          <tr><td>Records waiting for HubSpot</td><td class="num">{queued ?? '–'}</td></tr>
          <tr><td>Webhook events waiting</td><td class="num">{status.queue.webhookEvents.pending}</td></tr>
          <tr><td>Dead letters (webhook / HubSpot)</td><td class="num">{status.queue.deadLetters.webhook} / {status.queue.deadLetters.hubspot}</td></tr>
          {writer && (
            <tr>
              <td>HubSpot errors (rate limited / transient / rejected records)</td>
              <td class="num">{writer.errors.rateLimited} / {writer.errors.transient} / {writer.errors.recordFailures}</td>
            </tr>
          )}
          {writer?.lastError && <tr><td>Last HubSpot error</td><td class="bad">{when(writer.lastError.at, now)}: {writer.lastError.message}</td></tr>}
        </tbody>
      </table>
      <h3>BigCommerce webhooks</h3>
      <Webhooks webhooks={status.webhooks} />
    </section>
  )
}

function Webhooks({ webhooks }: { webhooks: SyncStatus['webhooks'] }) {
  if ('error' in webhooks) return <p class="muted">Could not check the BigCommerce webhooks: {webhooks.error}</p>
  const active = webhooks.hooks.filter((h) => h.status === 'active').length
  return (
    <table>
      <tbody>
        <tr>
          <td>Delivered to</td>
          <td>{webhooks.destination ?? <span class="muted">PUBLIC_URL is not set: all store hooks are listed</span>}</td>
        </tr>
        <tr><td>Hooks active</td><td class="num">{active} of {webhooks.hooks.length}</td></tr>
        <tr>
          <td>Deactivated by BigCommerce</td>
          <td class={`num ${webhooks.deactivated ? 'bad' : ''}`}>{webhooks.deactivated}{webhooks.deactivated ? ' (re-enabled by the cron)' : ''}</td>
        </tr>
        {webhooks.missingScopes.length > 0 && <tr><td>Missing</td><td class="warn">{webhooks.missingScopes.join(', ')}</td></tr>}
        {webhooks.blockedDomains.length > 0 && (
          <tr><td>Blocked domains</td><td class="bad">{webhooks.blockedDomains.map((b) => `${b.destination} (${Math.ceil(b.secondsLeft / 60)} min left)`).join(', ')}</td></tr>
        )}
        <tr><td>Delivery failures reported</td><td class="num">{webhooks.deliveryExceptions.length}</td></tr>
      </tbody>
    </table>
  )
}

function Backfill({ backfill, now }: { backfill: SyncStatus['backfill']; now: Date }) {
  if ('error' in backfill) return <p class="muted">Could not read the import status: {backfill.error}</p>
  if (backfill.state === 'idle') {
    return <p class="muted">No history import has run yet. An operator starts one with <code>POST /admin/api/backfill</code>.</p>
  }
  const share = backfill.total > 0 ? Math.min(1, backfill.done / backfill.total) : backfill.state === 'done' ? 1 : 0
  return (
    <>
      <p>
        <span class={`pill ${backfill.state === 'failed' ? 'bad' : backfill.state === 'done' ? 'ok' : 'warn'}`}>{backfill.state}</span>{' '}
        {backfill.done.toLocaleString('en-US')} of {backfill.total.toLocaleString('en-US')} records
        {backfill.since ? ` changed since ${backfill.since.slice(0, 10)}` : ' (all history)'}
      </p>
      <progress class="bar" value={share.toFixed(3)} max="1">{Math.round(share * 100)}%</progress>
      <table>
        <tbody>
          {backfill.phase && backfill.state === 'running' && <tr><td>Now importing</td><td>{backfill.phase}</td></tr>}
          <tr><td>Rate</td><td>{backfill.rate} records/s</td></tr>
          {backfill.etaSeconds !== null && backfill.state === 'running' && <tr><td>Time left</td><td>about {duration(backfill.etaSeconds * 1000)}</td></tr>}
          <tr><td>Started</td><td>{when(backfill.startedAt, now)}</td></tr>
          {backfill.finishedAt && <tr><td>Finished</td><td>{when(backfill.finishedAt, now)}</td></tr>}
          {backfill.skipped > 0 && <tr><td>Skipped</td><td class="num">{backfill.skipped}</td></tr>}
          {backfill.lastError && <tr><td>Last error</td><td class="bad">{backfill.lastError}</td></tr>}
        </tbody>
      </table>
    </>
  )
}

function Quality({ quality, duplicates, canMerge }: { quality: QualityReport; duplicates: Part<DuplicateReview>; canMerge: boolean }) {
  const figures = [
    { name: 'Orders matched to a contact', value: percent(quality.matchRate.value), detail: `${quality.matchRate.matched} of ${quality.matchRate.orders} orders`, target: quality.matchRate.target, met: quality.matchRate.met },
    { name: 'Duplicate contacts', value: percent(quality.duplicateRate.value, 2), detail: `${quality.duplicateRate.duplicates} of ${quality.duplicateRate.contacts} contacts (same normalized email or phone), ${quality.duplicateRate.groups} group${quality.duplicateRate.groups === 1 ? '' : 's'} to review`, target: `${quality.duplicateRate.target} a month`, met: quality.duplicateRate.met },
    { name: 'Live event to HubSpot (p99)', value: duration(quality.eventLatency.p99Ms), detail: `median ${duration(quality.eventLatency.p50Ms)}, p95 ${duration(quality.eventLatency.p95Ms)}, ${quality.eventLatency.samples} live orders (webhook to first write; backfilled orders excluded)`, target: quality.eventLatency.target, met: quality.eventLatency.met },
  ]
  return (
    <section class="card" id="quality">
      <h2>Data quality (last {quality.window.days} days)</h2>
      <div class="figures">
        {figures.map((f) => {
          const v = verdict(f.met)
          return (
            <div data-figure={f.name}>
              <div class="muted">{f.name}</div>
              <div class={`figure ${v.cls}`}>{f.value}</div>
              <div class="muted">{f.detail}</div>
              <div>target {f.target}: <span class={`pill ${v.cls}`}>{v.text}</span></div>
            </div>
          )
        })}
      </div>
      <Duplicates rate={quality.duplicateRate} review={duplicates} canMerge={canMerge} />
    </section>
  )
}

const DIFFERENCE_LABEL: Record<string, string> = {
  missing_in_hubspot: 'missing in HubSpot',
  net_revenue: 'net revenue differs',
  total_price: 'total differs',
  currency: 'currency differs',
}

function Reconciliation({ part }: { part: Part<ReconciliationReport> }) {
  if (!part.ok) {
    return (
      <section class="card" id="reconciliation">
        <h2>Store vs HubSpot (last 30 days)</h2>
        <p class="bad">Could not reconcile: {part.error}</p>
      </section>
    )
  }
  const r = part.value
  return (
    <section class="card" id="reconciliation">
      <h2>
        Store vs HubSpot (last 30 days) <span class={`pill ${r.met ? 'ok' : 'bad'}`}>{r.met ? 'within tolerance' : 'differs'}</span>
      </h2>
      <table>
        <thead><tr><th>currency</th><th class="num">store orders</th><th class="num">store revenue</th><th class="num">HubSpot orders</th><th class="num">HubSpot revenue</th><th class="num">difference</th></tr></thead>
        <tbody>
          {r.totals.map((t) => (
            <tr>
              <td>{t.currency}</td>
              <td class="num">{t.store.orders}</td>
              <td class="num">{money(t.store.netRevenue)}</td>
              <td class="num">{t.hubspot.orders}</td>
              <td class="num">{money(t.hubspot.netRevenue)}</td>
              <td class={`num ${t.withinTolerance ? 'ok' : 'bad'}`}>{money(t.difference)} ({percent(t.differenceRatio, 2)})</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        {r.differing} order{r.differing === 1 ? '' : 's'} differ{r.differing === 1 ? 's' : ''}
        {r.differences.length > 0 && `: ${r.differences.slice(0, 8).map((d) => `#${d.orderId} (${d.kinds.map((k) => DIFFERENCE_LABEL[k] ?? k).join(', ')}${d.syncPending ? ', still queued' : ''})`).join('; ')}`}
        {r.differences.length > 8 && ' …'}. {r.tolerance}. Checked {r.ordersCompared} of {r.ordersInRange} orders at {r.ranAt.slice(0, 16).replace('T', ' ')} UTC.
      </p>
    </section>
  )
}

function Decisions({ decisions, now }: { decisions: DecisionRow[]; now: Date }) {
  return (
    <section class="card" id="decisions">
      <h2>Recent trigger decisions</h2>
      {decisions.length === 0 ? (
        <p class="muted">No trigger decisions yet.</p>
      ) : (
        <table>
          <thead><tr><th>when</th><th>contact</th><th>trigger</th><th>decision</th><th>why</th></tr></thead>
          <tbody>
            {decisions.map((d) => (
              <tr>
                <td>{when(d.at, now)}</td>
                <td>{d.email}</td>
                <td>{d.trigger.replace(/_/g, ' ')}</td>
                <td><span class={`pill ${d.decision === 'fired' ? 'ok' : d.decision === 'deferred' || d.decision === 'shadowed' ? 'warn' : 'muted'}`}>{d.decision}</span></td>
                <td>{d.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function DeadLetters({ rows, canReplay, now }: { rows: DashboardData['deadLetters']; canReplay: boolean; now: Date }) {
  return (
    <section class="card wide" id="dead-letters">
      <h2>Dead letters</h2>
      {canReplay && <BulkReplay />}
      {rows.length === 0 ? (
        <p class="muted">Nothing failed for good. Failed work lands here after its retries, ready to replay.</p>
      ) : (
        <table>
          <thead><tr><th>#</th><th>kind</th><th>what</th><th>error</th><th class="num">attempts</th><th>when</th><th></th></tr></thead>
          <tbody>
            {rows.map((d) => (
              <tr data-dead-letter={d.id}>
                <td class="num">{d.id}</td>
                <td>{d.source === 'webhook' ? 'BigCommerce event' : 'HubSpot record'}</td>
                <td><code>{d.reference}</code></td>
                <td class="bad">{d.error}</td>
                <td class="num">{d.attempts}</td>
                <td>{when(d.createdAt, now)}</td>
                <td>
                  {canReplay ? (
                    <form method="post" action={`/admin/dead-letters/${d.id}/replay`} class="inline">
                      <button type="submit">Replay</button>
                    </form>
                  ) : (
                    <span class="muted">operator role replays</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function renderDashboard(data: DashboardData): string {
  return (
    '<!doctype html>' +
    (
      <Page title="BigCommerce → HubSpot" nav={<Nav actor={data.actor} />} script>
        {data.notice && <div class={`notice ${data.notice.ok ? '' : 'bad'}`} role="status">{data.notice.text}</div>}
        <div class="grid">
          {!data.status.setup.complete && <GettingStarted checklist={data.status.setup} liveChecks={data.status.liveChecks} />}
          <Health status={data.status} now={data.now} canResume={roleAllows(data.actor.role, 'operator')} />
          <section class="card" id="backfill">
            <h2>History import</h2>
            <Backfill backfill={data.status.backfill} now={data.now} />
          </section>
          <section class="card wide bare">
            <Quality quality={data.quality} duplicates={data.duplicates} canMerge={roleAllows(data.actor.role, 'operator')} />
          </section>
          <Reconciliation part={data.reconciliation} />
          <section class="card" id="revenue">
            <h2>Revenue by channel (last 30 days)</h2>
            {data.revenue.ok ? <RevenueChart rows={data.revenue.value} /> : <p class="bad">{data.revenue.error}</p>}
          </section>
          <Rollout part={data.rollout} canChange={roleAllows(data.actor.role, 'admin')} now={data.now} />
          <Outcomes part={data.outcomes} />
          <Storefronts part={data.storefronts} now={data.now} />
          {data.companies && <Companies part={data.companies} now={data.now} />}
          {data.status.setup.complete && <GettingStarted checklist={data.status.setup} liveChecks={data.status.liveChecks} />}
          <section class="card wide bare">
            <Decisions decisions={data.decisions} now={data.now} />
          </section>
          <DeadLetters rows={data.deadLetters} canReplay={roleAllows(data.actor.role, 'operator')} now={data.now} />
          {roleAllows(data.actor.role, 'admin') && <ErasePanel />}
          {data.sessions && <Sessions part={data.sessions} now={data.now} />}
        </div>
      </Page>
    ).toString()
  )
}

export function renderLogin(message: string | null): string {
  return (
    '<!doctype html>' +
    (
      <Page title="BigCommerce → HubSpot">
        <section class="card login">
          <h2>Sign in</h2>
          {message && <div class="notice bad" role="alert">{message}</div>}
          <form method="post" action="/admin/login">
            <p><label for="token">Admin token (from ADMIN_TOKENS)</label></p>
            <p><input id="token" name="token" type="password" autocomplete="current-password" required /></p>
            <p><input type="submit" value="Sign in" /></p>
          </form>
        </section>
      </Page>
    ).toString()
  )
}
