/**
 * @module setup/prerequisites
 * What the machine must already have, checked before any step runs, each with the exact
 * command that installs it (Debian/Ubuntu names; .ci/run installs the same list).
 */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError'
}

export const APT_PACKAGES = [
  'build-essential',
  'pkg-config',
  'python3',
  'libssl-dev',
  'zlib1g-dev',
  'libzstd-dev',
  'liblz4-dev',
  'libsasl2-dev',
  'libcurl4-openssl-dev',
  'python3-venv',
  'python3-dev',
  'openjdk-17-jdk-headless',
  'maven',
  'golang-go',
]

const APT = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`

async function output(cmd: string[]): Promise<string | undefined> {
  if (!Bun.which(cmd[0]!)) return undefined
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' })
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  await proc.exited
  return out + err
}

function atLeast(found: number[], wanted: number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    const a = found[i] ?? 0
    const b = wanted[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

/** Throws one PrerequisiteError listing everything missing, with the install command for each. */
export async function checkPrerequisites(): Promise<void> {
  const missing: string[] = []
  for (const [tool, fix] of [
    ['cc', 'a C toolchain: apt-get install -y build-essential'],
    ['c++', 'a C++ toolchain: apt-get install -y build-essential'],
    ['make', 'make: apt-get install -y build-essential'],
    ['pkg-config', 'pkg-config: apt-get install -y pkg-config'],
    ['python3', 'python3 (node-gyp needs it): apt-get install -y python3'],
    ['npm', "npm (fetches the node contender's pinned Node from the npm registry): apt-get install -y npm"],
    ['mvn', 'Maven (fetches the Kafka jars): apt-get install -y maven'],
    ['setpriv', "util-linux (setpriv ties the bench's children to its life): apt-get install -y util-linux"],
  ] as const) {
    if (!Bun.which(tool)) missing.push(`- ${tool} not found. Install ${fix}`)
  }

  const go = await output(['go', 'version'])
  const goVersion = go?.match(/go(\d+)\.(\d+)/)
  if (!goVersion)
    missing.push('- go not found. Install Go 1.25+: https://go.dev/dl (Debian: apt-get install -y golang-go)')
  else if (!atLeast([Number(goVersion[1]), Number(goVersion[2])], [1, 25])) {
    missing.push(
      `- Go ${goVersion[1]}.${goVersion[2]} is too old: confluent-kafka-go v2.15 needs Go 1.25+ (https://go.dev/dl)`,
    )
  }

  // the Rust contender's crates (yawc, reqwest 0.13) need Rust 1.85+; distributions often ship older
  const cargo = await output(['cargo', '--version'])
  const cargoVersion = cargo?.match(/cargo (\d+)\.(\d+)/)
  const rustup = "rustup (https://rustup.rs: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh)"
  if (!cargoVersion)
    missing.push(`- cargo not found. Install Rust 1.85+ with ${rustup}, or apt-get install -y cargo where it is 1.85+`)
  else if (!atLeast([Number(cargoVersion[1]), Number(cargoVersion[2])], [1, 85]))
    missing.push(`- cargo ${cargoVersion[1]}.${cargoVersion[2]} is too old: the Rust contender needs 1.85+ (${rustup})`)

  const java = await output(['java', '-version'])
  const javaVersion = java?.match(/version "(\d+)/)
  if (!javaVersion) missing.push('- java not found. Install a JDK 17+: apt-get install -y openjdk-17-jdk-headless')
  else if (Number(javaVersion[1]) < 17) {
    missing.push(`- Java ${javaVersion[1]} is too old: Kafka 4 needs 17+ (apt-get install -y openjdk-17-jdk-headless)`)
  }

  if (Bun.which('pkg-config')) {
    for (const [lib, pkg] of [
      ['libssl', 'libssl-dev'],
      ['zlib', 'zlib1g-dev'],
      ['libzstd', 'libzstd-dev'],
      ['liblz4', 'liblz4-dev'],
      ['libsasl2', 'libsasl2-dev'],
      ['libcurl', 'libcurl4-openssl-dev'],
    ] as const) {
      const proc = Bun.spawn(['pkg-config', '--exists', lib])
      if ((await proc.exited) !== 0)
        missing.push(`- ${lib} headers not found (librdkafka needs them). Install: apt-get install -y ${pkg}`)
    }
  }

  if (missing.length > 0) {
    throw new PrerequisiteError(
      `set-up cannot continue; missing prerequisites:\n${missing.join('\n')}\n\nAll at once (Debian/Ubuntu):\n  ${APT}`,
    )
  }
}
