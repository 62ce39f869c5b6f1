import { describe, expect, it } from 'vitest'
import { DEFAULT_CHANNEL_RULES, resolveChannelRules } from '../../src/domain/channel-rules'
import { classifyTouch } from '../../src/domain/channels'
import { compilePattern, MAX_PATTERN_LENGTH, patternProblem } from '../../src/domain/patterns'

describe('operator patterns', () => {
  it.each([
    ['(a+)+$'],
    ['^(a*)*b'],
    ['(a?)+'],
    ['((ab)*c)+'],
    ['(\\w+\\s?){2,}'],
    ['(?:x+){3,5}'],
    ['(.*,)*end'],
  ])('refuses the catastrophic shape %s (a repeated group holding a quantifier), naming it', (pattern) => {
    expect(patternProblem(pattern)).toContain(`pattern "${pattern}" repeats a group that itself holds a quantifier`)
  })

  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<n>a)\\k<n>', 'backreference'],
    ['shop(?=ping)', 'lookahead or lookbehind'],
    ['(?<!x)shop', 'lookahead or lookbehind'],
    ['(unclosed', 'not a valid regular expression'],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), `longer than ${MAX_PATTERN_LENGTH} characters`],
  ])('refuses %s: %s', (pattern, problem) => {
    expect(patternProblem(pattern)).toContain(problem)
  })

  it.each([['^(.*cp.*|ppc|retargeting|paid.*)$'], ['(ab)+'], ['(a+)?'], ['a{2,3}b+'], ['[+*(]+x'], ['\\(a+\\)+'], ['^(spring|summer)_sale$']])(
    'accepts %s',
    (pattern) => {
      expect(patternProblem(pattern)).toBeNull()
    },
  )

  it('accepts every pattern of the default rules', () => {
    expect(resolveChannelRules(JSON.stringify({ rules: DEFAULT_CHANNEL_RULES.rules }))).toMatchObject({ ok: true })
  })

  it('matches in linear time: a pattern that takes JavaScript’s engine seconds on 256 characters is instant on 20,000', () => {
    const started = performance.now()
    expect(compilePattern('.*a.*a.*a.*b').test('a'.repeat(20_000))).toBe(false)
    expect(compilePattern('.*a.*a.*a.*b').test(`${'a'.repeat(20_000)}b`)).toBe(true)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('matches case-insensitively, anywhere in the value, as the rules expect', () => {
    expect(compilePattern('^(.*cp.*|ppc|retargeting|paid.*)$').test('CPC')).toBe(true)
    expect(compilePattern('video').test('youtube-VIDEO-ads')).toBe(true)
    expect(compilePattern('^ppc$').test('xppc')).toBe(false)
    expect(classifyTouch({ url: 'https://shop.example.com/?utm_source=google&utm_medium=CPC' }).channel).toBe('paid_search')
  })

  it('CHANNEL_RULES with a catastrophic pattern is an invalid configuration naming where it is', () => {
    const result = resolveChannelRules(JSON.stringify({ rules: [{ channel: 'email', all: [{ field: 'source', matches: '(x+x+)+y' }] }] }))
    expect(result).toEqual({ ok: false, message: expect.stringContaining('CHANNEL_RULES rules[0].all[0].matches: pattern "(x+x+)+y"') })
  })
})
