/**
 * @module testing/chromium
 * A headless Chromium for tests that need a real browser (the HTML report's): Debian's
 * chromium, driven by playwright-core (which downloads no browser of its own), with a fresh
 * profile each launch and every background service off, since on a closed network Chromium's
 * own requests (updates, sync, QUIC probes) fail and would be mistaken for the page's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's chromium; CHROMIUM_PATH points elsewhere (another distribution's build). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Starts Chromium, or throws one line naming the fix when it is not installed. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<Chromium> {
  if (!existsSync(path))
    throw new Error(
      `chromium not found at ${path}: the HTML report's test needs it. Install: apt-get install -y chromium`,
    )
  const profile = mkdtempSync(join(tmpdir(), 'bench-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: path,
      headless: true,
      args: ARGS,
      timeout: 60_000,
    })
    return {
      context,
      close: async () => {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
}
