/**
 * The sweep of what dead runs left under .cache/kafka/runs/ (here a temporary root): a dir whose
 * owner is gone goes, its stray JVM killed first; a live owner's dir, and a young dir with no
 * owner file (a start in progress), stay.
 */
import { afterAll, expect, test } from 'bun:test'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { claimRunDir, processesUsing, sweepStaleRuns } from './stale-runs.ts'

const root = mkdtempSync(join(tmpdir(), 'ukb-runs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function running(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')
  } catch {
    return false
  }
}

test('a dead owner: its stray JVM is killed and its dir removed; live and young dirs stay', async () => {
  // a pid that was, and is no more
  const gone = Bun.spawn(['true'])
  await gone.exited
  const dead = join(root, 'dead')
  mkdirSync(dead)
  writeFileSync(join(dead, 'owner.json'), JSON.stringify({ pid: gone.pid, startTicks: 1 }))
  writeFileSync(join(dead, 'broker.log'), '')
  // a "JVM" of that run (argv[0] java, a path inside the dir), and a log reader that is not one
  // (the pause before exec widens the window in which it is still bash, as a loaded machine does)
  const stray = Bun.spawn(['bash', '-c', `sleep 0.3; exec -a java tail -f ${join(dead, 'broker.log')}`])
  const reader = Bun.spawn(['tail', '-f', join(dead, 'broker.log')])
  const mine = join(root, 'mine')
  mkdirSync(mine)
  claimRunDir(mine)
  const starting = join(root, 'starting')
  mkdirSync(starting)
  const old = join(root, 'old-ownerless')
  mkdirSync(old)
  utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
  // until the stray is a "java" (bash has exec'd) and the reader runs: before its exec the stray's
  // argv[0] is bash, which the sweep rightly leaves alone, and which then became java and survived
  // (the fresh-clone failure of stop 33's CI, one run in many, under load)
  const ready = () => processesUsing(dead, true).length === 1 && processesUsing(dead).length === 2
  for (const until = Date.now() + 5000; !ready() && Date.now() < until;) await Bun.sleep(20)
  expect(ready()).toBe(true)

  try {
    expect(sweepStaleRuns(root).sort()).toEqual([dead, old])
    expect(running(stray.pid)).toBe(false)
    expect(running(reader.pid)).toBe(true)
    expect([existsSync(dead), existsSync(mine), existsSync(starting), existsSync(old)]).toEqual([
      false,
      true,
      true,
      false,
    ])
  } finally {
    stray.kill('SIGKILL')
    reader.kill('SIGKILL')
  }
})

test('the owner file is never written through a planted link', () => {
  const dir = join(root, 'planted')
  mkdirSync(dir)
  const target = join(root, 'target')
  symlinkSync(target, join(dir, 'owner.json'))
  expect(() => claimRunDir(dir)).toThrow()
  expect(existsSync(target)).toBe(false)
})
