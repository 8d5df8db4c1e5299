// GraphQL Code Generator (typescript and typescript-operations) with the running server's URL
// as its schema, as a web app's `codegen.ts` would name it, typing documents/*.graphql.
// Prints one JSON line naming the file it wrote.
// Usage: node codegen.mjs <server-url> <output.ts>
import { generate } from '@graphql-codegen/cli';

const [server, output] = process.argv.slice(2);
const timer = setTimeout(() => {
  console.error('timed out');
  process.exit(2);
}, 120000);
try {
  await generate(
    {
      schema: `${server}/graphql`,
      documents: ['documents/*.graphql'],
      generates: {
        [output]: {
          plugins: ['typescript', 'typescript-operations'],
          // Backline's scalars: RFC 3339 strings, any JSON, and multipart files.
          config: { scalars: { DateTime: 'string', JSON: 'unknown', Upload: 'File' } },
        },
      },
      silent: true,
      errorsOnly: true,
    },
    true,
  );
  console.log(JSON.stringify({ written: output }));
} catch (error) {
  console.error(error.message ?? error);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
}
