/**
 * @module comparison/html
 * reports/performance_comparison_report.html: the comparison's markdown (comparison/markdown-html.ts)
 * and every chart of comparison/chart-list.ts, interactive (comparison/interactive.ts), in one file
 * that opens from disk with no network: Vega, Vega-Lite and vega-embed are inlined from
 * node_modules, the charts' specs ride in a JSON script block with `<` escaped, and a
 * Content-Security-Policy lets only the page's own scripts (by hash) run and nothing be fetched.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import type { Chart } from './chart-list.ts'
import { interactive } from './interactive.ts'
import { escapeHtml, markdownToHtml } from './markdown-html.ts'

/** The libraries, in load order (vega-lite and vega-embed read `vega` from the page). */
const LIBRARIES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const

let libraries: string[] | undefined

/** The libraries' code, read once; one that could end its own script element is refused. */
function libraryCode(): string[] {
  libraries ??= LIBRARIES.map(([pkg, file]) => {
    const path = join(ROOT, 'node_modules', pkg, file)
    // a source map the page cannot have would only be a failed request in the browser's tools
    const code = readFileSync(path, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    if (/<\/script|<!--/i.test(code)) throw new Error(`${path} holds "</script" or "<!--": it cannot be inlined`)
    return code
  })
  return libraries
}

/** Draws each chart with vega-embed; a chart that fails says so in place and on the console. */
const BOOT = `(function () {
  var charts = JSON.parse(document.getElementById('bench-charts').textContent);
  var options = {
    renderer: 'svg',
    // Vega's expression interpreter, not generated code: the page's policy allows no eval
    ast: true,
    actions: { export: true, source: false, compiled: false, editor: false },
  };
  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    vegaEmbed(el, chart.spec, options).then(
      function () { el.setAttribute('data-rendered', 'ok'); },
      function (error) {
        el.setAttribute('data-rendered', 'failed');
        el.textContent = 'This chart could not be drawn: ' + error.message;
        console.error('chart ' + chart.id + ': ' + error.message);
      },
    );
  });
})();`

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 1600px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
code { background: #f1f1f1; padding: 0 .2rem; border-radius: 3px; font-size: .88em; overflow-wrap: anywhere; }
blockquote { border-left: 4px solid #d33; margin: 1rem 0; padding: .2rem 1rem; background: #fff5f5; }
.chart { overflow-x: auto; margin: 1rem 0 2rem; }
.hint { color: #555; }
`

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`
}

/** JSON that cannot end the script element it sits in, nor open a comment there. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The markdown's title (its first `# ` line), for the page's <title>. */
function titleOf(markdown: string): string {
  return (
    markdown
      .match(/^# (.+)$/m)?.[1]
      ?.replace(/[`*_]/g, '')
      .trim() ?? 'Upbit → Kafka producer comparison'
  )
}

/**
 * The HTML report: the markdown's header, every chart, then the markdown's sections. Build it
 * from the markdown the bench writes (redacted there), never from the raw reports.
 */
export function comparisonHtml(markdown: string, charts: Chart[]): string {
  const code = libraryCode()
  const specs = charts.map((c, i) => ({ id: `chart-${i + 1}`, name: c.name, spec: interactive(c.spec) }))
  const cut = markdown.search(/^## /m)
  const [head, rest] = cut < 0 ? [markdown, ''] : [markdown.slice(0, cut), markdown.slice(cut)]
  const figures = charts.map(
    (c, i) =>
      `<div class="chart" id="chart-${i + 1}" data-chart="${escapeHtml(c.name)}" role="figure" aria-label="${escapeHtml(c.title)}"></div>`,
  )
  const csp = [
    "default-src 'none'",
    `script-src ${[...code, BOOT].map(sha256).join(' ')}`,
    // vega-tooltip and vega-embed add their own style elements
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(titleOf(markdown))}</title>
<style>${STYLE}</style>
</head>
<body>
${markdownToHtml(head)}
<h2>Charts</h2>
<p class="hint">Hover a mark for its values. Click a contender in a legend to show only it (shift-click to add more; click the chart's background to show all again).</p>
${figures.join('\n')}
${markdownToHtml(rest)}
<script type="application/json" id="bench-charts">${scriptJson(specs)}</script>
${code.map((c) => `<script>${c}</script>`).join('\n')}
<script>${BOOT}</script>
</body>
</html>
`
}
