/** A one-line terminal progress bar with ETA, redrawn in place (only when stderr is a TTY). */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export class ProgressBar {
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly total: number) {}

  update(step: number, losses: Record<string, number>, imagesPerSec: number, etaSec: number): void {
    const width = 24;
    const done = Math.min(width, Math.round((step / this.total) * width));
    const bar = `${"█".repeat(done)}${"░".repeat(width - done)}`;
    const l = Object.entries(losses)
      .filter(([k]) => ["d", "g", "kl"].includes(k))
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join("  ");
    const line = `${bar} ${step}/${this.total}  ${l}  ${imagesPerSec.toFixed(1)} img/s  ETA ${formatDuration(etaSec)}`;
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(`${line}\n`);
  }

  end(): void {
    if (this.tty) process.stderr.write("\n");
  }
}
