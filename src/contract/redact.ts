/**
 * @module contract/redact
 * The one redaction rule (`SECRETS` in rules.ts) as TypeScript: which librdkafka properties are
 * secret, how a value, a `k=v,k=v` list and a URL are shown, and a scrubber for text that came
 * from elsewhere (a library's error message) and may quote a secret. Go
 * (go/internal/contract/redact.go) and Python (python/contender/redact.py) implement the same
 * functions from the same contract-rules.json; the bench uses this one.
 */
import { SECRETS } from './rules.ts'

export const REDACTED = SECRETS.replacement

export function isSecretProperty(name: string): boolean {
  const lower = name.trim().toLowerCase()
  return (SECRETS.properties as readonly string[]).includes(lower) || SECRETS.words.some((word) => lower.includes(word))
}

/** The properties with every secret value replaced (keys kept: the bench compares them). */
export function redactSettings(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, isSecretProperty(k) ? REDACTED : v]))
}

/**
 * A `k=v,k=v` text as it may be printed: secret values replaced. An item without `=` right after a
 * secret one is taken for the rest of its value (a secret holding a comma) and replaced too, as is
 * one that names a secret property.
 */
export function redactPropertiesText(text: string): string {
  let afterSecret = false
  return text
    .split(',')
    .map((item) => {
      const eq = item.indexOf('=')
      if (eq < 0) return afterSecret || isSecretProperty(item) ? REDACTED : item
      afterSecret = isSecretProperty(item.slice(0, eq))
      return afterSecret ? `${item.slice(0, eq)}=${REDACTED}` : item
    })
    .join(',')
}

/**
 * Why item `index` (from 0) of a `k=v,k=v` text is not `key=value`, as it may be printed: the item
 * itself, or only its position when it is hidden (it follows a secret or names one).
 */
export function notKeyValueReason(text: string, index: number): string {
  const shown = redactPropertiesText(text).split(',')[index]!.trim()
  return shown === REDACTED
    ? `item ${index + 1} is not key=value (not shown: it may hold part of a secret)`
    : `${JSON.stringify(shown)} is not key=value`
}

/** A URL as it may be printed: its user info (`user:pass@`) replaced, the rest kept. */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? ''
  const rest = url.slice(scheme.length)
  const end = rest.search(/[/?#]/)
  const at = (end < 0 ? rest : rest.slice(0, end)).lastIndexOf('@')
  return at < 0 ? url : `${scheme}${REDACTED}${rest.slice(at)}`
}

/** The user info of a URL (`user:pass`), its parts, and their percent-decoded forms. */
function userInfoSecrets(url: string): string[] {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? ''
  const rest = url.slice(scheme.length)
  const end = rest.search(/[/?#]/)
  const authority = end < 0 ? rest : rest.slice(0, end)
  const at = authority.lastIndexOf('@')
  if (at < 0) return []
  const info = authority.slice(0, at)
  const parts = [info, ...info.split(':')]
  const decoded = parts.map((p) => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p
    }
  })
  return [...parts, ...decoded]
}

/**
 * Replaces every secret string in text that this project did not compose (a library's error, a
 * line echoing a URL): the values of secret properties and the user info of the URLs given.
 * Longest first, so a secret containing another is replaced whole.
 */
export class Scrubber {
  private readonly secrets: string[]

  constructor(settings: Record<string, string>, urls: string[] = []) {
    const values = Object.entries(settings)
      .filter(([k]) => isSecretProperty(k))
      .map(([, v]) => v)
    this.secrets = [...new Set([...values, ...urls.flatMap(userInfoSecrets)])]
      .filter((s) => s.length > 0)
      .sort((a, b) => b.length - a.length)
  }

  scrub(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED)
    return out
  }
}
