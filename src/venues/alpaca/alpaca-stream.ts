import WebSocket from 'ws';
import type { AlpacaConfig, AlpacaCredentials } from './alpaca-config.js';
import { alpacaStreamFrame } from './alpaca-payloads.js';
import { backoffMs, describeIssues, parseJsonLossless } from '../wire.js';

export interface AlpacaStreamHandlers {
  /** The `data` of one `trade_updates` frame, unparsed. */
  onTradeUpdate(data: unknown): void;
  /** Listening again after a lost connection: what was sent meanwhile is lost (Alpaca does not replay). */
  onReconnected(): void;
  /** A listening connection dropped, with the last error seen on it; it reconnects by itself. */
  onDisconnected(reason: string | null): void;
  onError(error: Error): void;
}

/**
 * The `trade_updates` websocket, on `ws` rather than the SDK's `TradingStream`: the SDK hands each
 * update over already mapped through its models (camelCase keys, `Date`s cut to the millisecond),
 * so the raw payload, which the adapter parses with the same schema as the REST orders and orders
 * to the nanosecond, would be gone. Reconnects with backoff and jitter until closed; authenticates,
 * listens, and after every reconnect says so.
 */
export class AlpacaTradeStream {
  readonly #credentials: AlpacaCredentials;
  private ws: WebSocket | undefined;
  private closed = false;
  private listening = false;
  private everListened = false;
  private attempt = 0;
  private lastError: string | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AlpacaConfig,
    credentials: AlpacaCredentials,
    private readonly handlers: AlpacaStreamHandlers,
  ) {
    this.#credentials = credentials;
  }

  start(): void {
    if (this.ws === undefined && this.reconnectTimer === undefined && !this.closed) this.connect();
  }

  /** Connected, authenticated and listening to `trade_updates`. */
  get isListening(): boolean {
    return this.listening;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.ws?.terminate();
    this.ws = undefined;
  }

  private connect(): void {
    const ws = new WebSocket(this.config.streamUrl, { handshakeTimeout: this.config.timeoutMs });
    this.ws = ws;
    let alive = true;
    ws.on('open', () => {
      ws.send(JSON.stringify({ action: 'authenticate', data: { key_id: this.#credentials.keyId, secret_key: this.#credentials.secretKey } }));
      this.heartbeat = setInterval(() => {
        if (!alive) {
          this.lastError = `alpaca stream: no answer to a ping within ${this.config.heartbeatMs} ms`;
          this.handlers.onError(new Error(`${this.lastError}; reconnecting`));
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, this.config.heartbeatMs);
    });
    ws.on('pong', () => (alive = true));
    ws.on('message', (data: WebSocket.RawData) => {
      alive = true;
      // The paper host sends binary frames, the live one text; both are UTF-8 JSON.
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.handle(ws, text);
    });
    ws.on('error', (error) => {
      this.lastError = `alpaca stream: ${error.message}`;
      this.handlers.onError(new Error(this.lastError));
    });
    ws.on('close', () => {
      clearInterval(this.heartbeat);
      if (this.ws === ws) this.ws = undefined;
      if (this.listening && !this.closed) this.handlers.onDisconnected(this.lastError);
      this.lastError = null;
      this.listening = false;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private handle(ws: WebSocket, text: string): void {
    let frame;
    try {
      const parsed = alpacaStreamFrame.safeParse(parseJsonLossless(text));
      if (!parsed.success) throw new Error(describeIssues(parsed.error));
      frame = parsed.data;
    } catch (error) {
      this.handlers.onError(new Error(`alpaca stream: unreadable frame (${error instanceof Error ? error.message : String(error)})`));
      return;
    }
    if (frame.stream === 'authorization') {
      if (frame.data.status === 'authorized') {
        ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
      } else {
        // Bad keys do not get better by retrying at once: the backoff grows until they are fixed.
        this.handlers.onError(new Error(`alpaca stream: not authorized (${frame.data.message ?? frame.data.status}); check the API key`));
        ws.close();
      }
    } else if (frame.stream === 'listening') {
      if (!frame.data.streams.includes('trade_updates')) {
        this.handlers.onError(new Error('alpaca stream: the venue did not grant trade_updates'));
        return;
      }
      this.listening = true;
      this.attempt = 0;
      if (this.everListened) this.handlers.onReconnected();
      this.everListened = true;
    } else {
      this.handlers.onTradeUpdate(frame.data);
    }
  }

  private scheduleReconnect(): void {
    const delay = backoffMs(this.attempt++, this.config.reconnectDelayMs, this.config.reconnectDelayMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed) this.connect();
    }, delay);
  }
}
