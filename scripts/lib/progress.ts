// A minimal progress bar for long commands: redraws one line on a TTY, prints every 10% otherwise (CI logs).
// 100% is printed once, by the first update that reaches the total; later updates at the total are ignored.
export class Progress {
  private last = -1;
  private finished = false;
  private readonly t0 = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    if (this.finished) return;
    const frac = Math.min(1, done / Math.max(1, this.total));
    const pct = Math.floor(frac * 100);
    const secs = (performance.now() - this.t0) / 1000;
    const end = done >= this.total;
    if (this.stream.isTTY) {
      if (pct === this.last && !end) return;
      const width = 24;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      this.stream.write(`\r${this.label} [${bar}] ${String(pct).padStart(3)}% ${secs.toFixed(0)}s ${extra}`.padEnd(100));
      if (end) this.stream.write('\n');
    } else if (Math.floor(pct / 10) !== Math.floor(this.last / 10) || end) {
      this.stream.write(`${this.label}: ${pct}% (${secs.toFixed(0)}s) ${extra}\n`);
    }
    this.last = pct;
    this.finished = end;
  }
}
