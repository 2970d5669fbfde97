import { streamDownAlert, streamUpAlert } from '../domain/index.js';
import { type Database, queueAlert } from '../storage/index.js';

/** A venue stream down this long alerts (`fillbook serve --stream-down-alert`). */
export const streamDownAlertAfterMsDefault = 60_000;

interface Outage {
  id: string;
  venue: string;
  downAt: number;
  reason: string | null;
  timer: NodeJS.Timeout;
  /** Settles once the down alert is written (true) or was never due (false). */
  alerted: Promise<boolean> | false;
}

/**
 * Watches each account's venue stream in this process: a stream down longer than `alertAfterMs`
 * queues a `stream_down` alert, and the same outage's reconnection a `stream_up` one. A stream is a
 * connection of this process (each instance holds its own), so its outage is this process's fact,
 * kept here; the alert's dedupe key (the outage's id) holds it to one alert per outage. Neither
 * alert follows a change in the database, so each is written in a transaction of its own.
 */
export class StreamWatch {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly db: Database,
    private readonly alertAfterMs: number = streamDownAlertAfterMsDefault,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  disconnected(accountId: string, venue: string, reason: string | null): void {
    if (this.outages.has(accountId)) return;
    const outage: Outage = { id: crypto.randomUUID(), venue, downAt: this.now().getTime(), reason, alerted: false, timer: undefined as unknown as NodeJS.Timeout };
    const alertWhenDue = () => {
      const at = this.now();
      const downForMs = at.getTime() - outage.downAt;
      // A timer may fire a millisecond before the clock says the time is up: wait out the rest.
      if (downForMs < this.alertAfterMs) {
        outage.timer = setTimeout(alertWhenDue, this.alertAfterMs - downForMs);
        outage.timer.unref();
        return;
      }
      outage.alerted = queueAlert(this.db, accountId, streamDownAlert(outage.id, venue, new Date(outage.downAt).toISOString(), downForMs, outage.reason), at.toISOString()).then(
        () => true,
        (error: unknown) => {
          this.onError(error);
          return false;
        },
      );
    };
    outage.timer = setTimeout(alertWhenDue, this.alertAfterMs);
    outage.timer.unref();
    this.outages.set(accountId, outage);
  }

  /** The stream is back: the outage ends, and says so if it alerted. Resolves once that alert is written. */
  async reconnected(accountId: string): Promise<void> {
    const outage = this.outages.get(accountId);
    if (outage === undefined) return;
    this.outages.delete(accountId);
    clearTimeout(outage.timer);
    if (outage.alerted === false || !(await outage.alerted)) return;
    await queueAlert(this.db, accountId, streamUpAlert(outage.id, outage.venue, new Date(outage.downAt).toISOString(), this.now().toISOString()), this.now().toISOString()).catch(this.onError);
  }

  /** Accounts whose stream is down in this process now. */
  down(): string[] {
    return [...this.outages.keys()];
  }

  stop(): void {
    for (const outage of this.outages.values()) clearTimeout(outage.timer);
    this.outages.clear();
  }
}
