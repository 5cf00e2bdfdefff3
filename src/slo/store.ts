/**
 * SLO state persistence (docs/slo-runtime.md "Persistence and workers": a restart keeps the
 * history, the budget and the alert state): the engine's export() — its bucket counts and alert
 * states, plain JSON — kept in one row of a local SQLite file, and beside it what each alert
 * receiver holds open (docs/alerts.md "Restarts").
 *
 * better-sqlite3 is synchronous, and that is fine here: the store is written once per
 * `alerts.evaluation_interval` and on shutdown, never per request, and each write is one small
 * row in one transaction. WAL mode (https://www.sqlite.org/wal.html) keeps a crash mid-write
 * from tearing the file: the last committed state survives.
 *
 * A file that cannot be opened or read (corrupt, not SQLite, a directory, no permission) never
 * stops the gateway: open() reports why and the caller runs in memory (docs/slo-runtime.md).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SloAlertEvent } from '../core/events.js';

/** Bumped when the stored shape changes; a row of another version is ignored (not misread). */
export const STORE_FORMAT = 1;

export interface StoredState<T> {
  state: T;
  savedAt: number; // epoch ms
}

export type OpenResult<T> = { ok: true; store: SloStore<T> } | { ok: false; error: string };

/** An alert a receiver (by name and type) holds open: its last successful delivery was a trigger. */
export interface OpenAlert {
  receiver: string;
  type: string;
  event: SloAlertEvent;
}

export class SloStore<T> {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #put: Database.Statement<[number, number, string]>;
  readonly #get: Database.Statement<[number], { saved_at: number; state: string }>;
  readonly #putOpen: Database.Statement<[string, string, string, string]>;
  readonly #dropOpen: Database.Statement<[string, string, string]>;
  readonly #listOpen: Database.Statement<[], { receiver: string; type: string; event: string }>;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    this.#putOpen = db.prepare(
      'INSERT INTO alert_open (receiver, type, key, event) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (receiver, type, key) DO UPDATE SET event = excluded.event',
    );
    this.#dropOpen = db.prepare('DELETE FROM alert_open WHERE receiver = ? AND type = ? AND key = ?');
    this.#listOpen = db.prepare('SELECT receiver, type, event FROM alert_open ORDER BY rowid');
    this.#put = db.prepare(
      'INSERT INTO slo_state (format, saved_at, state) VALUES (?, ?, ?) ' +
        'ON CONFLICT (format) DO UPDATE SET saved_at = excluded.saved_at, state = excluded.state',
    );
    this.#get = db.prepare('SELECT saved_at, state FROM slo_state WHERE format = ?');
  }

  /** Opens (creating the file and its directory if needed); never throws. */
  static open<T>(path: string): OpenResult<T> {
    let db: Database.Database | null = null;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL'); // durable at each checkpoint; enough for counters
      db.exec(
        'CREATE TABLE IF NOT EXISTS slo_state (format INTEGER PRIMARY KEY, saved_at INTEGER NOT NULL, state TEXT NOT NULL)',
      );
      // What each receiver holds open, one row per (receiver, alert): written at each successful
      // delivery, so a restart knows what to resolve and what was never delivered (docs/alerts.md).
      db.exec(
        'CREATE TABLE IF NOT EXISTS alert_open (receiver TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (receiver, type, key))',
      );
      // A quick check reads every page: a corrupt file is found now, not at the first save.
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
      return { ok: true, store: new SloStore<T>(path, db) };
    } catch (err) {
      try {
        db?.close();
      } catch {
        // already unusable
      }
      return { ok: false, error: (err as Error).message };
    }
  }

  /** The last saved state, or null when none was saved (a new file) or it cannot be parsed. */
  load(): StoredState<T> | null {
    const row = this.#get.get(STORE_FORMAT);
    if (!row) return null;
    return { state: JSON.parse(row.state) as T, savedAt: row.saved_at };
  }

  /** Replaces the saved state in one transaction (a single upsert is atomic in SQLite). */
  save(state: T, savedAt: number): void {
    this.#put.run(STORE_FORMAT, savedAt, JSON.stringify(state));
  }

  /** The alerts receivers hold open, oldest first; rows that do not parse are skipped. */
  openAlerts(): OpenAlert[] {
    return this.#listOpen.all().flatMap((r) => {
      try {
        return [{ receiver: r.receiver, type: r.type, event: JSON.parse(r.event) as SloAlertEvent }];
      } catch {
        return [];
      }
    });
  }

  /** A successful delivery: a trigger opens (or refreshes) the row, a resolve removes it. */
  delivered(d: OpenAlert): void {
    if (d.event.state === 'firing')
      this.#putOpen.run(d.receiver, d.type, d.event.key, JSON.stringify(d.event));
    else this.#dropOpen.run(d.receiver, d.type, d.event.key);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
