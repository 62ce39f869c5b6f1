import { isFamilyMode, isTriggerFamily } from '../../domain/automation/families'

/**
 * The dashboard's notices after a form post (`/admin?notice=<code>&...`), by fixed code only: the page shows
 * text written here, filled in with parameters that must each pass their check (a positive integer, a known
 * trigger family or mode). Anything else in the URL shows nothing, so a link cannot make the dashboard
 * say what an attacker wrote.
 */
type Params = Record<string, string>
interface NoticeDefinition {
  ok: boolean
  /** The text, or null when a parameter does not pass its check. */
  text(params: Params): string | null
}

const positive = (value: string | undefined) => (value !== undefined && /^[1-9][0-9]{0,15}$/.test(value) ? value : null)
/** A notice whose one parameter, `param`, must be a positive integer. */
const withNumber = (param: string, ok: boolean, text: (n: string) => string): NoticeDefinition => ({
  ok,
  text: (p) => {
    const n = positive(p[param])
    return n === null ? null : text(n)
  },
})
const withId = (ok: boolean, text: (id: string) => string) => withNumber('id', ok, text)
/** Counts (zero included) named by `names`, each a plain non-negative integer, or null. */
const counts = (p: Params, names: readonly string[]): Record<string, number> | null => {
  const read = names.map((name) => [name, p[name]] as const)
  if (read.some(([, value]) => value === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(value))) return null
  return Object.fromEntries(read.map(([name, value]) => [name, Number(value)]))
}
const apiName = (api: string | undefined) => (api === 'bigcommerce' ? 'BigCommerce' : api === 'hubspot' ? 'HubSpot' : null)
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

const NOTICES = {
  dead_letter_processed: withId(true, (n) => `Dead letter #${n} replayed: processed.`),
  dead_letter_queued: withId(true, (n) => `Dead letter #${n} replayed: queued for the HubSpot writer.`),
  dead_letter_failed_again: withId(false, (n) => `Dead letter #${n} replayed: failed again, retrying later (see the webhook event's last error).`),
  dead_letter_not_found: withId(false, (n) => `There is no dead letter #${n}.`),
  dead_letter_not_replayable: withId(false, (n) => `Dead letter #${n} was not replayed: it was replayed already or is no longer replayable.`),
  family_mode_changed: {
    ok: true,
    text: (p) =>
      p.family && p.mode && isTriggerFamily(p.family) && isFamilyMode(p.mode)
        ? `${p.family.replace(/_/g, ' ')} is now ${p.mode} (within a minute for every contact).`
        : null,
  },
  session_revoked: { ok: true, text: () => 'The session was revoked; its browser is signed out at its next request.' },
  session_not_found: { ok: false, text: () => 'No open session has that id (it ended already).' },
  live_checks_passed: { ok: true, text: () => 'Deploy checks: no blocker.' },
  live_checks_blocked: withNumber('blockers', false, (n) => `Deploy checks: ${n} blocker(s).`),
  api_resumed: {
    ok: true,
    text: (p) => {
      const name = apiName(p.api)
      const n = counts(p, ['queued'])
      return name && n ? `${name} resumed${n.queued ? `: ${n.queued} waiting events queued` : ''}.` : null
    },
  },
  api_not_paused: { ok: true, text: (p) => (apiName(p.api) ? `${apiName(p.api)} was not paused.` : null) },
  dead_letters_counted: {
    ok: true,
    text: (p) => {
      const n = counts(p, ['matched', 'webhook', 'hubspot'])
      return n && `${plural(n.matched!, 'dead letter')} match (${n.webhook} BigCommerce events, ${n.hubspot} HubSpot records).`
    },
  },
  dead_letters_replayed: {
    ok: true,
    text: (p) => {
      const n = counts(p, ['replayed', 'matched', 'skipped', 'remaining'])
      if (!n) return null
      const more = n.remaining ? ` ${n.remaining} still match: replay again for the next ones.` : ''
      return `Replayed ${n.replayed} of ${n.matched} matching dead letters${n.skipped ? ` (${n.skipped} settled already)` : ''}.${more}`
    },
  },
  duplicates_merged: withNumber('contacts', true, (n) => `Merged ${n} contacts into one person; their HubSpot contacts are merged within a minute.`),
  duplicates_not_found: { ok: false, text: () => 'That duplicate group is no longer in the review (reload the page).' },
} satisfies Record<string, NoticeDefinition>

export type NoticeCode = keyof typeof NOTICES

/** Where a form post sends the browser: the dashboard with the notice's code and its parameters. */
export function noticeLocation(code: NoticeCode, params: Params = {}): string {
  return `/admin?${new URLSearchParams({ notice: code, ...params })}`
}

/** The notice a dashboard URL asks for, or null for no, an unknown or a malformed notice. */
export function noticeFromQuery(query: Params): { ok: boolean; text: string } | null {
  const code = query.notice
  if (!code || !Object.hasOwn(NOTICES, code)) return null
  const notice = NOTICES[code as NoticeCode] as NoticeDefinition
  const text = notice.text(query)
  return text === null ? null : { ok: notice.ok, text }
}
