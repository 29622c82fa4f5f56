/**
 * @module bench/tether
 * Every program the bench starts (Kafka's JVMs, the contenders, the ceilings' tools, the feed's
 * reader, the test suites) dies with the process that started it, even when that process is
 * SIGKILLed and no exit hook of its own can run (issue 25: a killed bench left its broker
 * listening with 224 MB RSS, and a contender ran on for 30 s).
 *
 * How: `setpriv --pdeathsig KILL -- cmd` (util-linux, Essential in Debian) sets the kernel's
 * parent-death signal (PR_SET_PDEATHSIG) and then execs `cmd`. Chosen over a pipe the child
 * watches or a watchdog process because:
 *  - the kernel delivers it on any death of the parent, SIGKILL and the OOM killer included;
 *  - nothing stays in between: setpriv execs the program, so the pid the bench holds, signals,
 *    /proc CPU samples and the stdin/stdout pipes are the program's own;
 *  - it needs no cooperation: the JVM reads no stdin, and a contender stops reading stdin once
 *    its START line came (the window it would otherwise run on for).
 * Its limits, and why they hold here: the signal fires when the *thread* that forked the child
 * exits; Bun spawns (vfork) on its JS main thread (checked with strace), which lives as long as
 * the process, so never spawn through this from a Worker. It is not inherited by the child's own
 * children; the programs started here keep theirs inside (the JVM and the contenders fork
 * nothing), and a chain of tethered processes (bun run test → bun test → a broker) unwinds link by
 * link. A parent dying between the fork and setpriv's prctl escapes it: the next run's sweep of
 * stale broker dirs (broker/stale-runs.ts) catches that rare stray.
 */

let setprivFound: boolean | undefined

/** `cmd` run so that it is SIGKILLed when this process dies. */
export function tethered(cmd: string[]): string[] {
  setprivFound ??= Bun.which('setpriv') !== null
  if (!setprivFound)
    throw new Error(
      'setpriv not found: the bench ties every program it starts to its own life with it; install util-linux (apt-get install -y util-linux)',
    )
  return ['setpriv', '--pdeathsig', 'KILL', '--', ...cmd]
}
