// PostGraphile 5 (preset amber) on Backline's PostgreSQL tables, for bench/peer/run.sh.
// Usage: node server.mjs <database url> <port>
// No row-level security, no JWT, no GraphiQL: the plainest fast configuration.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { postgraphile } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { pgSmartTagsFromFile } from "postgraphile/utils";

const [connectionString, port = "18182"] = process.argv.slice(2);
if (!connectionString) {
  console.error("usage: node server.mjs <database url> [port]");
  process.exit(2);
}
const tagsFile = fileURLToPath(new URL("./postgraphile.tags.json5", import.meta.url));

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [pgSmartTagsFromFile(tagsFile)],
  // Backline's pool holds at most 20 PostgreSQL connections; give PostGraphile the same.
  pgServices: [makePgService({ connectionString, schemas: ["public"], poolConfig: { max: 20 } })],
  grafserv: { port: Number(port), graphiql: false, watch: false, maxRequestLength: 100000 },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
server.listen(Number(port), "127.0.0.1", () => console.log(`PostGraphile on http://127.0.0.1:${port}/graphql`));
