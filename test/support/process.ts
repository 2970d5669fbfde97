import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { eventually } from './eventually.js';

export const repoRoot = new URL('../../', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a command in the repository, collecting its output for failure messages. */
export function start(command: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  let output = '';
  // Its own process group, so that stopping `npm start` also stops the server npm started.
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  return { child, output: () => output };
}

export async function waitForHealth(port: number, timeoutMs = 180_000): Promise<Response> {
  return eventually(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (response.status !== 200) throw new Error(`healthz answered ${response.status}`);
    return response;
  }, timeoutMs, 200);
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  });
}
