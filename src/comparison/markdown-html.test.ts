import { describe, expect, test } from 'bun:test'
import { table } from './markdown.ts'
import { escapeHtml, markdownToHtml } from './markdown-html.ts'

describe('markdownToHtml', () => {
  test('renders the markdown tables, escaped pipes and inline code as HTML tables', () => {
    const html = markdownToHtml(table(['', 'a|b'], [['`x<y`', '**bold**']]))
    expect(html).toContain('<th>a|b</th>')
    expect(html).toContain('<td><code>x&lt;y</code></td>')
    expect(html).toContain('<td><strong>bold</strong></td>')
  })

  test('shows raw HTML as text, inline and as a block', () => {
    const html = markdownToHtml('a <img src=x onerror=alert(1)> b\n\n<div onclick="x()">block</div>\n')
    expect(html).not.toMatch(/<img|<div/)
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
    expect(html).toContain('&#60;div onclick=&#34;x()&#34;&#62;block&#60;/div&#62;')
  })

  test('links only to http(s) and anchors; images as their alt text', () => {
    const html = markdownToHtml(
      '[ok](https://example.org/a?b=1&c=2) [bad](javascript:alert(1)) [local](file:///etc/passwd) ![chart](../charts/x.png)',
    )
    expect(html).toContain('<a href="https://example.org/a?b=1&#38;c=2" rel="noreferrer">ok</a>')
    expect(html).not.toMatch(/javascript:|file:|<img/)
    expect(html).toContain('bad')
    expect(html).toContain('chart')
  })

  test('escapeHtml covers text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    )
  })
})
