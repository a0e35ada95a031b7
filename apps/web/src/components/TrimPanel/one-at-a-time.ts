/**
 * Sends requests one at a time. One asked for while another is out waits for that one's answer, replacing any
 * already waiting (it was about a number no longer typed); one that is only worth sending now (a refresh the
 * page asks for by itself) is skipped instead. So a page's previews take one of the few commands the server
 * runs per socket, however slow they are and however fast the user types, and the last one typed is always sent.
 *
 * `send` reports its own failures: a rejection only ends that request, the next one waiting is sent all the same.
 *
 * @example
 * const previews = new OneAtATime((plan: Plan) => runPreview(plan));
 * previews.ask(planFor('100')); // sent at once
 * previews.ask(planFor('10')); // waits for the first answer
 * previews.ask(planFor('1')); // replaces '10', which is never sent
 */
export class OneAtATime<T> {
  readonly #send: (request: T) => Promise<unknown>;
  #out = false;
  #waiting: { readonly request: T } | null = null;

  constructor(send: (request: T) => Promise<unknown>) {
    this.#send = send;
  }

  /** Whether a request is out, its answer not in yet. */
  get busy(): boolean {
    return this.#out;
  }

  /** Sends `request` now, or as soon as the one out is answered (unless a newer one is asked for meanwhile). */
  ask(request: T): void {
    if (this.#out) this.#waiting = { request };
    else this.#start(request);
  }

  /** Sends `request` only if nothing is out; says whether it was sent. */
  askIfIdle(request: T): boolean {
    if (this.#out) return false;
    this.#start(request);
    return true;
  }

  /** Forgets the request waiting, if any; the one out still gets its answer. */
  drop(): void {
    this.#waiting = null;
  }

  #start(request: T): void {
    this.#out = true;
    const next = () => {
      this.#out = false;
      const waiting = this.#waiting;
      this.#waiting = null;
      if (waiting !== null) this.#start(waiting.request);
    };
    let sent: Promise<unknown>;
    try {
      sent = this.#send(request);
    } catch (error) {
      sent = Promise.reject(error);
    }
    void sent.then(next, next);
  }
}
