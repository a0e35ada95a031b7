import { describe, expect, it } from 'vitest';
import { OneAtATime } from './one-at-a-time';

/** A send whose answers the test gives, one by one, in the order asked. */
function manualSend() {
  const sent: string[] = [];
  const answers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const send = (request: string) =>
    new Promise<void>((resolve, reject) => {
      sent.push(request);
      answers.push({ resolve, reject });
    });
  const settle = async (how: 'resolve' | 'reject' = 'resolve') => {
    const answer = answers.shift();
    if (how === 'resolve') answer?.resolve();
    else answer?.reject(new Error('refused'));
    // Lets the queue see the answer and send what waits.
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { sent, send, settle };
}

describe('OneAtATime', () => {
  it('sends one at a time, and of those asked for meanwhile only the newest', async () => {
    const { sent, send, settle } = manualSend();
    const queue = new OneAtATime(send);
    queue.ask('100');
    queue.ask('10');
    queue.ask('1');
    expect(sent).toEqual(['100']);
    expect(queue.busy).toBe(true);
    await settle();
    expect(sent).toEqual(['100', '1']);
    await settle();
    expect(queue.busy).toBe(false);
    queue.ask('2');
    expect(sent).toEqual(['100', '1', '2']);
  });

  it('skips a request that is only worth sending now while one is out', async () => {
    const { sent, send, settle } = manualSend();
    const queue = new OneAtATime(send);
    expect(queue.askIfIdle('refresh 1')).toBe(true);
    expect(queue.askIfIdle('refresh 2')).toBe(false);
    await settle();
    expect(sent).toEqual(['refresh 1']);
    expect(queue.busy).toBe(false);
  });

  it('carries on after a failed request (refused, offline): the one waiting is still sent', async () => {
    const { sent, send, settle } = manualSend();
    const queue = new OneAtATime(send);
    queue.ask('a');
    queue.ask('b');
    await settle('reject');
    expect(sent).toEqual(['a', 'b']);
    await settle();
    expect(queue.busy).toBe(false);
    const throwing = new OneAtATime<string>(() => {
      throw new Error('not even sent');
    });
    throwing.ask('x');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(throwing.busy).toBe(false);
  });

  it('drops the one waiting on request, and still answers the one out', async () => {
    const { sent, send, settle } = manualSend();
    const queue = new OneAtATime(send);
    queue.ask('a');
    queue.ask('b');
    queue.drop();
    await settle();
    expect(sent).toEqual(['a']);
    expect(queue.busy).toBe(false);
  });
});
