import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeSegment, encodeRecord, Journal, type RecordHeader } from '../../../agent/store/journal';

const header = (i: number): RecordHeader => ({ kind: 'samples', at: i });

test('records round-trip through encode and decode', () => {
  const buf = Buffer.concat([encodeRecord(1, header(1), Buffer.from('one')), encodeRecord(2, header(2), Buffer.from('two'))]);
  const { records, damaged, validBytes } = decodeSegment(buf);
  assert.equal(damaged, false);
  assert.equal(validBytes, buf.length);
  assert.deepEqual(records.map((r) => [r.seq, r.header.kind, r.body.toString()]), [[1, 'samples', 'one'], [2, 'samples', 'two']]);
});

test('a torn last record is dropped and the ones before it kept', () => {
  const full = Buffer.concat([encodeRecord(1, header(1), Buffer.from('one')), encodeRecord(2, header(2), Buffer.from('two'))]);
  for (let cut = 1; cut < full.length; cut++) {
    const { records } = decodeSegment(full.subarray(0, cut));
    const firstLen = encodeRecord(1, header(1), Buffer.from('one')).length;
    assert.equal(records.length, cut >= firstLen ? 1 : 0, `cut at ${cut}`);
  }
});

test('a flipped byte is caught by the checksum', () => {
  const buf = encodeRecord(1, header(1), Buffer.from('payload'));
  buf[buf.length - 2] ^= 0xff;
  const { records, damaged } = decodeSegment(buf);
  assert.equal(records.length, 0);
  assert.equal(damaged, true);
});

test('replay after a crash cuts the torn tail so later appends are readable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-journal-'));
  try {
    const j = new Journal(dir);
    j.replay(0);
    j.append([{ header: header(1), body: Buffer.from('a') }, { header: header(2), body: Buffer.from('b') }]);
    j.close();
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment), Buffer.from([1, 2, 3])); // a torn write
    const j2 = new Journal(dir);
    const replayed = j2.replay(0);
    assert.deepEqual(replayed.records.map((r) => r.seq), [1, 2]);
    j2.append([{ header: header(3), body: Buffer.from('c') }]);
    j2.close();
    const j3 = new Journal(dir);
    assert.deepEqual(j3.replay(0).records.map((r) => r.seq), [1, 2, 3]);
    assert.deepEqual(new Journal(dir).replay(2).records.map((r) => r.seq), [3]);
    j3.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prune deletes only segments wholly covered by a snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-journal-'));
  try {
    const j = new Journal(dir);
    j.replay(0);
    j.append([{ header: header(1), body: Buffer.alloc(1) }, { header: header(2), body: Buffer.alloc(1) }]);
    j.rotate();
    j.append([{ header: header(3), body: Buffer.alloc(1) }]);
    j.rotate();
    j.append([{ header: header(4), body: Buffer.alloc(1) }]);
    j.prune(2);
    assert.equal(readdirSync(dir).length, 2);
    j.prune(3);
    assert.equal(readdirSync(dir).length, 1);
    j.close();
    assert.deepEqual(new Journal(dir).replay(0).records.map((r) => r.seq), [4]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed write leaves no torn record behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genmon-journal-'));
  try {
    const j = new Journal(dir);
    j.replay(0);
    j.append([{ header: header(1), body: Buffer.from('ok') }]);
    const [segment] = readdirSync(dir);
    const size = statSync(join(dir, segment)).size;
    // Simulate the failure path by closing the fd under the journal.
    j.close();
    assert.throws(() => j.append([{ header: header(2), body: Buffer.from('lost') }]), /closed/);
    assert.equal(statSync(join(dir, segment)).size, size);
    writeFileSync(join(dir, 'ignored.txt'), 'x');
    assert.deepEqual(decodeSegment(readFileSync(join(dir, segment))).records.map((r) => r.seq), [1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
