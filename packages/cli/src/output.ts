/**
 * Everything the command tells its user goes through here: readable lines on a terminal, or with `--json` one
 * JSON object per line, each with an `event` field, for scripts.
 */
export class Output {
  readonly json: boolean
  private out: NodeJS.WritableStream
  private readonly err: NodeJS.WritableStream

  constructor (json: boolean, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr) {
    this.json = json
    this.out = out
    this.err = err
  }

  /** Sends events to stderr from now on: stdout carries data (a file written to stdout). */
  toStderr (): void {
    this.out = this.err
  }

  /** An event: `text` for people, `fields` (plus `event`) for scripts. */
  event (event: string, fields: Record<string, unknown>, text?: string): void {
    if (this.json) this.out.write(JSON.stringify({ event, ...fields }) + '\n')
    else if (text != null) this.out.write(text + '\n')
  }

  /** Something the user should know that does not stop the command. */
  warning (message: string, fields: Record<string, unknown> = {}): void {
    if (this.json) this.out.write(JSON.stringify({ event: 'warning', message, ...fields }) + '\n')
    else this.err.write(`swapwright: warning: ${message}\n`)
  }

  /** A failure; `notes` are more lines for people under it (scripts find the same in `fields`). */
  error (message: string, fields: Record<string, unknown> = {}, notes: readonly string[] = []): void {
    if (this.json) this.out.write(JSON.stringify({ event: 'error', message, ...fields }) + '\n')
    else this.err.write(`swapwright: ${message}\n${notes.map(note => `  ${note}\n`).join('')}`)
  }
}
