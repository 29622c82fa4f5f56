/**
 * @module bench/replay-source
 * `--source replay:FILE`: the recording read and judged before any broker or contender starts (a
 * file that is missing, too large or malformed must not cost a broker's start-up), then handed to
 * the local feed as it is, so what is audited is what was checked.
 */
import { loadRecording, RecordingError, type Recording } from '../feed/replay.ts'
import { BenchOptionsError, replayFile, type BenchOptions } from './options.ts'

/** The recording `--source` names, or undefined when the source is not a replay; throws BenchOptionsError. */
export function readReplaySource(o: Pick<BenchOptions, 'source' | 'channel'>): Recording | undefined {
  const file = replayFile(o)
  if (file === undefined) return undefined
  const refuse = (reason: string) => new BenchOptionsError(`--source ${JSON.stringify(o.source)}: ${reason}`)
  let recording: Recording
  try {
    recording = loadRecording(file)
  } catch (error) {
    if (error instanceof RecordingError) throw refuse(error.message)
    throw error
  }
  // the feed replays each frame to its own channel's receivers: another channel would receive nothing
  if (!recording.channels.has(o.channel as 'ticker' | 'trade'))
    throw refuse(
      `replay file ${file} holds ${[...recording.channels].join(' and ')} frames, nothing for --channel ${o.channel}`,
    )
  return recording
}
