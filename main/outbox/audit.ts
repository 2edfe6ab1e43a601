// The decisions' audit log: what the operator and the queue did to each decision, as stored, read back and exported.
import type { AuditEntry } from '../../preload/contract.ts';
import type { RuleLocale } from '../../preload/decision-rules.ts';
import type { Writable } from 'node:stream';
import type { AuditRepository } from '../store/outbox-repository.ts';
import { writeAuditCsv } from './csv.ts';

/** At most this many rows in one read of the log. */
const READ_CAP = 100_000;

export class AuditLog {
  readonly #repository: AuditRepository<'sync'>;
  readonly #locale: () => RuleLocale;

  constructor(repository: AuditRepository<'sync'>, locale: () => RuleLocale) {
    this.#repository = repository;
    this.#locale = locale;
  }

  /** The last `limit` rows, oldest first, of one return or of all. */
  latest(returnId?: number, limit = 500): AuditEntry[] {
    return this.#repository.latest(returnId, Math.min(Math.max(1, Math.floor(limit)), READ_CAP));
  }

  /** Writes the log (of one return or all) as CSV: UTF-8 with BOM, RFC 4180 quoting. Returns the rows written. */
  exportCsv(target: string | Writable, options: { returnId?: number; locale?: RuleLocale } = {}): Promise<number> {
    return writeAuditCsv(target, this.#repository.all(options.returnId), options.locale ?? this.#locale());
  }
}
