import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import './tables.ts';

// `welcome-center audit verify` (decision 12): walks the audit trail in seq order, in batches
// from one snapshot, recomputes every entry's hash with the database's own digest function
// (audit_event_digest, migration 0006) and checks that each entry names its predecessor's hash
// and follows it without a gap. The first broken link is reported.
//
// Retention removes entries from the start only (audit_event_purge, migration 0007), so the
// chain starts at the oldest remaining entry, whose own predecessor is gone: its prev_hash
// cannot be checked, only its own hash. The report names that first seq, and the last hash,
// which an operator may note elsewhere: a chain rewritten wholesale by the owner verifies,
// but no longer ends in the hash noted.

export type ChainBreak = {
  seq: string;
  /** altered: the entry's content no longer matches its hash; unlinked: its prev_hash is not
   * the previous entry's hash; missing: entries before it are gone. */
  problem: 'altered' | 'unlinked' | 'missing';
  message: string;
};

export type ChainReport = {
  /** Entries checked (up to the break, if any). */
  entries: number;
  firstSeq: string | null;
  lastSeq: string | null;
  lastHash: string | null;
  broken: ChainBreak | undefined;
};

type Row = { seq: string; prev_hash: string; hash: string; digest: string };

export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { batchSize?: number } = {},
): Promise<ChainReport> {
  const batchSize = options.batchSize ?? 5000;
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const report: ChainReport = {
        entries: 0,
        firstSeq: null,
        lastSeq: null,
        lastHash: null,
        broken: undefined,
      };
      let after: bigint | undefined;
      let previous: { seq: bigint; hash: string } | undefined;
      for (;;) {
        const { rows } = await sql<Row>`
          SELECT e.seq, e.prev_hash, e.hash, audit_event_digest(e) AS digest
          FROM audit_event e
          WHERE e.seq > ${(after ?? -1n).toString()}::bigint
          ORDER BY e.seq
          LIMIT ${batchSize}`.execute(trx);
        for (const row of rows) {
          const seq = BigInt(row.seq);
          report.broken = brokenLink(row, seq, previous);
          if (report.broken) return report;
          report.entries += 1;
          report.firstSeq ??= row.seq;
          report.lastSeq = row.seq;
          report.lastHash = row.hash;
          previous = { seq, hash: row.hash };
        }
        if (rows.length < batchSize) return report;
        after = previous?.seq;
      }
    });
}

function brokenLink(
  row: Row,
  seq: bigint,
  previous: { seq: bigint; hash: string } | undefined,
): ChainBreak | undefined {
  if (row.digest !== row.hash) {
    return {
      seq: row.seq,
      problem: 'altered',
      message: `entry ${row.seq} was changed after it was written: its hash does not match its content`,
    };
  }
  if (!previous) return undefined; // the oldest remaining entry: its predecessor may be purged
  if (seq !== previous.seq + 1n) {
    const range =
      seq === previous.seq + 2n
        ? `entry ${previous.seq + 1n} is`
        : `entries ${previous.seq + 1n} to ${seq - 1n} are`;
    return { seq: row.seq, problem: 'missing', message: `${range} missing before entry ${seq}` };
  }
  if (row.prev_hash !== previous.hash) {
    return {
      seq: row.seq,
      problem: 'unlinked',
      message: `entry ${seq} does not follow entry ${previous.seq}: its prev_hash is not that entry's hash`,
    };
  }
  return undefined;
}

/** The report in one or two lines for the command line. */
export function describeChainReport(report: ChainReport): string {
  if (report.broken) {
    return (
      `audit chain broken at seq ${report.broken.seq}: ${report.broken.message}\n` +
      `(${report.entries} entries before it are intact)`
    );
  }
  if (report.entries === 0) return '0 entries, chain intact (the audit trail is empty)';
  const purged =
    report.firstSeq === '1' ? '' : `; entries before ${report.firstSeq} removed by retention`;
  return (
    `${report.entries} entries, chain intact (seq ${report.firstSeq} to ${report.lastSeq}${purged}; ` +
    `last hash ${report.lastHash})`
  );
}
