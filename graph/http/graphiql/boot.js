// Starts GraphiQL on repofolio's /graphql page. Loaded from this origin after React, GraphiQL and the explorer
// plugin (graph/http/playground.py lists the order); the page runs no inline script.
"use strict";
(function () {
  const url = window.location.origin + window.location.pathname;
  const fetcher = GraphiQL.createFetcher({ url: url });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      // An admin token typed into the headers editor stays in this tab, not in localStorage.
      shouldPersistHeaders: false,
    }),
  );
})();
