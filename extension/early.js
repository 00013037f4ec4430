// Loaded first by popup.html (an async classic script, so it never holds the parser),
// so that the two slow steps of opening the popup start while the page is still being
// parsed instead of after its modules load: reading the small stored values the first
// screen needs, and compiling the WebAssembly module. popup.js and shared.js
// (coreReady) take them from here, and do the same themselves if this has not run.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  globalThis.pendingEarly = {
    stored: api.storage.local.get(['settings', 'status', 'firstScreen']),
    // null when the browser cannot compile while downloading: coreReady then loads the
    // module itself.
    wasm: WebAssembly.compileStreaming(fetch(api.runtime.getURL('pkg/pending_core_bg.wasm'))).catch(() => null),
  };
})();
