import WebSocket from 'ws';
import { type TradierConfig, tradierHosts } from './tradier-config.js';
import { backoffMs, parseJsonLossless } from '../wire.js';

export interface TradierStreamHandlers {
  /** Opens a streaming session (`POST /v1/accounts/events/session`); sessions live five minutes. */
  createSession(): Promise<{ url: string | null; sessionId: string }>;
  /** One message, parsed losslessly but not yet read. */
  onMessage(message: unknown): void;
  /** Streaming again after a lost connection: what changed meanwhile was not sent. */
  onReconnected(): void;
  /** An open connection dropped, with the last error seen on it; it reconnects by itself. */
  onDisconnected(reason: string | null): void;
  onError(error: Error): void;
}

/**
 * The account-events websocket. Each connection takes a fresh session, subscribes to `order`
 * events and is watched: Tradier sends a heartbeat about once a minute, so a connection silent for
 * `streamIdleTimeoutMs` is dropped. Reconnects with backoff and jitter until closed, and says so.
 */
export class TradierAccountStream {
  private ws: WebSocket | undefined;
  private closed = false;
  private connecting = false;
  private open = false;
  private everOpen = false;
  private attempt = 0;
  private lastError: string | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: TradierConfig,
    private readonly handlers: TradierStreamHandlers,
  ) {}

  start(): void {
    if (this.ws === undefined && !this.connecting && this.reconnectTimer === undefined && !this.closed) void this.connect();
  }

  /** Connected and subscribed. */
  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    this.ws?.terminate();
    this.ws = undefined;
  }

  private async connect(): Promise<void> {
    this.connecting = true;
    let session: { url: string | null; sessionId: string };
    try {
      session = await this.handlers.createSession();
    } catch (error) {
      this.connecting = false;
      this.handlers.onError(new Error(`tradier stream: no session (${error instanceof Error ? error.message : String(error)})`));
      this.scheduleReconnect();
      return;
    }
    this.connecting = false;
    if (this.closed) return;
    const url = this.config.streamUrl ?? session.url ?? (this.config.sandbox ? tradierHosts.sandbox.streamUrl : tradierHosts.production.streamUrl);
    const ws = new WebSocket(url, { handshakeTimeout: this.config.timeoutMs });
    this.ws = ws;
    ws.on('open', () => {
      ws.send(JSON.stringify({ events: ['order'], sessionid: session.sessionId, excludeAccounts: [] }));
      this.open = true;
      this.attempt = 0;
      this.watch(ws);
      if (this.everOpen) this.handlers.onReconnected();
      this.everOpen = true;
    });
    ws.on('message', (data: WebSocket.RawData) => {
      this.watch(ws);
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      let message: unknown;
      try {
        message = parseJsonLossless(text);
      } catch {
        this.handlers.onError(new Error(`tradier stream: a message that is not JSON: ${text.slice(0, 200)}`));
        return;
      }
      this.handlers.onMessage(message);
    });
    ws.on('error', (error) => {
      this.lastError = `tradier stream: ${error.message}`;
      this.handlers.onError(new Error(this.lastError));
    });
    ws.on('close', () => {
      clearTimeout(this.idleTimer);
      if (this.ws === ws) this.ws = undefined;
      if (this.open && !this.closed) this.handlers.onDisconnected(this.lastError);
      this.lastError = null;
      this.open = false;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private watch(ws: WebSocket): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.lastError = `tradier stream: silent for ${this.config.streamIdleTimeoutMs} ms (no heartbeat)`;
      this.handlers.onError(new Error(`${this.lastError}; reconnecting`));
      ws.terminate();
    }, this.config.streamIdleTimeoutMs);
  }

  private scheduleReconnect(): void {
    const delay = backoffMs(this.attempt++, this.config.reconnectDelayMs, this.config.reconnectDelayMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed) void this.connect();
    }, delay);
  }
}
