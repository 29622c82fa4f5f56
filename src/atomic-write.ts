/**
 * @module atomic-write
 * Every file the project writes (a contender's report, the bench's comparison, input JSON,
 * charts, copies of reports, per-round logs) goes through here, so none is ever written through
 * a link planted at its path: the bytes go to a new file in the same directory, created
 * exclusively (`wx`: O_CREAT|O_EXCL, which also refuses to follow a link), then renamed over the
 * path. rename(2) replaces a link itself, never its target, so a planted link is replaced by the
 * file (docs/contenders.md, "The report"), and a reader never sees half a file. Go
 * (go/internal/report/write.go) and Python (python/contender/report/write.py) do the same.
 */
import { closeSync, createWriteStream, openSync, renameSync, unlinkSync, writeSync, type WriteStream } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** A new, exclusively created file next to `path`: its descriptor and name. */
function createExclusive(path: string): { fd: number; temporary: string } {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  return { fd: openSync(temporary, 'wx', 0o644), temporary }
}

function renameInto(temporary: string, path: string): void {
  try {
    renameSync(temporary, path)
  } catch (error) {
    unlinkSync(temporary)
    throw error
  }
}

/** Writes `data` to `path` atomically; a link at `path` is replaced, its target untouched. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const { fd, temporary } = createExclusive(path)
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
  } catch (error) {
    closeSync(fd)
    unlinkSync(temporary)
    throw error
  }
  closeSync(fd)
  renameInto(temporary, path)
}

/**
 * A stream to a new file at `path` (a log that grows while a run goes on): created exclusively
 * under a temporary name and renamed to `path` before the first byte, so a link planted at
 * `path` is replaced, never written through.
 */
export function createFileStream(path: string): WriteStream {
  const { fd, temporary } = createExclusive(path)
  try {
    renameInto(temporary, path)
  } catch (error) {
    closeSync(fd)
    throw error
  }
  return createWriteStream('', { fd })
}
