import type { Mapping } from '../../admin/mapping'
import { Page } from './layout'

/** `/docs`: the mapping rendered for people (the same data as /docs/mapping.json). */
function conditions(list: { field: string; in?: string[]; matches?: string }[]): string {
  return list.map((c) => `${c.field} ${c.in ? `in [${c.in.join(', ')}]` : `matches /${c.matches}/`}`).join(' and ')
}

export function renderMappingPage(mapping: Mapping): string {
  const { hubspot, triggers, channels, settings, governance } = mapping
  return (
    '<!doctype html>' +
    (
      <Page title="What this worker writes to HubSpot" nav={<a href="/docs/mapping.json">mapping.json</a>}>
        <p>
          Version {mapping.version}. Custom properties live in the HubSpot property group <code>{hubspot.propertyGroup}</code>{' '}
          and are created by setup; every record is upserted by its unique property, so a replay never duplicates.
        </p>
        <section class="card">
          <h2>Contents</h2>
          <ul>
            {hubspot.objects.map((o) => <li><a href={`#object-${o.objectType}`}>{o.objectType}</a> ({o.properties.length} properties)</li>)}
            <li><a href="#triggers">Automation triggers</a></li>
            <li><a href="#governance">Fail-safes and trigger families</a></li>
            <li><a href="#lists">Audience lists</a></li>
            <li><a href="#outcomes">Outcomes</a></li>
            <li><a href="#channels">Channel taxonomy</a></li>
          </ul>
        </section>
        {hubspot.objects.map((o) => (
          <section class="card spaced" id={`object-${o.objectType}`}>
            <h2><code>{o.objectType}</code>, unique by <code>{o.uniqueProperty}</code></h2>
            {'writtenWhen' in o && <p class="muted">Written only with {o.writtenWhen}.</p>}
            {o.associations.length > 0 && (
              <p class="muted">Associations: {o.associations.map((a) => `${a.from} → ${a.to} (${a.how})`).join('; ')}</p>
            )}
            <table>
              <thead><tr><th>property</th><th>type</th><th>created by setup</th><th>meaning</th></tr></thead>
              <tbody>
                {o.properties.map((p) => (
                  <tr>
                    <td><code>{p.name}</code></td>
                    <td>{p.type}{p.options ? `: ${p.options.join(', ')}` : ''}</td>
                    <td>{p.createdBySetup ? 'yes' : 'HubSpot’s own'}</td>
                    <td>{p.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <section class="card spaced" id="triggers">
          <h2>Automation triggers</h2>
          <p>
            Each trigger sets a datetime property on the contact (a HubSpot workflow enrolls on it) to the time of its cause.
            Marketing triggers need consent, are suppressed for {settings.REFUND_SUPPRESSION} after a refund or cancellation,
            and are capped at {settings.MARKETING_CAP} per {settings.MARKETING_CAP_WINDOW}.
          </p>
          <table>
            <thead><tr><th>trigger</th><th>property</th><th>kind</th><th>rule</th></tr></thead>
            <tbody>
              {triggers.map((t) => (
                <tr>
                  <td><code>{t.trigger}</code></td>
                  <td><code>{t.property}</code>{t.companions.length ? <div class="muted">with {t.companions.join(', ')}</div> : ''}</td>
                  <td>{t.kind}</td>
                  <td>{t.rule}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Settings in force</h3>
          <table>
            <tbody>
              {Object.entries(settings).map(([name, value]) => <tr><td><code>{name}</code></td><td>{String(value)}</td></tr>)}
            </tbody>
          </table>
        </section>
        <section class="card spaced" id="governance">
          <h2>Fail-safes and trigger families</h2>
          <p>A marketing trigger that falls due passes these checks, in order (transactional triggers always fire):</p>
          <ol>{governance.marketingRules.map((r) => <li>{r}</li>)}</ol>
          <h3>Support escalations</h3>
          <table>
            <tbody>{Object.entries(governance.supportEscalations).map(([k, v]) => <tr><td>{k}</td><td>{Array.isArray(v) ? v.join(', ') : v}</td></tr>)}</tbody>
          </table>
          <h3>Marketplace buyers</h3>
          <p>
            Excluded order channels: {governance.marketplaceBuyers.excludedOrderChannels.join(', ') || 'none'}.{' '}
            {governance.marketplaceBuyers.rule}.
          </p>
          <table>
            <thead><tr><th>marketplace</th><th>relay domains (and their subdomains)</th></tr></thead>
            <tbody>{governance.marketplaceBuyers.relayDomains.map((m) => <tr><td>{m.marketplace}</td><td><code>{m.domains.join(', ')}</code></td></tr>)}</tbody>
          </table>
          <h3>Review request</h3>
          <p>
            {typeof governance.reviewRequest === 'string'
              ? 'Off: every post-purchase step is an ordinary one.'
              : `${governance.reviewRequest.step} ${governance.reviewRequest.rule} after ${governance.reviewRequest.maxWaitDays} days.`}
          </p>
          <h3>Trigger families</h3>
          <p>{Object.entries(governance.familyModes).map(([mode, meaning]) => <span><b>{mode}</b>: {meaning}. </span>)}</p>
          <table>
            <thead><tr><th>family</th><th>triggers</th><th>configured mode</th></tr></thead>
            <tbody>{governance.families.map((f) => <tr><td>{f.family}</td><td><code>{f.triggers.join(', ')}</code></td><td>{f.configuredMode}</td></tr>)}</tbody>
          </table>
        </section>
        <section class="card spaced" id="lists">
          <h2>Audience lists</h2>
          <p>{mapping.lists.kind}; names start with <code>{mapping.lists.prefix}</code>. {mapping.lists.topCategories}. {mapping.lists.repair}.</p>
          <table>
            <thead><tr><th>list</th><th>who</th><th>filters (all must hold)</th></tr></thead>
            <tbody>
              {mapping.lists.audiences.map((a) => (
                <tr>
                  <td>{a.name}</td>
                  <td>{a.description}</td>
                  <td><code>{a.filters.map((f) => `${f.property} ${f.operation.operator}${'values' in f.operation ? ` ${f.operation.values.join('|')}` : 'value' in f.operation ? ` ${f.operation.value}` : ` last ${-(f.operation.lowerBoundTimePoint.offset?.days ?? 0)} days`}`).join('; ')}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card spaced" id="outcomes">
          <h2>Outcomes</h2>
          <p>{mapping.outcomes.route}: per family and ISO week, triggers fired and those followed by a paid order within the window, with revenue; {mapping.outcomes.comparison}.</p>
          <table>
            <thead><tr><th>family</th><th>window</th><th>converted when</th><th>playbook</th></tr></thead>
            <tbody>{mapping.outcomes.families.map((f) => <tr><td>{f.family}</td><td class="num">{f.windowDays} d</td><td>{f.measure}</td><td>{f.reference?.text ?? ''}</td></tr>)}</tbody>
          </table>
        </section>
        <section class="card spaced" id="channels">
          <h2>Channel taxonomy</h2>
          <h3>Where the order was placed (<code>{channels.order.property}</code>)</h3>
          <p>Values: {channels.order.values.join(', ')}. The first rule that holds wins; otherwise {channels.order.fallback}.</p>
          <table>
            <thead><tr><th>#</th><th>channel</th><th>when</th></tr></thead>
            <tbody>{channels.order.rules.map((r, i) => <tr><td class="num">{i + 1}</td><td>{r.channel}</td><td>{r.when}</td></tr>)}</tbody>
          </table>
          <h3>What brought the buyer ({channels.touch.properties.join(', ')})</h3>
          <p>Values: {channels.touch.values.join(', ')}. UTM parameters first, then click ids, then the referrer; the first rule that holds wins, otherwise {channels.touch.fallback}.</p>
          <table>
            <thead><tr><th>#</th><th>channel</th><th>when</th><th>note</th></tr></thead>
            <tbody>
              {channels.touch.rules.map((r, i) => (
                <tr>
                  <td class="num">{i + 1}</td>
                  <td>{r.channel}</td>
                  <td><code>{[conditions(r.all), r.any.length ? `any of (${r.any.map((c) => conditions([c])).join('; ')})` : ''].filter(Boolean).join(' and ')}</code></td>
                  <td>{r.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Click ids</h3>
          <table>
            <thead><tr><th>parameter</th><th>source</th><th>medium</th></tr></thead>
            <tbody>{channels.touch.clickIds.map((c) => <tr><td><code>{c.param}</code></td><td>{c.source}</td><td>{c.medium}</td></tr>)}</tbody>
          </table>
          <h3>Known sources by referrer host</h3>
          <table>
            <tbody>
              {Object.entries(channels.touch.sources).map(([category, hosts]) => (
                <tr><td>{category}</td><td>{Object.entries(hosts).map(([host, name]) => `${host} → ${name}`).join(', ')}</td></tr>
              ))}
            </tbody>
          </table>
          <p class="muted">Ignored referrers (never start a touch): {channels.touch.ignoredReferrers.join(', ')}</p>
        </section>
      </Page>
    ).toString()
  )
}
