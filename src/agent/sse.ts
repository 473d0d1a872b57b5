/**
 * Server-Sent Events framing for the agent's push stream: chunks in, the
 * `data:` payload of each complete event out. Pure, so any split of the
 * bytes can be tested. (The `eventsource` package would do this too, but it
 * sends no custom headers on Node 20 without a fetch shim, and the agent
 * needs the bearer token.)
 */
export class SseParser {
  private buffer = '';

  /** Feeds a chunk; returns the data of every event it completed. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer[end] === '\r' ? 4 : 2));
      const data = block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) out.push(data.join('\n'));
    }
    return out;
  }
}
