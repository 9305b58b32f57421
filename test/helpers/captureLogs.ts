import { Writable } from 'node:stream';

/** A pino destination that keeps every line, parsed, for assertions. */
export class LogCapture extends Writable {
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() !== '') {
        this.raw.push(line);
      }
    }
    callback();
  }

  get lines(): Array<Record<string, unknown>> {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Lines whose msg equals `message`. */
  find(message: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line['msg'] === message);
  }

  /** Returns all captured text, for scanning for secrets. */
  text(): string {
    return this.raw.join('\n');
  }
}
