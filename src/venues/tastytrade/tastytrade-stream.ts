import WebSocket from 'ws';
import { ReconnectingSocket } from '../reconnecting-socket.js';
import type { TastytradeHttp } from './tastytrade-http.js';
import type { TastytradeConfig } from './tastytrade-config.js';
import { tastyStreamerNotificationSchema, tastyStreamerReplySchema } from './tastytrade-schemas.js';

const messageBytesMax = 5_000_000;

export interface StreamHandlers {
  /** The `data` of an `Order` notification, unparsed. */
  /** An order notification's data, and the notification's `timestamp` (ISO) when it has one. */
  onOrder(data: unknown, timestamp: string | null): void;
  /** The stream is subscribed again after a drop: whatever happened meanwhile was not pushed. */
  onReconnected(): void;
  /** A subscribed connection dropped (it is reopened; `onReconnected` follows). */
  onDisconnected(reason: string | null): void;
  onError(error: unknown): void;
}

/**
 * tastytrade's account streamer: a one-way WebSocket. We send `connect` with the account number
 * and the current auth token, then a heartbeat every `heartbeatIntervalMs`; tastytrade pushes
 * `{"type":"Order","data":{...}}` on every change of an order, each time with the whole order.
 * A dropped connection is reopened with backoff; once the new subscription is acknowledged,
 * `onReconnected` tells the consumer that events may have been missed (tastytrade does not replay).
 */
export class TastytradeStreamer extends ReconnectingSocket {
  private requestId = 0;

  constructor(
    url: string,
    private readonly accountNumber: string,
    private readonly http: TastytradeHttp,
    config: TastytradeConfig,
    private readonly handlers: StreamHandlers,
  ) {
    super(
      url,
      { maxPayload: messageBytesMax, headers: { 'user-agent': 'fillbook/0.1' } },
      { reconnectDelayMs: config.reconnectDelayMs, retryDelayMsMax: config.retryDelayMsMax, keepaliveIntervalMs: config.heartbeatIntervalMs },
      handlers,
      'tastytrade streamer',
    );
  }

  protected opened(socket: WebSocket): void {
    this.send(socket, 'connect', [this.accountNumber]).catch((error: unknown) => this.fail(socket, error));
  }

  protected keepalive(socket: WebSocket): void {
    this.send(socket, 'heartbeat').catch((error: unknown) => this.fail(socket, error));
  }

  protected received(socket: WebSocket, text: string): void {
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
        if (notification.data.type === 'Order') this.handlers.onOrder(notification.data.data, notification.data.timestamp ?? null);
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

  /** Every message carries a current auth token: tokens last 15 minutes, the connection longer. */
  private async send(socket: WebSocket, action: string, value?: unknown): Promise<void> {
    const message: Record<string, unknown> = { action, 'auth-token': await this.http.authorization(), 'request-id': ++this.requestId };
    if (value !== undefined) message.value = value;
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
}
