import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** A print that takes longer is abandoned (the page has no scripts and loads nothing). */
export const PDF_TIMEOUT_MS = 60_000;

/**
 * HTML to PDF with the machine's headless Chromium. One print at a time: a browser is hundreds of
 * megabytes, and these machines have two cores. Each print gets a fresh profile directory that is
 * removed afterwards.
 */
@Injectable()
export class PdfPrinter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly chromiumPath: string = CHROMIUM_PATH) {}

  get available(): boolean {
    return existsSync(this.chromiumPath);
  }

  print(html: string): Promise<Buffer> {
    const run = this.queue.then(() => this.printNow(html));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async printNow(html: string): Promise<Buffer> {
    const dir = await mkdtemp(join(tmpdir(), 'jixiao-pdf-'));
    try {
      const page = join(dir, 'report.html');
      const pdf = join(dir, 'report.pdf');
      await writeFile(page, html, 'utf8');
      const args = [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-pdf-header-footer',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--print-to-pdf=${pdf}`,
        `file://${page}`,
      ];
      await new Promise<void>((resolve, reject) => {
        execFile(this.chromiumPath, args, { timeout: PDF_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (error, _stdout, stderr) => {
          if (error) reject(new Error(`chromium failed: ${error.message}; ${String(stderr).slice(-500)}`));
          else resolve();
        });
      });
      const bytes = await readFile(pdf);
      if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('chromium wrote no PDF');
      return bytes;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
