import { spawn } from 'node:child_process';
import * as path from 'node:path';

const CHILD = path.join(__dirname, 'kafka-warmup-child.cjs');

/**
 * Waits until the broker accepts a consumer group join (see kafka-warmup-child.cjs for why).
 * The Kafka client lives in a child process that exits when done, so no socket it leaves
 * behind can hold jest's main process open after the run.
 */
export function warmUpKafka(brokers: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, brokers.join(','), String(timeoutMs)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 15_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start the Kafka warm-up (${CHILD}): ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`Kafka warm-up failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`));
    });
  });
}
