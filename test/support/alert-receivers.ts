import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/**
 * A local HTTP receiver for alert sinks (a webhook endpoint, a Slack incoming webhook, the Telegram
 * Bot API). It can answer 500 for a while (`failing`), or stop listening altogether (`down`:
 * connections are refused) and come back on the same port (`up`).
 */
export class Receiver {
  readonly received: Received[] = [];
  /** While set, every request is answered with this status (and counted in `refused`). */
  failing: number | null = null;
  refused = 0;
  private server: Server | undefined;
  private portNumber = 0;

  constructor(private readonly answer: (r: Received) => { status: number; body: string; headers?: Record<string, string> } = () => ({ status: 200, body: 'ok' })) {}

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not JSON: kept as text
        }
        const r: Received = { path: req.url ?? '', headers: req.headers, body, json };
        if (this.failing !== null) {
          this.refused++;
          res.writeHead(this.failing, { 'content-type': 'text/plain' }).end('down for maintenance');
          return;
        }
        this.received.push(r);
        const a = this.answer(r);
        res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers }).end(a.body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections to the port are refused until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A receiver answering as Telegram's sendMessage does. */
export function telegramReceiver(): Receiver {
  let messageId = 0;
  return new Receiver(() => ({ status: 200, body: JSON.stringify({ ok: true, result: { message_id: ++messageId, chat: { id: -100 }, text: '…' } }), headers: { 'content-type': 'application/json' } }));
}
