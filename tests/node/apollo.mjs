// Apollo Client 4 as a web app on another origin would set it up: automatic persisted queries
// (PersistedQueryLink, SHA-256 from node:crypto) in front of apollo-upload-client's
// UploadHttpLink. It uploads a WAV, reads the track twice (the second time by hash alone) and
// prints one JSON line with what it sent and got.
// Usage: node apollo.mjs <server-url> <access-token> <track-id> <wav-path> <origin>
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ApolloClient, ApolloLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';

const [server, token, trackId, wavPath, origin] = process.argv.slice(2);
const timer = setTimeout(() => {
  console.error('timed out');
  process.exit(2);
}, 150000);

// Records every request the links make, and the CORS answer to each.
const sent = [];
const recordingFetch = async (url, init) => {
  const response = await fetch(url, init);
  const body = init.body;
  let operations = null;
  if (typeof body === 'string') operations = JSON.parse(body);
  else if (body instanceof FormData) operations = JSON.parse(body.get('operations'));
  sent.push({
    multipart: body instanceof FormData,
    method: init.method ?? 'GET',
    withQuery: typeof operations?.query === 'string',
    hash: operations?.extensions?.persistedQuery?.sha256Hash ?? null,
    allowOrigin: response.headers.get('access-control-allow-origin'),
  });
  return response;
};

const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: ApolloLink.from([
    new PersistedQueryLink({ sha256: (query) => createHash('sha256').update(query).digest('hex') }),
    new UploadHttpLink({
      uri: `${server}/graphql`,
      fetch: recordingFetch,
      // What a browser on the app's origin sends; the header a multipart request needs to pass
      // the CSRF rule is the one Apollo's documentation names.
      headers: { authorization: `Bearer ${token}`, origin, 'apollo-require-preflight': 'true' },
    }),
  ]),
});

const Upload = gql`
  mutation UploadVersion($input: UploadFileInput!) {
    uploadFile(input: $input) { id version name track { id } }
  }
`;
const TrackPage = gql`
  query TrackPage($id: ID!) {
    track(id: $id) { id title files(first: 5) { totalCount nodes { id version name } } }
  }
`;

const seen = {};
try {
  const bytes = await readFile(wavPath);
  const file = new File([bytes], 'take-1.wav', { type: 'audio/wav' });
  const uploaded = await client.mutate({ mutation: Upload, variables: { input: { trackId, file } } });
  seen.uploaded = uploaded.data.uploadFile;
  seen.afterUpload = sent.length;
  const first = await client.query({ query: TrackPage, variables: { id: trackId }, fetchPolicy: 'network-only' });
  const second = await client.query({ query: TrackPage, variables: { id: trackId }, fetchPolicy: 'network-only' });
  seen.first = first.data.track;
  seen.second = second.data.track;
  const cached = client.readQuery({ query: TrackPage, variables: { id: trackId } });
  seen.cachedTitle = cached?.track?.title ?? null;
  seen.sent = sent;
} catch (error) {
  console.error(`${error.stack ?? error}\nsent: ${JSON.stringify(sent)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
}
if (!process.exitCode) console.log(JSON.stringify(seen));
