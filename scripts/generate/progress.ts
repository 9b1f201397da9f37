/** A progress bar on stderr: rewrites itself on a terminal, prints a line every 10 % (or 15 s) otherwise. */
export interface ProgressBar {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressBar {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastPrinted = 0;
  let lastStep = -1;
  const line = (done: number, detail: string) => {
    const seconds = (performance.now() - started) / 1000;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 28;
    const filled = Math.round(share * width);
    const eta = share > 0 && share < 1 ? ` · ETA ${duration((seconds / share) * (1 - share))}` : '';
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${detail ? ` · ${detail}` : ''} · ${duration(seconds)}${eta}`;
  };
  return {
    update(done, detail = '') {
      if (!enabled) return;
      const now = performance.now();
      if (tty) {
        if (now - lastPrinted < 200) return;
        lastPrinted = now;
        stream.write(`\r\x1b[2K${line(done, detail)}`);
        return;
      }
      const step = Math.floor((done / Math.max(1, total)) * 10);
      if (step > lastStep || now - lastPrinted > 15_000) {
        lastStep = step;
        lastPrinted = now;
        stream.write(`${line(done, detail)}\n`);
      }
    },
    finish(detail = '') {
      if (!enabled) return;
      stream.write(`${tty ? '\r\x1b[2K' : ''}${line(total, detail)}\n`);
    },
  };
}
