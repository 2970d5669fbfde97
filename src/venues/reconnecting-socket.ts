import WebSocket from 'ws';
import { fullJitterBackoffMs } from './wire.js';

/** A connection silent (not even an answer to a keepalive) for this many intervals is presumed dead and replaced. */
const silentIntervalsMax = 3;

export interface ReconnectTiming {
  /** The first wait before reopening, and the base of the backoff added to it. */
  reconnectDelayMs: number;
  /** The most the backoff adds. */
  retryDelayMsMax: number;
  /** How often a subscribed connection sends its keepalive. */
  keepaliveIntervalMs: number;
}

export interface ReconnectingSocketEvents {
  /** Subscribed again after a drop: whatever the venue pushed meanwhile is lost (venues do not replay). */
  onReconnected(): void;
  /** A subscribed connection dropped, with the last error seen on it; `onReconnected` follows when it is back. */
  onDisconnected?(reason: string | null): void;
  onError(error: unknown): void;
}

/**
 * The life of a venue's private WebSocket that must stay up: open, log in and subscribe (the venue's
 * part), a keepalive on an interval once subscribed, a connection silent for `silentIntervalsMax`
 * intervals replaced, a dropped one reopened with backoff, and `onReconnected` once a new
 * subscription is acknowledged, so the consumer knows to reconcile. A venue's stream supplies what
 * it sends on open, how it reads a message, and its keepalive; it calls `subscribed` when the venue
 * acknowledges the subscription and `fail` when the venue refuses something.
 */
export abstract class ReconnectingSocket {
  private socket: WebSocket | null = null;
  private stopped = false;
  private subscribedOnce = false;
  private failures = 0;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastMessageAt = 0;
  /** Subscribed on the current connection; a drop of such a connection is a disconnect the consumer hears of. */
  private live = false;
  private lastError: string | null = null;

  protected constructor(
    private readonly url: string,
    private readonly options: WebSocket.ClientOptions,
    private readonly timing: ReconnectTiming,
    protected readonly events: ReconnectingSocketEvents,
    /** Names the stream in its errors, e.g. "bybit private stream". */
    private readonly label: string,
  ) {}

  /** The socket is open: log in and subscribe. */
  protected abstract opened(socket: WebSocket): void;
  /** One message, as text. */
  protected abstract received(socket: WebSocket, text: string): void;
  /** What the venue wants on every interval to keep the connection. */
  protected abstract keepalive(socket: WebSocket): void;

  start(): void {
    if (this.socket === null && this.reconnectTimer === null && !this.stopped) this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.teardown();
  }

  /** The venue acknowledged the subscription: keep the connection alive, and say so after a reconnect. */
  protected subscribed(socket: WebSocket): void {
    this.failures = 0;
    this.live = true;
    if (this.keepaliveTimer !== null) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = setInterval(() => {
      if (Date.now() - this.lastMessageAt > silentIntervalsMax * this.timing.keepaliveIntervalMs) {
        this.fail(socket, new Error(`${this.label} went silent; reconnecting`));
        return;
      }
      this.keepalive(socket);
    }, this.timing.keepaliveIntervalMs);
    if (this.subscribedOnce) this.events.onReconnected();
    this.subscribedOnce = true;
  }

  /** Reports the error and drops the connection, which is then reopened. */
  protected fail(socket: WebSocket, error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.events.onError(error);
    if (this.socket === socket) socket.terminate();
  }

  private open(): void {
    const socket = new WebSocket(this.url, this.options);
    this.socket = socket;
    this.lastMessageAt = Date.now();
    socket.on('open', () => this.opened(socket));
    socket.on('message', (data) => {
      this.lastMessageAt = Date.now();
      this.received(socket, data.toString());
    });
    socket.on('error', (error) => {
      this.lastError = `${this.label}: ${error.message}`;
      this.events.onError(new Error(this.lastError));
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      if (this.live) this.events.onDisconnected?.(this.lastError);
      this.live = false;
      this.lastError = null;
      this.teardown();
      this.scheduleReconnect();
    });
  }

  private teardown(): void {
    if (this.keepaliveTimer !== null) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
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
    const delay = this.timing.reconnectDelayMs + fullJitterBackoffMs(this.failures++, this.timing.reconnectDelayMs, this.timing.retryDelayMsMax);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}
