// Opens Backline's GraphiQL in headless Chromium with every request to another host refused,
// reads a description in the Docs pane, runs the tour (sign-up, space, project, track) with
// its variables, reads `me` with the token the page kept, watches the track over the page's
// socket and opens the Explorer. Prints one JSON line with what it saw.
// Usage: node graphiql.mjs <server-url> <screenshot.png>
// The browser is the machine's Chromium (BACKLINE_CHROMIUM, default /usr/bin/chromium).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [server, screenshot] = process.argv.slice(2);
const executablePath = process.env.BACKLINE_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`Chromium is not at ${executablePath}: install the chromium package (or set BACKLINE_CHROMIUM)`);
  process.exit(3);
}
const origin = new URL(server).origin;
const seen = { blocked: [], violations: [], errors: [] };
const timer = setTimeout(() => {
  console.error(`timed out: ${JSON.stringify(seen)}`);
  process.exit(2);
}, 150000);

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Offline but for this server: anything else is refused and recorded.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || new URL(url).origin === origin) {
      return route.continue();
    }
    seen.blocked.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  // Generous: the machines are shared, and CI runs many tests at once.
  page.setDefaultTimeout(60000);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  if (process.env.DEBUG_GRAPHIQL) page.on('request', (r) => console.error('request', r.method(), r.url(), r.postData()?.slice(0, 200)));
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });

  await page.goto(`${server}/graphql`);
  await page.waitForSelector('.graphiql-container');

  // The Docs pane is open on arrival; a root type leads to field descriptions.
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.waitFor();
  await docs.getByText('QueryRoot', { exact: true }).first().click();
  await docs.getByText('The signed-in user; null when not signed in.').first().waitFor();
  seen.docs = true;

  const editorValue = (selector) =>
    page.evaluate((selector) => document.querySelector(`${selector} .CodeMirror`).CodeMirror.getValue(), selector);
  const run = async (query, expect) => {
    await page.evaluate((query) => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
    }, query);
    // GraphiQL reads the editor's operations after a short debounce.
    await page.waitForTimeout(600);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(
      (expect) => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue().includes(expect),
      expect,
    );
    return JSON.parse(await editorValue('.graphiql-response'));
  };

  seen.tour = (await editorValue('.graphiql-query-editor')).includes('mutation SignUp');
  const variables = JSON.parse(await editorValue('.graphiql-editor-tool'));
  seen.variables = variables.username;
  // The tour as a newcomer runs it: ▶, then each operation from the menu, in order; the page
  // fills {{run}} and {{Operation.path}} in Variables from this tab's answers.
  const pick = async (name, expect) => {
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-dropdown-item', { hasText: new RegExp(`^${name}$`) }).click();
    await page.waitForFunction(
      (expect) => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue().includes(expect),
      expect,
    );
    return JSON.parse(await editorValue('.graphiql-response'));
  };
  const signUp = await pick('SignUp', '"signUp"');
  seen.signedUp = signUp.data?.signUp?.user?.username ?? null;
  const space = await pick('CreateSpace', '"createArtistSpace"');
  seen.space = space.data?.createArtistSpace?.slug ?? null;
  await pick('CreateProject', '"createProject"');
  const track = await pick('CreateTrack', '"createTrack"');
  const trackId = track.data.createTrack.id;
  const spaces = await pick('MySpaces', '"myArtistSpaces"');
  seen.tracks = spaces.data?.myArtistSpaces?.nodes?.[0]?.projects?.nodes?.[0]?.tracks?.nodes?.map((t) => t.title) ?? null;
  // From here on the page sends the token it kept from SignUp.
  const me = await run('query Me { me { username } }', '"me"');
  seen.me = me.data?.me?.username ?? null;

  // A subscription over the page's WebSocket (the policy must allow it): change the track over
  // HTTP with the page's token until the event shows in the response pane.
  const token = await page.evaluate(() => window.sessionStorage.getItem('backline:graphiql:accessToken'));
  await page.evaluate((query) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
  }, `subscription Watch { trackEvents(trackId: "${trackId}") { kind } }`);
  await page.waitForTimeout(600);
  await page.locator('.graphiql-execute-button').click();
  for (let attempt = 0; attempt < 20 && !seen.subscription; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fetch(`${server}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation($id: ID!, $t: String!) { updateTrack(id: $id, input: {title: $t}) { id } }',
        variables: { id: trackId, t: `Live ${attempt}` },
      }),
    });
    const response = await editorValue('.graphiql-response');
    if (response.includes('TRACK_UPDATED')) seen.subscription = 'TRACK_UPDATED';
  }

  await page.getByRole('button', { name: /explorer/i }).last().click();
  await page.locator('.graphiql-explorer-root, .docExplorerWrap').first().waitFor();
  seen.explorer = true;

  seen.violations = await page.evaluate(() => window.__violations);
  await page.screenshot({ path: screenshot });
} catch (error) {
  // What the page showed when it went wrong, for the test's message.
  const page = browser.contexts()[0]?.pages()[0];
  if (page) await page.screenshot({ path: screenshot }).catch(() => {});
  console.error(`${error.message}\nseen so far: ${JSON.stringify(seen)}\nscreenshot: ${screenshot}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  clearTimeout(timer);
}
if (!process.exitCode) console.log(JSON.stringify(seen));
