/**
 * Teardown is registered where each part is built, like fastify's onClose hooks, and runs in
 * reverse: a part stops before the parts built ahead of it, which it may still publish to or
 * read from. So a composition root builds observers first and traffic last, and shutdown order
 * follows from build order instead of being listed by hand (the orders: docs/operations.md,
 * "Start-up and shutdown order").
 */

/** Why the parts close: an orderly shutdown, or a start that failed part-way. */
export type Closing = 'shutdown' | 'failed-start';

/** Closes one part; may wait, bounded by the part itself (e.g. a drain timeout). */
export type Closer = (why: Closing) => unknown;

export class Teardown {
  readonly #closers: Array<{ name: string; close: Closer }> = [];
  #closing: Promise<void> | null = null;

  /** Registers a part's closer; it runs before every closer registered ahead of it. */
  onClose(name: string, close: Closer): void {
    if (this.#closing) throw new Error(`"${name}" was built after its app began to close`);
    this.#closers.push({ name, close });
  }

  /**
   * Runs every closer once, the last registered first, each awaited. A closer that throws does
   * not keep the others from running: the first error is rethrown once all have run. A second
   * call waits for the first.
   */
  close(why: Closing): Promise<void> {
    this.#closing ??= this.#run(why);
    return this.#closing;
  }

  /** The parts registered so far, in closing order (for tests and diagnostics). */
  order(): string[] {
    return this.#closers.map((c) => c.name).reverse();
  }

  async #run(why: Closing): Promise<void> {
    let failure: { error: unknown } | null = null;
    for (const c of [...this.#closers].reverse()) {
      try {
        await c.close(why);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
