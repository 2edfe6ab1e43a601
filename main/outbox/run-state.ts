// Whether the queue runs, and the signal that aborts its requests on stop; shared by the pump and the probe.

export class RunState {
  running = false;
  stopping = false;
  #abort = new AbortController();

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True while requests end because the queue stops: they say nothing about the Market. */
  get ending(): boolean {
    return this.stopping || this.#abort.signal.aborted;
  }

  begin(): void {
    this.running = true;
    this.stopping = false;
    this.#abort = new AbortController();
  }

  abort(): void {
    this.#abort.abort(new Error('outbox stopped'));
  }
}
