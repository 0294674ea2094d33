// The query editor at / (Yasgui: medkg/serve/yasgui/), Oxigraph's editor page with its endpoint
// fixed to this server's own /query. A file, not an inline script: the page's Content-Security-Policy
// (medkg/serve/gateway.py) allows scripts from this origin only, and requests to it only.
//
// Yasgui takes an endpoint from the link (/?endpoint=http://elsewhere/sparql) and from its
// localStorage: a link could make the editor post the query elsewhere and render the foreign answer
// in our origin. So the endpoint is a function (Yasgui evaluates it for every request, over whatever
// a tab holds), any endpoint in the link is dropped, and nothing of the editor is kept in storage.
(function () {
    "use strict";
    const endpoint = new URL("/query", window.location.href).href;
    const fixed = function () { return endpoint; };
    new Yasgui(document.getElementById("yasgui"), {
        requestConfig: { endpoint: fixed },
        persistenceId: null,
        copyEndpointOnNewTab: false,
        populateFromUrl: function (tab) {
            tab.requestConfig = Object.assign({}, tab.requestConfig, { endpoint: endpoint });
            return tab;
        },
        endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    });
}());
