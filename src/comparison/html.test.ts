/**
 * The HTML report in a real browser (headless Chromium, src/testing/chromium.ts): it opens from
 * disk with no console error and no request that failed or left the file, shows every table of
 * the markdown, draws every chart with marks in every panel, shows values on hover and toggles
 * contenders from the legend; and a report's text cannot become markup.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { writeFileAtomic } from '../atomic-write.ts'
import type { Report } from '../contract/report.ts'
import { launchChromium, type Chromium } from '../testing/chromium.ts'
import { chartList, type Chart } from './chart-list.ts'
import { compareReports } from './compare.ts'
import { comparisonInput, makeReport } from './fixture.ts'
import { comparisonHtml } from './html.ts'
import type { ComparisonInput, LadderResult } from './input.ts'

const FOUR = ['bun', 'node', 'go', 'python'] as const

const LADDER: LadderResult = {
  boundP99Us: 100_000,
  steps: FOUR.flatMap((contender, k) =>
    [1000, 10_000, 100_000].map((offered) => {
      const delivered = Math.min(offered, [40_000, 30_000, 80_000, 20_000][k]!)
      return {
        contender,
        offeredPerSec: offered,
        deliveredPerSec: delivered,
        deliveredFraction: delivered / offered,
        processingP99Us: 40,
        ackP99Us: 4000,
        pipelineP50Us: 2000,
        pipelineP99Us: 6000,
        pipelineP999Us: 9000,
        exchangeToAckP99Us: delivered < offered ? 400_000 : 7000,
        rssMaxBytes: 5e7,
        cpuUsPerMessage: 25 - k,
      }
    }),
  ),
  saturation: { bun: 10_000, node: 10_000, go: 10_000, python: 10_000 },
  limits: [{ name: 'C producer', messagesPerSec: 150_000, note: '' }],
}

function input(rounds: Report[][] = [1, 2, 3].map((r) => FOUR.map((c) => makeReport(c, r)))): ComparisonInput {
  return comparisonInput(rounds, { ladder: LADDER })
}

/** Writes the HTML report of `markdown` and `charts` to a fresh directory; returns its path. */
function writeReport(markdown: string, charts: Chart[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'html-report-')), 'performance_comparison_report.html')
  writeFileAtomic(path, comparisonHtml(markdown, charts))
  return path
}

interface Loaded {
  page: Page
  /** console errors and warnings, page errors, failed requests, requests that left the file */
  problems: string[]
  /** per chart: its name, whether vega-embed drew it, and the mark items in each panel */
  charts: { name: string; rendered: string; marksPerPanel: number[] }[]
}

let browser: Chromium

async function load(path: string): Promise<Loaded> {
  const page = await browser.context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`))
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) problems.push(`request off the file: ${r.url()}`)
  })
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' })
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll('.chart')).every((el) => el.hasAttribute('data-rendered')),
  )
  const charts = await page.$$eval('.chart', (elements) =>
    elements.map((el) => {
      // a panel is a view's group (Vega-Lite names it NAME_group) holding no other view; a chart
      // of one view has none and is its own panel; data marks are role-mark groups' items
      const isView = (g: Element) => Array.from(g.classList).some((c) => c.endsWith('_group'))
      const views = Array.from(el.querySelectorAll('g.role-scope')).filter(isView)
      const leaves = views.filter((v) => !Array.from(v.querySelectorAll('g.role-scope')).some(isView))
      const panels = leaves.length > 0 ? leaves : Array.from(el.querySelectorAll('svg'))
      return {
        name: el.getAttribute('data-chart') ?? '',
        rendered: el.getAttribute('data-rendered') ?? '',
        marksPerPanel: panels.map((p) => p.querySelectorAll('g.role-mark > *').length),
      }
    }),
  )
  return { page, problems, charts }
}

/** What is wrong with a loaded report's charts, one line each (empty: every panel drew marks). */
function chartProblems(loaded: Loaded): string[] {
  return loaded.charts.flatMap((c) => [
    ...(c.rendered === 'ok' ? [] : [`${c.name}: not drawn (${c.rendered})`]),
    ...(c.rendered === 'ok' && c.marksPerPanel.length === 0 ? [`${c.name}: no panel`] : []),
    ...c.marksPerPanel.flatMap((n, i) => (n > 0 ? [] : [`${c.name}: panel ${i + 1} drew no marks`])),
  ])
}

/** The header row of every table in the markdown, in order. */
function markdownTableHeads(markdown: string): string[] {
  const lines = markdown.split('\n')
  return lines.flatMap((line, i) =>
    /^\| (---( \| )?)+ \|$/.test(line) && i > 0
      ? [
          lines[i - 1]!.slice(2, -2)
            .split(' | ')
            .map((cell) => cell.replace(/[`*]/g, '').replaceAll('\\|', '|').trim())
            .join(' | '),
        ]
      : [],
  )
}

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

