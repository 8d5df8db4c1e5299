// Starts GraphiQL on Backline's /graphql page. Served by the server itself (no other host), so
// it works offline and under the page's Content-Security-Policy (scripts from this server only).
(function () {
  "use strict";

  var TOKEN_KEY = "backline:graphiql:accessToken";
  var wsScheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var base = GraphiQL.createFetcher({
    url: "/graphql",
    subscriptionUrl: wsScheme + "//" + window.location.host + "/graphql/ws",
    // Backline answers every query with one result (no @defer or @stream), so the plain
    // fetcher's promise, which `remember` reads, is all GraphiQL needs.
    enableIncrementalDelivery: false,
  });

  function storedToken() {
    try {
      return window.sessionStorage.getItem(TOKEN_KEY);
    } catch (_) {
      return null;
    }
  }

  function storeToken(token) {
    try {
      if (token) {
        window.sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        window.sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (_) {
      // Storage refused (private mode): paste the token into Headers instead.
    }
  }

  // Adds the token of the last sign-up or sign-in in this tab, unless Headers names one.
  function withToken(options) {
    var headers = Object.assign({}, options && options.headers);
    var named = Object.keys(headers).some(function (name) {
      return name.toLowerCase() === "authorization";
    });
    var token = storedToken();
    if (token && !named) {
      headers.Authorization = "Bearer " + token;
    }
    return Object.assign({}, options, { headers: headers });
  }

  function remember(result) {
    var data = result && result.data;
    if (!data) {
      return;
    }
    ["signUp", "logIn", "refreshSession"].forEach(function (field) {
      if (data[field] && data[field].accessToken) {
        storeToken(data[field].accessToken);
      }
    });
    if (data.logOut) {
      storeToken(null);
    }
  }

  function fetcher(params, options) {
    var answer = base(params, withToken(options));
    if (answer && typeof answer.then === "function") {
      return answer.then(function (result) {
        remember(result);
        return result;
      });
    }
    return answer;
  }

  var suffix = Math.random().toString(36).slice(2, 8);
  var tour = [
    "# Welcome to Backline's API. Press ▶ and pick the operations in order.",
    "#",
    "# 1. SignUp makes an account and signs this tab in (GraphiQL sends its token from then on;",
    "#    a token you put in Headers wins). The Variables below hold a fresh name for every visit.",
    "# 2. CreateSpace, CreateProject and CreateTrack each return an id: put it in Variables",
    "#    (spaceId, projectId) before the next one.",
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
      email: "guest-" + suffix + "@example.com",
      username: "guest_" + suffix,
      password: "correct horse battery",
      spaceName: "The Midnight Owls",
      spaceId: "spc_… from CreateSpace",
      projectId: "prj_… from CreateProject",
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
