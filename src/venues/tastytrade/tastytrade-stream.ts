import WebSocket from 'ws';
import { backoffDelayMs, type TastytradeHttp } from './tastytrade-http.js';
import type { TastytradeConfig } from './tastytrade-config.js';
import { tastyStreamerNotificationSchema, tastyStreamerReplySchema } from './tastytrade-schemas.js';

/** A connection silent for this many heartbeat intervals is presumed dead and replaced. */
const silentIntervalsMax = 3;
const messageBytesMax = 5_000_000;

export interface StreamHandlers {
  /** The `data` of an `Order` notification, unparsed. */
  onOrder(data: unknown): void;
  /** The stream is subscribed again after a drop: whatever happened meanwhile was not pushed. */
  onReconnected(): void;
  onError(error: unknown): void;
}

/**
 * tastytrade's account streamer: a one-way WebSocket. We send `connect` with the account number
 * and the current auth token, then a heartbeat every `heartbeatIntervalMs`; tastytrade pushes
 * `{"type":"Order","data":{...}}` on every change of an order, each time with the whole order.
 * A dropped connection is reopened with backoff; once the new subscription is acknowledged,
 * `onReconnected` tells the consumer that events may have been missed (tastytrade does not replay).
 */
export class TastytradeStreamer {
  private socket: WebSocket | null = null;
  private stopped = false;
  private subscribedOnce = false;
  private failures = 0;
  private requestId = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastMessageAt = 0;

  constructor(
    private readonly url: string,
    private readonly accountNumber: string,
    private readonly http: TastytradeHttp,
    private readonly config: TastytradeConfig,
    private readonly handlers: StreamHandlers,
  ) {}

  start(): void {
    if (this.socket === null && this.reconnectTimer === null && !this.stopped) this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.teardown();
  }

  private open(): void {
    const socket = new WebSocket(this.url, { maxPayload: messageBytesMax, headers: { 'user-agent': 'fillbook/0.1' } });
    this.socket = socket;
    this.lastMessageAt = Date.now();
    socket.on('open', () => {
      this.send(socket, 'connect', [this.accountNumber]).catch((error: unknown) => this.fail(socket, error));
    });
    socket.on('message', (data) => this.receive(socket, data.toString()));
    socket.on('error', (error) => this.handlers.onError(new Error(`tastytrade streamer: ${error.message}`)));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.teardown();
      this.scheduleReconnect();
    });
  }

  private receive(socket: WebSocket, text: string): void {
    this.lastMessageAt = Date.now();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.handlers.onError(new Error('tastytrade streamer sent a message that is not JSON'));
      return;
    }
    // Several messages may arrive batched as {"results":[...]}.
    const batch = typeof json === 'object' && json !== null && Array.isArray((json as { results?: unknown }).results) ? ((json as { results: unknown[] }).results) : [json];
    for (const message of batch) {
      const notification = tastyStreamerNotificationSchema.safeParse(message);
      if (notification.success) {
        if (notification.data.type === 'Order') this.handlers.onOrder(notification.data.data);
        continue;
      }
      const reply = tastyStreamerReplySchema.safeParse(message);
      if (!reply.success) continue;
      if (reply.data.status !== 'ok') {
        this.fail(socket, new Error(`tastytrade streamer refused ${reply.data.action}: ${reply.data.message ?? 'no reason given'}`));
        return;
      }
      if (reply.data.action === 'connect') this.subscribed(socket);
    }
  }

  private subscribed(socket: WebSocket): void {
    this.failures = 0;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastMessageAt > silentIntervalsMax * this.config.heartbeatIntervalMs) {
        this.fail(socket, new Error('tastytrade streamer went silent; reconnecting'));
        return;
      }
      this.send(socket, 'heartbeat').catch((error: unknown) => this.fail(socket, error));
    }, this.config.heartbeatIntervalMs);
    if (this.subscribedOnce) this.handlers.onReconnected();
    this.subscribedOnce = true;
  }

  /** Every message carries a current auth token: tokens last 15 minutes, the connection longer. */
  private async send(socket: WebSocket, action: string, value?: unknown): Promise<void> {
    const message: Record<string, unknown> = { action, 'auth-token': await this.http.authorization(), 'request-id': ++this.requestId };
    if (value !== undefined) message.value = value;
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  private fail(socket: WebSocket, error: unknown): void {
    this.handlers.onError(error);
    if (this.socket === socket) socket.terminate();
  }

  private teardown(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      socket.removeAllListeners('close');
      socket.on('error', () => {});
      socket.terminate();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.config.reconnectDelayMs + backoffDelayMs(this.failures++, this.config.reconnectDelayMs, this.config.retryDelayMsMax);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}
