import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server } from 'node:net';
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

/**
 * A fixed address in front of the mock's bootstrap (librdkafka 2.0.2 picks random ports), so
 * app-config can name it: clients bootstrap here, then follow the metadata to the broker's own
 * port on the same host.
 */
async function forward(port: number, target: string): Promise<Server> {
  const [host, targetPort] = target.split(':');
  const server = createServer(client => {
    const upstream = createConnection({ host, port: Number(targetPort) });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', error => reject(new Error(`cannot listen on 127.0.0.1:${port} for the Kafka mock: ${error.message}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

/**
 * Starts librdkafka's mock cluster with `topics` (`name` or `name:partitions`); with `port`,
 * its bootstrap address is 127.0.0.1:`port`.
 */
export async function startKafkaMock(topics: string[], brokers = 1, port?: number): Promise<KafkaMock> {
  const child: ChildProcessWithoutNullStreams = spawn(buildKafkaMock(), ['--brokers', String(brokers), ...topics]);
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', line => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', code => reject(new Error(`kafka-mock exited with ${code}`)));
  });
  const mockBootstrap = await nextLine();
  let forwarder: Server | undefined;
  try {
    forwarder = port ? await forward(port, mockBootstrap.split(',')[0]) : undefined;
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  const bootstrap = port ? `127.0.0.1:${port}` : mockBootstrap;
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
      forwarder?.close();
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
