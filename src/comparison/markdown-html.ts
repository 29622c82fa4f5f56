/**
 * @module comparison/markdown-html
 * The comparison's markdown as HTML, for the HTML report: the same text and tables, so the
 * numbers have one source (the markdown the sections build, already redacted). `marked` (a
 * small, well-kept CommonMark/GFM parser) does the parsing, with three rules of our own so a
 * report's text cannot become markup: raw HTML in the markdown (a value holding `<img …>`) is
 * shown as text, a link goes only to http(s) or an anchor, and an image is shown as its alt text
 * (the report opens from disk and fetches nothing).
 */
import { Marked, type Tokens } from 'marked'

/** Text as HTML text or a double-quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const SAFE_HREF = /^(https?:\/\/|#)/i

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text)
    },
    link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens)
      if (!SAFE_HREF.test(token.href)) return text
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : ''
      return `<a href="${escapeHtml(token.href)}"${title} rel="noreferrer">${text}</a>`
    },
    image({ text }: Tokens.Image): string {
      return escapeHtml(text)
    },
  },
})

/** The markdown as an HTML fragment with no markup of the text's own. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false })
}
