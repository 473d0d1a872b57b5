/**
 * The write-ahead journal that makes the in-memory sql.js database durable.
 *
 * sql.js has no file backing, so every change is first appended here and
 * fdatasync'ed, then applied to memory; a snapshot of the database later
 * makes older records unnecessary. Each record is framed as
 * `[u32 length][u32 crc32][payload]`, payload `[u32 header length][header JSON][body]`,
 * so a record torn by a crash is detected and dropped on replay.
 *
 * Records live in segment files named by their first sequence number; a
 * snapshot starts a new segment so whole files can be deleted once two
 * snapshot generations cover them.
 */
import { closeSync, fstatSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, ftruncateSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface SourceRef {
  /** `dev:ino` of the file. */
  key: string;
  path: string;
  /** Checksum of the file's first line, to tell a replaced file from a grown one. */
  fingerprint: string | null;
}

export type RecordHeader =
  | { kind: 'lines'; at: number; src: SourceRef; start: number; end: number; size: number }
  | { kind: 'skip'; at: number; src: SourceRef; start: number; end: number; size: number; excerpt: string }
  | { kind: 'reset'; at: number; src: SourceRef; reason: 'truncated' | 'replaced' }
  | { kind: 'groupStatus'; at: number; fingerprint: string; status: string }
  | { kind: 'alertState'; at: number }
  | { kind: 'alerting'; at: number }
  | { kind: 'samples'; at: number }
  | { kind: 'mounts'; at: number }
  /** Processing rules and enrichment values in force for the records after it (body: JSON). */
  | { kind: 'processing'; at: number }
  /** A scheduled report written, with its webhook delivery if any (body: JSON, see report-apply.ts). */
  | { kind: 'report'; at: number }
  /** What only time decides (abandoned runs, closed sessions), as of `at`. */
  | { kind: 'tick'; at: number; abandonAfterMs: number; sessionTimeoutMs: number }
  /** Prices and retention in force from here on; the body is their JSON (agent/metrics/settings.ts). */
  | { kind: 'settings'; at: number }
  /** Rows of a period moved into the partition file `part` (written beforehand as `<part>.next-<seq>`). */
  | { kind: 'seal'; at: number; part: string; tier: PartTier; from: number; to: number }
  /** Partition files past their retention, deleted whole. */
  | { kind: 'drop'; at: number; parts: string[] }
  /** Raw rows and hot rollups past their retention, as of `at`, deleted by time range. */
  | { kind: 'retire'; at: number };

/** What a partition file holds: rollups of one tier, or per-run facts. */
export type PartTier = '1m' | '1h' | 'facts';

export interface JournalRecord {
  seq: number;
  header: RecordHeader;
  body: Buffer;
}

export interface ReplayResult {
  records: JournalRecord[];
  /** Set when replay stopped at a damaged record; what follows it is lost. */
  damage: string | null;
}

const SEGMENT_SUFFIX = '.wal';
const FRAME = 8;

function segmentName(startSeq: number): string {
  return `${String(startSeq).padStart(16, '0')}${SEGMENT_SUFFIX}`;
}

export function encodeRecord(seq: number, header: RecordHeader, body: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify({ seq, ...header }));
  const payload = Buffer.allocUnsafe(4 + head.length + body.length);
  payload.writeUInt32LE(head.length, 0);
  head.copy(payload, 4);
  body.copy(payload, 4 + head.length);
  const frame = Buffer.allocUnsafe(FRAME);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([frame, payload]);
}

/** Decodes the records of one segment; stops at the first torn or damaged record. */
export function decodeSegment(buf: Buffer): { records: JournalRecord[]; validBytes: number; damaged: boolean } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + FRAME <= buf.length) {
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (pos + FRAME + len > buf.length) break;
    const payload = buf.subarray(pos + FRAME, pos + FRAME + len);
    if (crc32(payload) !== crc || len < 4) return { records, validBytes: pos, damaged: true };
    const hlen = payload.readUInt32LE(0);
    let parsed: RecordHeader & { seq: number };
    try {
      parsed = JSON.parse(payload.subarray(4, 4 + hlen).toString('utf8'));
    } catch {
      return { records, validBytes: pos, damaged: true };
    }
    const { seq, ...header } = parsed;
    records.push({ seq, header: header as RecordHeader, body: payload.subarray(4 + hlen) });
    pos += FRAME + len;
  }
  return { records, validBytes: pos, damaged: pos !== buf.length };
}

