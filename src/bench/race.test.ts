import { describe, expect, test } from 'bun:test'
import { groupsOf } from './race.ts'

describe('the order within rounds', () => {
  const field = ['bun', 'node', 'go', 'python']

  test('concurrent: one group a round, its start order rotating by round', () => {
    expect(groupsOf(field, 'concurrent', 3)).toEqual([
      [['bun', 'node', 'go', 'python']],
      [['node', 'go', 'python', 'bun']],
      [['go', 'python', 'bun', 'node']],
    ])
  })

  test('isolated: one contender a group, the run order rotating by round', () => {
    expect(groupsOf(field, 'isolated', 2)).toEqual([
      [['bun'], ['node'], ['go'], ['python']],
      [['node'], ['go'], ['python'], ['bun']],
    ])
  })

  test('over as many rounds as contenders, each starts first once', () => {
    const firsts = groupsOf(field, 'concurrent', 4).map((round) => round[0]![0])
    expect(new Set(firsts)).toEqual(new Set(field))
  })
})
