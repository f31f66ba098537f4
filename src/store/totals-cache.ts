import type { IDBPDatabase } from 'idb';
import type { PageDay, SiteDay } from './aggregate-records';
import { totalKeys, type Contribution, type Totals } from './daily-aggregates';
import type { LogDB } from './log-schema';

/**
 * The daily totals the recording log last read or wrote, kept in memory so that an append
 * that completes a view can write its totals without reading them first: one round trip to
 * the database, as before there were totals (docs/design.md §4, "the totals kept in memory").
 *
 * They are used only when they cannot be wrong:
 * - by one log at a time, the one that holds the Web Lock `TOTALS_LOCK` (the background's:
 *   the log of a page never holds it), so no other append changes them unseen;
 * - when no write of the totals by this log is still in flight (an append that aborts would
 *   leave a later one built on its figures);
 * - for a transaction that also checks the note of a change made elsewhere (a deletion in a
 *   page, retention, the build: `markTotalsChanged`), aborting when it is there;
 * - on the same connection they were read on.
 * Any failure forgets them all; the next append reads again. What it hands out and what it is
 * given are copied: the records kept change only through `settle`.
 */

/** The Web Lock whose holder may keep the totals in memory. */
export const TOTALS_LOCK = 'activity-log-totals';

/** The part of the Web Locks API used here (`navigator.locks`). */
export interface TotalsLocks {
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/** How many totals are kept; a day's browsing touches far fewer. */
const MAX_KEPT = 2_000;

export interface TotalsCache {
  /** Whether this log holds the lock (changes once, from false to true). */
  owns(): boolean;
  /**
   * The stored totals these contributions touch, when all are known and nothing is in
   * flight; null otherwise (read them in the transaction).
   */
  known(db: IDBPDatabase<LogDB>, contributions: readonly Contribution[]): Totals | null;
  /** A write of the totals begins; `settle` or `fail` ends it. */
  begin(): void;
  /**
   * It committed, writing `written`. `fresh`: it also found the note of a change made
   * elsewhere (and removed it), so whatever else was kept may be stale and is forgotten.
   */
  settle(db: IDBPDatabase<LogDB>, written: Totals, { fresh }: { fresh: boolean }): void;
  /** It failed, or it was another write path of this log (retention, the build): forget them all. */
  fail(): void;
}

export function createTotalsCache(locks?: TotalsLocks): TotalsCache {
  let owned = false;
  if (locks) {
    // Held until this context ends; a second context waits, and takes over when it ends.
    void locks
      .request(TOTALS_LOCK, () => {
        owned = true;
        return new Promise<never>(() => undefined);
      })
      .catch(() => undefined);
  }
  let on: IDBPDatabase<LogDB> | null = null;
  const sites = new Map<string, SiteDay>();
  const pages = new Map<string, PageDay>();
  let inFlight = 0;

  const forget = () => {
    sites.clear();
    pages.clear();
  };
  const keep = <T>(map: Map<string, T>, key: string, value: T) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_KEPT) map.delete(map.keys().next().value!);
  };

  return {
    owns: () => owned,
    known(db, contributions) {
      if (!owned || inFlight > 0 || db !== on) return null;
      const keys = totalKeys(contributions);
      if (!keys.sites.every((key) => sites.has(key)) || !keys.pages.every((key) => pages.has(key))) return null;
      // Copies, as `settle` keeps copies: what a caller does with the records it was handed
      // (an append's additions, one that then aborts) never reaches what is kept.
      return {
        sites: new Map(keys.sites.map((key) => [key, { ...sites.get(key)! }])),
        pages: new Map(keys.pages.map((key) => [key, { ...pages.get(key)! }])),
      };
    },
    begin() {
      inFlight++;
    },
    settle(db, written, { fresh }) {
      inFlight--;
      if (!owned) return;
      if (fresh || db !== on) forget();
      on = db;
      for (const [key, value] of written.sites) keep(sites, key, { ...value });
      for (const [key, value] of written.pages) keep(pages, key, { ...value });
    },
    fail() {
      inFlight--;
      forget();
    },
  };
}
