import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../../src/agent/backoff';
import { SseParser } from '../../../src/agent/sse';

const stream = 'retry: 1000\n\ndata: {"type":"hello"}\n\n: ping\n\ndata: {"type":"run","n":1}\n\ndata: {"a":\ndata: 1}\n\n';

test('events come out whole however the stream is split', () => {
  const expected = ['{"type":"hello"}', '{"type":"run","n":1}', '{"a":\n1}'];
  for (let size = 1; size <= stream.length; size++) {
    const parser = new SseParser();
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(...parser.push(stream.slice(i, i + size)));
    assert.deepEqual(out, expected, `chunks of ${size}`);
  }
});

test('CRLF line ends and comments', () => {
  assert.deepEqual(new SseParser().push(': ping\r\n\r\ndata: x\r\n\r\n'), ['x']);
});

test('backoff doubles to its cap and starts over after a success', () => {
  const b = new Backoff(500, 4000);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 4000, 4000]);
  b.reset();
  assert.equal(b.next(), 500);
});