export class Journal {
  private fd: number | null = null;
  private segmentStart = 0;
  private nextSeq = 1;
  private bytesInSegment = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Segments in order, with the sequence number each starts at. */
  private segments(): { start: number; path: string }[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .map((name) => ({ start: Number(name.slice(0, -SEGMENT_SUFFIX.length)), path: join(this.dir, name) }))
      .filter((s) => Number.isSafeInteger(s.start))
      .sort((a, b) => a.start - b.start);
  }

  /**
   * Reads every record after `afterSeq`, cuts a torn tail off the last
   * segment, and opens a fresh segment for new records.
   */
  replay(afterSeq: number): ReplayResult {
    const records: JournalRecord[] = [];
    let damage: string | null = null;
    let lastSeq = afterSeq;
    const segments = this.segments();
    for (const [i, segment] of segments.entries()) {
      const decoded = decodeSegment(readFileSync(segment.path));
      for (const record of decoded.records) {
        if (record.seq > lastSeq) records.push(record);
        lastSeq = Math.max(lastSeq, record.seq);
      }
      if (decoded.damaged) {
        const isLast = i === segments.length - 1;
        if (!isLast) damage = `journal segment ${segment.path} is damaged after ${decoded.validBytes} bytes; later records were kept`;
        const fd = openSync(segment.path, 'r+');
        ftruncateSync(fd, decoded.validBytes);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    this.nextSeq = lastSeq + 1;
    this.openSegment();
    return { records, damage };
  }

  /** Sequence number the next appended record gets. */
  get next(): number {
    return this.nextSeq;
  }

  get segmentBytes(): number {
    return this.bytesInSegment;
  }

  /** Appends records and makes them durable; returns them with their sequence numbers. */
  append(items: { header: RecordHeader; body: Buffer }[]): JournalRecord[] {
    if (this.fd === null) throw new Error('journal is closed');
    const records = items.map((item) => ({ seq: this.nextSeq++, header: item.header, body: item.body }));
    const buf = Buffer.concat(records.map((r) => encodeRecord(r.seq, r.header, r.body)));
    try {
      let written = 0;
      while (written < buf.length) written += writeSync(this.fd, buf, written);
      fdatasyncSync(this.fd);
    } catch (err) {
      // A half-written record would hide every later one from replay: cut it off.
      this.nextSeq -= records.length;
      try {
        ftruncateSync(this.fd, this.bytesInSegment);
      } catch {
        // The segment is unusable; replay will stop at the torn record, which was never acknowledged.
      }
      throw err;
    }
    this.bytesInSegment += buf.length;
    return records;
  }

  /** Starts a new segment; records appended from now on land in it. */
  rotate(): void {
    this.closeSegment();
    this.openSegment();
  }

  /** Deletes whole segments holding only records at or before `seq`. */
  prune(seq: number): void {
    const segments = this.segments();
    for (let i = 0; i < segments.length - 1; i++) {
      if (segments[i + 1].start - 1 <= seq && segments[i].start !== this.segmentStart) rmSync(segments[i].path, { force: true });
    }
  }

  /** Sequence number of the oldest record kept, or null when there is none. */
  firstSeq(): number | null {
    const first = this.segments()[0];
    return first ? first.start : null;
  }

  /** Removes every segment (after the database was found lost and rebuilt from the logs). */
  discardAll(): void {
    this.closeSegment();
    for (const segment of this.segments()) rmSync(segment.path, { force: true });
  }

  close(): void {
    this.closeSegment();
  }

  private openSegment(): void {
    this.segmentStart = this.nextSeq;
    const path = join(this.dir, segmentName(this.segmentStart));
    this.fd = openSync(path, 'a', 0o600);
    this.bytesInSegment = fstatSync(this.fd).size;
    const dirFd = openSync(this.dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  }

  private closeSegment(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
