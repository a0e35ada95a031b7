import type { WebSocket } from 'ws';

/** How often each browser socket is pinged; one that has not answered by the next ping is closed. */
export const HEARTBEAT_MS = 30_000;

/**
 * Pings a socket every `intervalMs`, and terminates one that did not answer the ping before: a client gone without
 * a close (a laptop asleep, a network that dropped it) or one that stopped reading. Past the megabyte a slow
 * client may hold, ticks are skipped for it, so it never reached the bound that closes it: it held one of its
 * address's sockets, and its share of every snapshot's work, for good. Browsers answer pings themselves, however
 * busy the page. Returns the stop, for when the socket closes.
 */
export function keepAlive(
  socket: Pick<WebSocket, 'ping' | 'terminate' | 'on'>,
  intervalMs: number = HEARTBEAT_MS,
): () => void {
  let answered = true;
  socket.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