describe('the HTML report in headless Chromium', () => {
  const fixture = input()
  const markdown = compareReports(fixture)

  // one load for the read-only checks, then the interactions (bun runs a file's tests in order)
  let loaded: Loaded
  beforeAll(async () => {
    loaded = await load(writeReport(markdown, chartList(fixture)))
  })
  afterAll(async () => {
    await loaded?.page.close()
  })

  test('opens from disk with no error, every table of the markdown, every chart drawn in every panel', async () => {
    expect(loaded.problems).toEqual([])
    const heads = await loaded.page.$$eval('table', (tables) =>
      tables.map((t) =>
        Array.from(t.querySelectorAll('thead th'))
          .map((th) => th.textContent!.trim())
          .join(' | '),
      ),
    )
    expect(markdownTableHeads(markdown).length).toBeGreaterThan(5)
    expect(heads).toEqual(markdownTableHeads(markdown))
    // the percentile curves come with the reports' histograms: exchange→ack and pipeline panels
    expect(loaded.charts.map((c) => c.name)).toEqual(['performance_comparison', 'latency_percentiles', 'ladder'])
    expect(loaded.charts.map((c) => c.marksPerPanel.length)).toEqual([4, 2, 3])
    expect(chartProblems(loaded)).toEqual([])
  })

  test('hovering a bar shows its values; clicking a legend entry dims the other contenders', async () => {
    const { page } = loaded
    const chart = page.locator('#chart-1')
    await chart.locator('g.mark-rect.role-mark path').first().hover()
    const tooltip = page.locator('#vg-tooltip-element')
    await tooltip.waitFor({ state: 'visible' })
    expect(await tooltip.textContent()).toContain('median')
    const opacities = () =>
      chart
        .locator('g.mark-rect.role-mark path')
        .evaluateAll((paths) => paths.map((p) => Number(p.getAttribute('opacity') ?? '1')))
    expect((await opacities()).every((o) => o === 1)).toBe(true)
    await chart.locator('g.role-legend-label text', { hasText: /^go$/ }).first().click()
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#chart-1 g.mark-rect.role-mark path')).some(
        (p) => Number(p.getAttribute('opacity') ?? '1') < 1,
      ),
    )
    const after = await opacities()
    expect(after.filter((o) => o === 1).length).toBeGreaterThan(0)
    expect(after.filter((o) => o < 1).length).toBeGreaterThan(after.filter((o) => o === 1).length)
    expect(loaded.problems).toEqual([])
  })

  test('the check fails on a chart with no marks and on a spec Vega cannot draw', async () => {
    const [comparison] = chartList(fixture)
    // every panel's data emptied: the chart draws axes and a legend but no mark
    const empty = JSON.parse(JSON.stringify(comparison!.spec), (key, value) =>
      key === 'values' ? [] : value,
    ) as Chart['spec']
    const invalid = {
      ...comparison!.spec,
      vconcat: [{ mark: 'no-such-mark', data: { values: [{}] } }],
    } as unknown as Chart['spec']
    const loaded = await load(
      writeReport(markdown, [
        { ...comparison!, name: 'empty', spec: empty },
        { ...comparison!, name: 'invalid', spec: invalid },
      ]),
    )
    try {
      const problems = chartProblems(loaded)
      expect(problems).toContain('empty: panel 1 drew no marks')
      expect(problems.filter((p) => p.startsWith('empty:'))).toHaveLength(4)
      expect(problems).toContain('invalid: not drawn (failed)')
      expect(loaded.problems.some((p) => p.startsWith('console error: chart chart-2:'))).toBe(true)
    } finally {
      await loaded.page.close()
    }
  })

  test("a report's text cannot become markup", async () => {
    const payload = '<img src=x onerror="window.injected=1">'
    const script = '<script>window.injected=2</script>'
    const rounds = [1, 2].map((r) =>
      FOUR.map((c) =>
        makeReport(c, r, (report) => {
          report.runtime.websocket = `ws ${payload}`
          report.statusReasons = [{ code: 'all-connections-down', message: `lost ${script}` }]
          report.status = 'degraded'
        }),
      ),
    )
    // a contender name the schema would refuse, as an older or hand-edited input could hold
    for (const round of rounds) round[0] = { ...round[0]!, contender: `b<i>un</i>${payload}` }
    const hostile = { ...input(rounds), ladder: undefined, commandLine: `bun run bench ${script}` }
    const markdown = compareReports(hostile)
    expect(markdown).toContain(payload)
    const html = comparisonHtml(markdown, chartList(hostile))
    expect([payload, script, '<i>'].filter((raw) => html.includes(raw))).toEqual([])
    const loaded = await load(writeReport(markdown, chartList(hostile)))
    try {
      const { page } = loaded
      expect(await page.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined()
      expect(await page.locator('body img, body i').count()).toBe(0)
      expect(await page.locator('td', { hasText: `ws ${payload}` }).count()).toBeGreaterThan(0)
      expect(await page.locator('h1').textContent()).toContain(`b<i>un</i>${payload}`)
      // the chart shows the name as text too (an SVG text node, not markup), and so does its tooltip
      expect(await page.locator('#chart-1 text', { hasText: `b<i>un</i>` }).count()).toBeGreaterThan(0)
      // the last bar: the CPU panel's, of the unregistered contender (sorted after the registry's)
      await page.locator('#chart-1 g.mark-rect.role-mark path').last().hover()
      const tooltip = page.locator('#vg-tooltip-element')
      await tooltip.waitFor({ state: 'visible' })
      expect(await tooltip.textContent()).toContain(`b<i>un</i>${payload}`)
      expect(await page.locator('body img, body i').count()).toBe(0)
      expect(loaded.problems).toEqual([])
    } finally {
      await loaded.page.close()
    }
  })
})

describe('launchChromium', () => {
  test('without chromium, fails with one line naming the fix', async () => {
    const error = await launchChromium('/nonexistent/chromium').catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain('apt-get install -y chromium')
    expect((error as Error).message).not.toContain('\n')
  })
})
