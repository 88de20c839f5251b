import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SOURCE = join(__dirname, 'launcher.c');
const BINARY = join(tmpdir(), 'stacktalk-kafka-mock', 'kafka-mock');

/** Compiles the launcher against Debian's librdkafka-dev when it is missing or older than its source. */
export function buildKafkaMock(): string {
  if (!existsSync(BINARY) || statSync(BINARY).mtimeMs < statSync(SOURCE).mtimeMs) {
    mkdirSync(join(tmpdir(), 'stacktalk-kafka-mock'), { recursive: true });
    try {
      execFileSync('cc', ['-O2', '-o', BINARY, SOURCE, '-lrdkafka'], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`Could not compile the Kafka mock broker (needs: apt-get install librdkafka-dev gcc): ${String((e as any).stderr ?? e)}`);
    }
  }
  return BINARY;
}

export interface KafkaMock {
  bootstrap: string;
  /** All brokers down (connections dropped, new ones refused) / back up on the same addresses. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts librdkafka's mock cluster with `topics` (`name` or `name:partitions`). */
export async function startKafkaMock(topics: string[], brokers = 1): Promise<KafkaMock> {
  const child: ChildProcessWithoutNullStreams = spawn(buildKafkaMock(), ['--brokers', String(brokers), ...topics]);
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', line => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', code => reject(new Error(`kafka-mock exited with ${code}`)));
  });
  const bootstrap = await nextLine();
  const command = async (c: string) => {
    const answer = nextLine();
    child.stdin.write(`${c}\n`);
    await answer;
  };
  return {
    bootstrap,
    down: () => command('down'),
    up: () => command('up'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
