import { StringDecoder } from 'node:string_decoder';
import Assembler from 'stream-json/assembler.js';
import type { Token } from 'stream-json/parser.js';
import { jsonParser } from 'stream-json/parser.js';
import { invalidAnnotations } from '../errors.js';

type Tokenizer = (text: string | symbol) => { values?: Token[] } | symbol;

// stream-chain's `none`: passed to a flushable stage, it means the input has ended.
const END_OF_INPUT = Symbol.for('object-stream.none');

/**
 * One top-level value of a COCO file other than the record arrays, fed a piece
 * at a time through stream-json's tokenizer: validated as JSON whatever its size,
 * and assembled only when kept (`info`, `licenses`), up to a byte bound.
 */
export class StreamedValue {
  readonly #label: string;
  readonly #maxBytes: number | null;
  readonly #tokenize = jsonParser({ packValues: true, streamValues: false }) as unknown as Tokenizer;
  readonly #decoder = new StringDecoder('utf8');
  readonly #assembler: Assembler | null;
  #bytes = 0;

  /**
   * @param label names the value in error messages, e.g. `instances.json: "info"`
   * @param maxBytes assemble the value, refusing it past this many bytes; null to only validate it
   */
  constructor(label: string, maxBytes: number | null) {
    this.#label = label;
    this.#maxBytes = maxBytes;
    this.#assembler = maxBytes === null ? null : new Assembler();
  }

  write(bytes: Buffer): void {
    this.#bytes += bytes.length;
    if (this.#maxBytes !== null && this.#bytes > this.#maxBytes) {
      throw invalidAnnotations(`${this.#label}: larger than ${this.#maxBytes} bytes`);
    }
    this.#consume(this.#decoder.write(bytes));
  }

  /** Ends the value; returns it when assembled, else undefined. */
  end(): unknown {
    this.#consume(this.#decoder.end());
    this.#consume(END_OF_INPUT);
    return this.#assembler?.current;
  }

  #consume(input: string | symbol): void {
    if (input === '') return;
    let out: ReturnType<Tokenizer>;
    try {
      out = this.#tokenize(input);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).replace(/^Parser (cannot parse input: )?/, '');
      throw invalidAnnotations(`${this.#label}: invalid JSON: ${reason}`);
    }
    const assembler = this.#assembler;
    if (assembler === null || typeof out === 'symbol' || !out.values) return;
    for (const token of out.values) assembler.consume(token);
  }
}
