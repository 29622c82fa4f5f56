import { describe, expect, test } from 'bun:test'
import type { TopLevelSpec } from 'vega-lite'
import { chartList } from './chart-list.ts'
import { comparisonInput, makeReport } from './fixture.ts'
import type { ComparisonInput } from './input.ts'
import { interactive, PICKED } from './interactive.ts'

type Unit = { mark?: unknown; params?: Record<string, unknown>[]; encoding?: Record<string, unknown> }

/** Every unit view (a view with a mark) of a spec. */
function units(node: Record<string, unknown>): Unit[] {
  const own = node.mark !== undefined ? [node as Unit] : []
  const nested = ['layer', 'hconcat', 'vconcat', 'concat'].flatMap((k) =>
    Array.isArray(node[k]) ? (node[k] as Record<string, unknown>[]).flatMap(units) : [],
  )
  return [...own, ...nested]
}

const input: ComparisonInput = comparisonInput([1, 2].map((r) => (['bun', 'go'] as const).map((c) => makeReport(c, r))))

describe('interactive', () => {
  const [comparison] = chartList(input)
  const before = JSON.stringify(comparison!.spec)
  const spec = interactive(comparison!.spec) as unknown as Record<string, unknown>
  const views = units(spec)

  test('every mark shows its datum on hover', () => {
    expect(views.length).toBeGreaterThan(4)
    for (const v of views) expect(v.mark).toMatchObject({ tooltip: { content: 'data' } })
  })

  test('one legend-bound selection of contenders, and every view drawing contenders dims the unpicked', () => {
    const params = views.flatMap((v) => v.params ?? [])
    expect(params).toEqual([{ name: PICKED, select: { type: 'point', fields: ['contender'] }, bind: 'legend' }])
    // the whiskers and labels of a layer inherit its x/xOffset by contender and dim with the bars
    const dimmed = views.filter((v) => v.encoding?.opacity !== undefined)
    expect(dimmed.length).toBe(views.length)
    for (const v of dimmed) expect(v.encoding!.opacity).toEqual({ condition: { param: PICKED, value: 1 }, value: 0.12 })
  })

  test('leaves the PNG’s spec as it was', () => {
    expect(JSON.stringify(comparison!.spec)).toBe(before)
  })

  test('a chart without contenders gets tooltips and no selection', () => {
    const plain = interactive({
      data: { values: [{ x: 1, y: 2 }] },
      mark: 'point',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    } as TopLevelSpec) as unknown as Unit
    expect(plain.mark).toEqual({ type: 'point', tooltip: { content: 'data' } })
    expect(plain.params).toBeUndefined()
    expect(plain.encoding!.opacity).toBeUndefined()
  })
})
