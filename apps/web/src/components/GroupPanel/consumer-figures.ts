/**
 * What each figure of a consumer means, said in its tooltip on the card and in the compact table alike: "Reaped"
 * and "Dropped" said nothing to someone who had met only the stream's "Claimed".
 */
export const CONSUMER_FIGURE_HINT = {
  pending: 'Entries delivered to it and not yet acked (XPENDING)',
  idle: 'Since its last read or claim (XINFO CONSUMERS)',
  processed: 'Entries its handler finished and it acked',
  reaped:
    "Entries it claimed from idle consumers (XAUTOCLAIM, or a Claim by hand) and handled: counted in the stream's Claimed",
  dropped: 'Deliveries dropped without XACK by Crash next 3: they stay pending, for a peer to claim',
  failures: 'Deliveries whose handler failed: they stay pending, to be claimed again or dead-lettered',
} as const;
