import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { UnusableResourceError } from '../../src/bigcommerce/normalize/errors'
import { importEach } from '../../src/backfill/skip'

const record = z.object({ id: z.number(), email: z.string() })

describe('importEach', () => {
  it('applies every record that parses and counts the ones that cannot be imported', async () => {
    const applied: number[] = []
    const skipped = await importEach(
      [{ id: 1, email: 'a@b.co' }, { id: 'two' }, { id: 3, email: '' }, { id: 4, email: 'd@b.co' }],
      record,
      2,
      async (r) => {
        if (!r.email) throw new UnusableResourceError('no_email', 'no email')
        applied.push(r.id)
      },
    )
    expect(skipped).toBe(2)
    expect(applied.sort()).toEqual([1, 4])
  })

  it('throws a failure a retry could fix', async () => {
    const down = importEach([{ id: 1, email: 'a@b.co' }], record, 2, async () => {
      throw new Error('BigCommerce 503')
    })
    await expect(down).rejects.toThrow('BigCommerce 503')
  })
})
