// The real `graphql-ws` client across an access-token expiry: its `connectionParams` is a
// function that hands out the next token, so when the server closes the socket because the
// first (short-lived) token expired, the client reconnects with the second and subscribes again
// by itself. Prints a JSON line per connection and per event.
// Usage: node renew.mjs <ws-url> <short-lived-token> <fresh-token> <track-id>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, shortLived, fresh, trackId] = process.argv.slice(2);
const tokens = [shortLived];
let connections = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: () => ({ Authorization: `Bearer ${tokens.shift() ?? fresh}` }),
  retryAttempts: 5,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)),
  on: {
    connected: () => console.log(JSON.stringify({ connected: ++connections })),
    closed: (event) => console.log(JSON.stringify({ closed: event.code, reason: event.reason })),
  },
});

const timer = setTimeout(() => {
  console.error('timed out waiting for an event after the token renewal');
  process.exit(2);
}, 30000);

try {
  const subscription = client.iterate({
    query: `subscription($t: ID!) { commentEvents(trackId: $t) { kind comment { content } } }`,
    variables: { t: trackId },
  });
  for await (const result of subscription) {
    console.log(JSON.stringify(result));
    if (connections >= 2) break;
  }
  clearTimeout(timer);
  await client.dispose();
  console.log(JSON.stringify({ completed: true }));
  process.exit(0);
} catch (error) {
  console.error(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})));
  process.exit(1);
}
