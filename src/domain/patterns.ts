import { RE2JS } from 're2js'

/**
 * Operator-supplied patterns (channel rules' `matches`), run on every beacon hit. Two guards against a
 * pattern that would take seconds on a crafted UTM value:
 * - they run on RE2 (re2js), which matches in time linear in the input and never backtracks;
 * - on save they are checked: at most MAX_PATTERN_LENGTH characters, no backreferences or lookarounds (RE2
 *   has neither), no quantifier on a group that itself holds a quantifier (`(a+)+`, `(a?)*`: the shape that
 *   backtracks catastrophically in other engines, refused so the rules mean the same wherever they are read).
 */
export const MAX_PATTERN_LENGTH = 200

/** Why a pattern is refused, in a sentence naming it; null when it is fine. */
export function patternProblem(pattern: string): string | null {
  const named = `pattern "${pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern}"`
  if (pattern.length > MAX_PATTERN_LENGTH) return `${named} is longer than ${MAX_PATTERN_LENGTH} characters`
  if (/\\[1-9]|\\k</.test(pattern)) return `${named} uses a backreference, which can make matching slow; patterns may not`
  if (/\(\?<?[=!]/.test(pattern)) return `${named} uses a lookahead or lookbehind; patterns may not`
  if (nestedQuantifier(pattern)) {
    return `${named} repeats a group that itself holds a quantifier (like (a+)+), which can backtrack catastrophically; repeat a character class instead`
  }
  try {
    RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE)
  } catch (err) {
    return `${named} is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`
  }
  return null
}

/**
 * Whether a repeated group (`*`, `+`, `{n,}`, `{n,m}` with m > 1) holds a quantifier. A small scan over the
 * pattern: escapes and character classes are skipped, groups tracked on a stack.
 */
function nestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [] // per open group: does it hold a quantifier?
  let lastGroupQuantified = false // the group that just closed held one
  let afterGroup = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    const quantifier = quantifierAt(pattern, i)
    if (quantifier) {
      if (afterGroup && lastGroupQuantified && quantifier.repeats) return true
      if (groups.length > 0) groups[groups.length - 1] = true
      i = quantifier.end - 1
      afterGroup = false
      continue
    }
    afterGroup = false
    if (ch === '\\') i++
    else if (ch === '[') i = classEnd(pattern, i)
    else if (ch === '(') groups.push(false)
    else if (ch === ')') {
      lastGroupQuantified = groups.pop() ?? false
      // A group inside a group that holds a quantifier: the outer one holds it too.
      if (lastGroupQuantified && groups.length > 0) groups[groups.length - 1] = true
      afterGroup = true
    }
  }
  return false
}

function quantifierAt(pattern: string, i: number): { repeats: boolean; end: number } | null {
  const ch = pattern[i]
  const lazy = (end: number) => (pattern[end] === '?' || pattern[end] === '+' ? end + 1 : end)
  if (ch === '*' || ch === '+') return { repeats: true, end: lazy(i + 1) }
  if (ch === '?') return { repeats: false, end: lazy(i + 1) }
  if (ch !== '{') return null
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i))
  if (!match) return null
  const min = Number(match[1])
  const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3])
  return { repeats: max > 1, end: lazy(i + match[0].length) }
}

function classEnd(pattern: string, start: number): number {
  let i = start + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++
    else if (pattern[i] === ']') return i
  }
  return pattern.length
}

export interface Matcher {
  test(value: string): boolean
}

const NOTHING: Matcher = { test: () => false }
const compiled = new Map<string, Matcher>()

/** A case-insensitive RE2 matcher (cached); a pattern that does not compile matches nothing. */
export function compilePattern(pattern: string): Matcher {
  let matcher = compiled.get(pattern)
  if (!matcher) {
    try {
      const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE)
      matcher = { test: (value) => re.matcher(value).find() }
    } catch {
      matcher = NOTHING
    }
    compiled.set(pattern, matcher)
  }
  return matcher
}
