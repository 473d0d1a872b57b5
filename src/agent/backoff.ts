/** Reconnection delays: doubling from `first` up to `max`, back to `first` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly first = 500,
    private readonly max = 30_000,
  ) {}

  next(): number {
    const delay = Math.min(this.max, this.first * 2 ** this.attempt);
    this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
