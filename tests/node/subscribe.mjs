// Subscribes to a track's comment events with the real `graphql-ws` client, prints the first
// event as one JSON line, then completes the subscription and disposes of the client.
// Usage: node subscribe.mjs <ws-url> <access-token> <track-id>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, trackId] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
});

const timer = setTimeout(() => {
  console.error('timed out waiting for an event');
  process.exit(2);
}, 20000);

const subscription = client.iterate({
  query: `subscription($t: ID!) { commentEvents(trackId: $t) { kind fileId comment { content } } }`,
  variables: { t: trackId },
});

client.on('connected', () => console.log(JSON.stringify({ ready: true })));

try {
  for await (const result of subscription) {
    console.log(JSON.stringify(result));
    // Leaving the loop sends `complete` for this subscription.
    break;
  }
  clearTimeout(timer);
  await client.dispose();
  console.log(JSON.stringify({ completed: true }));
  process.exit(0);
} catch (error) {
  console.error(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})));
  process.exit(1);
}
