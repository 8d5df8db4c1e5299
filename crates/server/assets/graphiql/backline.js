// Starts GraphiQL on Backline's /graphql page. Served by the server itself (no other host), so
// it works offline and under the page's Content-Security-Policy (scripts from this server only).
(function () {
  "use strict";

  var TOKEN_KEY = "backline:graphiql:accessToken";
  var ANSWERS_KEY = "backline:graphiql:answers";
  var RUN_KEY = "backline:graphiql:run";
  var wsScheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var base = GraphiQL.createFetcher({
    url: "/graphql",
    subscriptionUrl: wsScheme + "//" + window.location.host + "/graphql/ws",
    // Backline answers every query with one result (no @defer or @stream), so the plain
    // fetcher's promise, which `remember` reads, is all GraphiQL needs.
    enableIncrementalDelivery: false,
  });

  function stored(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (_) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, value);
      }
    } catch (_) {
      // Storage refused (private mode): paste the token into Headers instead.
    }
  }

  // A word unique to this tab, for `{{run}}` in Variables: names that never collide on a rerun.
  function run() {
    var word = stored(RUN_KEY);
    if (!word) {
      word = Math.random().toString(36).slice(2, 8);
      store(RUN_KEY, word);
    }
    return word;
  }

  // The last answer of each named operation run in this tab, for `{{Operation.path}}`.
  function answers() {
    try {
      return JSON.parse(stored(ANSWERS_KEY) || "{}") || {};
    } catch (_) {
      return {};
    }
  }

  function keep(name, data) {
    var all = answers();
    all[name] = data;
    var names = Object.keys(all);
    // The most recent 50 operations are plenty for a walk-through.
    while (names.length > 50) {
      delete all[names.shift()];
    }
    store(ANSWERS_KEY, JSON.stringify(all));
  }

  // `{{run}}` becomes this tab's word; `{{SignUp.signUp.user.id}}` the value at that path in
  // SignUp's last answer (`.0.` picks the first of a list). Anything else is left as written.
  function fill(text) {
    if (typeof text !== "string" || text.indexOf("{{") < 0) {
      return text;
    }
    var all = answers();
    var whole = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(text);
    var look = function (path) {
      if (path === "run") {
        return run();
      }
      var parts = path.split(".");
      var value = all[parts.shift()];
      while (value !== undefined && value !== null && parts.length) {
        value = value[parts.shift()];
      }
      return value === undefined || value === null ? undefined : value;
    };
    if (whole) {
      // A variable that is one placeholder takes the value as it is (a number stays a number).
      var value = look(whole[1]);
      return value === undefined ? text : value;
    }
    return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, function (placeholder, path) {
      var value = look(path);
      return value === undefined || typeof value === "object" ? placeholder : String(value);
    });
  }

  function fillAll(value) {
    if (Array.isArray(value)) {
      return value.map(fillAll);
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        out[key] = fillAll(value[key]);
      });
      return out;
    }
    return fill(value);
  }

  // Adds the token of the last sign-up or sign-in in this tab, unless Headers names one.
  function withToken(options) {
    var headers = fillAll(Object.assign({}, options && options.headers));
    var named = Object.keys(headers).some(function (name) {
      return name.toLowerCase() === "authorization";
    });
    var token = stored(TOKEN_KEY);
    if (token && !named) {
      headers.Authorization = "Bearer " + token;
    }
    return Object.assign({}, options, { headers: headers });
  }

  // The operation's name: the one GraphiQL picked, or the document's only one.
  function operationName(params) {
    if (params.operationName) {
      return params.operationName;
    }
    var names = [];
    var pattern = /(?:^|\n)\s*(?:query|mutation|subscription)\s+(\w+)/g;
    var found;
    while ((found = pattern.exec(params.query || "")) !== null) {
      names.push(found[1]);
    }
    return names.length === 1 ? names[0] : null;
  }

  function remember(name, result) {
    var data = result && result.data;
    if (!data) {
      return;
    }
    if (name) {
      keep(name, data);
    }
    ["signUp", "logIn", "refreshSession"].forEach(function (field) {
      if (data[field] && data[field].accessToken) {
        store(TOKEN_KEY, data[field].accessToken);
      }
    });
    if (data.logOut) {
      store(TOKEN_KEY, null);
    }
  }

  function fetcher(params, options) {
    var name = operationName(params);
    var filled = Object.assign({}, params, { variables: fillAll(params.variables) });
    var answer = base(filled, withToken(options));
    if (answer && typeof answer.then === "function") {
      return answer.then(function (result) {
        remember(name, result);
        return result;
      });
    }
    return answer;
  }

  var tour = [
    "# Welcome to Backline's API. Press ▶ and pick the operations in order.",
    "#",
    "# 1. SignUp makes an account and signs this tab in (GraphiQL sends its token from then on;",
    "#    a token you put in Headers wins). {{run}} in Variables is a word unique to this tab.",
    "# 2. CreateSpace, CreateProject and CreateTrack: {{CreateSpace.createArtistSpace.id}} in",
    "#    Variables is the id CreateSpace answered (this page fills such placeholders in).",
    "# 3. MySpaces reads it all back. The Docs pane (book icon) describes every type and field;",
    "#    the GraphiQL Explorer (compass icon) builds queries by clicking. The README goes further.",
    "",
    "mutation SignUp($email: String!, $username: String!, $password: String!) {",
    "  signUp(input: {email: $email, username: $username, password: $password}) {",
    "    accessToken",
    "    user { id username }",
    "  }",
    "}",
    "",
    "mutation CreateSpace($spaceName: String!) {",
    "  createArtistSpace(input: {name: $spaceName}) { id slug }",
    "}",
    "",
    "mutation CreateProject($spaceId: ID!) {",
    "  createProject(input: {artistSpaceId: $spaceId, name: \"Night Drive EP\"}) { id }",
    "}",
    "",
    "mutation CreateTrack($projectId: ID!) {",
    "  createTrack(input: {projectId: $projectId, title: \"Neon Rain\"}) { id shortId }",
    "}",
    "",
    "query MySpaces {",
    "  myArtistSpaces(first: 10) {",
    "    totalCount",
    "    nodes { name viewerRole projects { nodes { name tracks { nodes { title } } } } }",
    "  }",
    "}",
    "",
  ].join("\n");
  var variables = JSON.stringify(
    {
      email: "guest-{{run}}@example.com",
      username: "guest_{{run}}",
      password: "correct horse battery",
      spaceName: "The Midnight Owls",
      spaceId: "{{CreateSpace.createArtistSpace.id}}",
      projectId: "{{CreateProject.createProject.id}}",
    },
    null,
    2,
  );

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: [{ query: tour, variables: variables }],
      // GraphiQL 4 fills the Variables editor from this prop only, not from `defaultTabs`.
      variables: variables,
      defaultEditorToolsVisibility: "variables",
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    }),
  );

  // Opens the Docs pane on arrival, as its own button does. (GraphiQL 4's `visiblePlugin` prop
  // marks the pane open but leaves it collapsed on the first render.)
  var tries = 0;
  var opener = window.setInterval(function () {
    var button = document.querySelector('button[aria-label="Show Documentation Explorer"]');
    tries += 1;
    if (button) {
      button.click();
    }
    if (button || tries > 100) {
      window.clearInterval(opener);
    }
  }, 50);
})();
