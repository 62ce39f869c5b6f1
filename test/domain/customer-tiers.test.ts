import { describe, expect, it } from 'vitest'
import { assignValueTiers, tierRanks } from '../../src/domain/customer-tiers'

const customers = (values: string[]) => values.map((v, i) => ({ email: `c${i}@example.com`, lifetimeValue: v }))
const tiersOf = (values: string[]) => {
  const map = assignValueTiers(customers(values))
  return values.map((_, i) => map.get(`c${i}@example.com`))
}

describe('tierRanks', () => {
  it('is ceil(10%) and ceil(30%), exact on round counts', () => {
    expect(tierRanks(1)).toEqual({ vipRank: 1, highRank: 1 })
    expect(tierRanks(10)).toEqual({ vipRank: 1, highRank: 3 })
    expect(tierRanks(11)).toEqual({ vipRank: 2, highRank: 4 })
    expect(tierRanks(30)).toEqual({ vipRank: 3, highRank: 9 })
    expect(tierRanks(100)).toEqual({ vipRank: 10, highRank: 30 })
  })
})

describe('assignValueTiers', () => {
  it('gives the top 10% vip, the next up to 30% high, the rest standard', () => {
    const values = ['100', '90', '80', '70', '60', '50', '40', '30', '20', '10']
    expect(tiersOf(values)).toEqual(['vip', 'high', 'high', 'standard', 'standard', 'standard', 'standard',
      'standard', 'standard', 'standard'])
  })

  it('ranks by decimal value, not by text', () => {
    expect(tiersOf(['9.5', '10.25', '100', '2'])).toEqual(['standard', 'high', 'vip', 'standard'])
  })

  it('with fewer than ten customers, still one vip and ceil(30%) in vip or high', () => {
    expect(tiersOf(['5'])).toEqual(['vip'])
    expect(tiersOf(['5', '7'])).toEqual(['standard', 'vip'])
    // 4 customers: vip rank 1, high rank ceil(1.2) = 2
    expect(tiersOf(['1', '4', '3', '2'])).toEqual(['standard', 'vip', 'high', 'standard'])
  })

  it('gives ties the better tier', () => {
    // 10 customers: vip rank 1 (value 100) shared by two; high rank 3 (value 50) shared by three
    const values = ['100', '100', '50', '50', '50', '40', '30', '20', '10', '0']
    expect(tiersOf(values)).toEqual(['vip', 'vip', 'high', 'high', 'high', 'standard', 'standard', 'standard',
      'standard', 'standard'])
    expect(tiersOf(['7', '7', '7'])).toEqual(['vip', 'vip', 'vip'])
  })

  it('leaves prospects out and returns nothing for nobody', () => {
    const map = assignValueTiers([
      { email: 'a@example.com', lifetimeValue: '10', paidOrderCount: 1 },
      { email: 'p@example.com', lifetimeValue: '0', paidOrderCount: 0 },
    ])
    expect([...map]).toEqual([['a@example.com', 'vip']])
    expect(assignValueTiers([]).size).toBe(0)
  })
})
