import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

// GraphiQL and React ship as UMD bundles inside their npm packages; serving them from node_modules keeps the page
// working on offline machines and behind strict CSPs (no CDN).
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

const ASSETS: Record<string, string> = {
  'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
  'react.production.min.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.production.min.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
};

export const GRAPHIQL_ASSET_PATH = '/graphiql';

export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d', immutable: true }));
  }
  router.get('/start.js', (_req, res) => res.type('application/javascript').send(GRAPHIQL_START_SCRIPT));
  return router;
}

export function graphiqlPage(endpoint: string): string {
  const asset = (name: string) => `${GRAPHIQL_ASSET_PATH}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>usage-portal GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="${asset('graphiql.min.css')}">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${asset('react.production.min.js')}"></script>
  <script src="${asset('react-dom.production.min.js')}"></script>
  <script src="${asset('graphiql.min.js')}"></script>
  <script src="${asset('start.js')}" data-endpoint="${endpoint}"></script>
</body>
</html>`;
}

// Kept out of the HTML so the page needs no inline script (CSP script-src 'self').
export const GRAPHIQL_START_SCRIPT = `(function () {
  var endpoint = document.currentScript.getAttribute('data-endpoint');
  // Subscriptions go over WebSocket at the same path (graphql-ws); the headers typed under Headers become the socket's
  // connection_init payload, so {"Authorization": "Bearer <token>"} signs it in too.
  var subscriptionUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;
  // Apollo's CSRF prevention wants a JSON content type or this header on every request.
  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: subscriptionUrl, headers: { 'apollo-require-preflight': 'true' } });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    defaultQuery: '# Sign in: add {"Authorization": "Bearer <token>"} under Headers below.\\n' +
      '# A local token: npx usage-portal token --role CSR\\n{\\n  viewer {\\n    subject\\n    role\\n  }\\n}\\n'
  }));
})();
`;
