import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = join(__dirname, 'txnProducer.c');
const BINARY = join(tmpdir(), 'stacktalk-kafka-mock', 'txn-producer');

/**
 * Runs a transactional librdkafka producer (compiled from Debian's librdkafka-dev when missing
 * or older than its source): each of `transactions` (`commit:v1,v2` or `abort:v1`) is one
 * transaction on partition 0 of `topic`, its batches compressed with `codec`.
 */
export function produceTransactions(
  bootstrap: string,
  topic: string,
  codec: string,
  transactions: string[],
) {
  if (
    !existsSync(BINARY) ||
    statSync(BINARY).mtimeMs < statSync(SOURCE).mtimeMs
  ) {
    mkdirSync(join(tmpdir(), 'stacktalk-kafka-mock'), { recursive: true });
    execFileSync('cc', ['-O2', '-o', BINARY, SOURCE, '-lrdkafka'], {
      stdio: 'pipe',
    });
  }
  return execFileSync(BINARY, [bootstrap, topic, codec, ...transactions], {
    stdio: 'pipe',
  }).toString();
}
