// Keras' CSVLogger (Node.js only): one row of epoch logs per epoch in a CSV file. Each write
// replaces the whole file atomically, so a crash never leaves half a row.

import { writeFileAtomic } from '../io/atomic.js';
import { describeFsError, readRegularFile, regularFileSize } from '../io/files.js';
import { TegakiError } from '../errors.js';
import { show } from '../optimizers/checks.js';
import type { Callback, Logs } from './callbacks.js';

// a log longer than this is not one csvLogger wrote
const MAX_APPEND_BYTES = 64 * 1024 * 1024;

export class CSVLogger implements Callback {
  // the file's whole text so far: what it held (when appending) and the rows written
  private text = '';
  private keys: string[] | null = null;
  private header = true;

  /**
   * filename: the CSV file. separator: between fields, default ','. append: keep what the file
   * holds and add rows after it (its header stays), default false (replace it).
   */
  constructor(readonly filename: string, readonly separator = ',', readonly append = false) {
    if (typeof filename !== 'string' || filename === '') throw new TegakiError(`csvLogger: expected filename to be a path, received filename=${show(filename)}.`);
    if (typeof separator !== 'string' || separator.length !== 1 || /["\r\n]/.test(separator)) {
      throw new TegakiError(`csvLogger: expected separator to be one character other than a quote or line break, received separator=${show(separator)}.`);
    }
    if (typeof append !== 'boolean') throw new TegakiError(`csvLogger: expected append to be true or false, received append=${show(append)}.`);
  }

  onTrainBegin(): void {
    this.keys = null;
    this.text = this.append && regularFileSize(this.filename, 'CSV log') !== null ? readRegularFile(this.filename, MAX_APPEND_BYTES, 'CSV log').toString('utf8') : '';
    // as Keras: a header only in a file that was empty
    this.header = this.text.length === 0;
    // written now, as Keras opens the file when training begins: a path that cannot be written fails before the first epoch
    this.write();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (this.header) this.text += this.row(['epoch', ...this.keys]);
    }
    this.text += this.row([String(epoch), ...this.keys.map((k) => (k in logs ? String(logs[k]) : 'NA'))]);
    this.write();
  }

  /** Fields joined as Python's csv module writes them (excel dialect): quoted when needed, \r\n at the end. */
  private row(fields: string[]): string {
    const quoted = fields.map((f) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f));
    return `${quoted.join(this.separator)}\r\n`;
  }

  private write(): void {
    try {
      writeFileAtomic(this.filename, this.text);
    } catch (e) {
      throw new TegakiError(`csvLogger: cannot write ${this.filename} (${describeFsError(e)}).`);
    }
  }
}

export const csvLogger = (filename: string, separator = ',', append = false): CSVLogger => new CSVLogger(filename, separator, append);
