/**
 * How a sink's integration test (on Bun) runs one case of sink-driver.fixture.ts in the runtime
 * the sink runs on (ffi-sink-node.int.test.ts on Node, ffi-sink-deno.int.test.ts on Deno).
 */

/** Runs `command` (one driver case) until it ends by itself or `timeoutMs`; its JSON line. */
export async function runDriverCase(command: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const proc = Bun.spawn(command, { stdout: 'pipe', stderr: 'pipe' })
  const timer = setTimeout(() => proc.kill(), timeoutMs)
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(timer)
  if (code !== 0)
    throw new Error(`driver ${command.join(' ')} exited ${code} (${proc.signalCode ?? 'no signal'}): ${err}`)
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>
}
