/**
 * The bench's handle on a running contender: telling one that has stopped reading (it closed its
 * stdin on its way out, as a contender refusing its config does) is not the bench's error.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RunningContender } from './spawn.ts'

test('START to a contender that closed its stdin is dropped, not thrown (EPIPE), and its exit code stands', async () => {
  const log = join(mkdtempSync(join(tmpdir(), 'ukb-spawn-')), 'c.log')
  // the prefix runs in the contender's place: it closes stdin, lives a moment, then exits 2
  const c = new RunningContender('bun', {}, log, ['sh', '-c', 'exec 0<&-; sleep 0.5; exit 2', 'closed-stdin'])
  await Bun.sleep(200)
  expect(() => c.start(Date.now())).not.toThrow()
  expect(() => c.write('again\n')).not.toThrow()
  expect(await c.exited).toBe(2)
})
