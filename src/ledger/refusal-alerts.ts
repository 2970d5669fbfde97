import { exposureRefusedAlert, type FillbookError, type RefusedSubject } from '../domain/index.js';
import { type Database, queueAlert } from '../storage/index.js';

/**
 * The exposure guard's refusal commits nothing, so there is no transaction for its alert to join:
 * it is queued in a transaction of its own right after the refusal, before the refusal reaches the
 * caller. Should that write fail (the database went away), the caller gets that error instead of
 * the refusal, and its retry is refused and alerted then: the alert is never silently lost. At most
 * one alert a minute per position (a bot that retries a refused entry in a loop).
 */
export async function queueExposureAlert(db: Database, subject: RefusedSubject, refusal: FillbookError, at: string): Promise<void> {
  await queueAlert(db, subject.accountId, exposureRefusedAlert(refusal.details, subject, at), at);
}
