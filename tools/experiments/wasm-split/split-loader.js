// ---- EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md) ----
// The split loader, put before wasm-bindgen's glue by tools/experiments/wasm-split/make-dist.mjs.
// The page's wasm is two modules made by binaryen's `wasm-split --profile`: the primary (what
// the boot, the first render and the first seconds of the clock ran) and the secondary (the
// rest). Every function of the secondary is reached from the primary through the primary's
// function table, whose slots hold placeholders (imports "placeholder" "SLOT") until the
// secondary is instantiated: its element segments then write the real functions into those slots.
// - The secondary is fetched and compiled as soon as the primary is instantiated (the link is
//   free by then), and instantiated when it is compiled: from then on no placeholder runs.
// - A boot the profile did not see (a repeat visit, a saved lab, a shared link) waits for the
//   secondary before `main` runs: the page is as the unsplit one then, never slower than it.
// - A placeholder that runs before that (an event the profile did not cover, a boot down another
//   path) cannot wait for a promise: wasm is on the stack. It loads the secondary synchronously
//   (the compiled module if the fetch has finished, else a synchronous XMLHttpRequest and a
//   synchronous compile), then calls the real function from the table. The page pauses while
//   that downloads. If that fails too (the network gone), the page says so and offers a reload.
const SPLIT_URL = new URL('./SECONDARY_FILE', import.meta.url);
const split = { module: null, instance: null, error: null, syncLoads: 0, readyAt: null, placeholderCalls: 0, waited: false, syncMs: null, download: null };
globalThis.__kubelabSplit = split;

function splitImports(imports) {
  const placeholders = {};
  imports.placeholder = new Proxy(placeholders, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      const slot = Number(name);
      target[name] ??= (...args) => splitPlaceholder(slot, args);
      return target[name];
    },
  });
  return imports;
}

// Called with the primary instantiated, before its `main`: starts the secondary's download and
// compile; resolves at once for the boot the profile saw (a first visit), else (a boot down a
// path the profile did not see) only once the secondary is instantiated too.
async function splitBeforeStart(primary) {
  const ready = splitDownload(primary, 0);
  split.waited = splitMustWait();
  if (split.waited) await ready;
}

// The background download, tried again after 1, 2, 4 and 8 s if it fails (a link that drops
// for a moment); it stops once the secondary is there (the synchronous path may have been first).
function splitDownload(primary, attempt) {
  split.download = new AbortController();
  return WebAssembly.compileStreaming(fetch(SPLIT_URL, { signal: split.download.signal }))
    .then((module) => {
      split.module = module;
      if (!split.instance) splitInstantiate(module, primary);
    })
    .catch((e) => {
      if (split.instance) return;
      split.error = String(e);
      if (attempt >= 4) return; // left to the synchronous path, which tries once more if needed
      return new Promise((r) => setTimeout(r, 1000 << attempt)).then(() => (split.instance ? undefined : splitDownload(primary, attempt + 1)));
    });
}

// Not the profiled first visit: a page served by the service worker (a synchronous request
// would bypass it, so offline it would fail), a lab saved in this browser (the boot replays it),
// a shared link (#...) or the presenter view.
function splitMustWait() {
  if (navigator.serviceWorker?.controller) return true;
  try {
    if (localStorage.length > 0) return true;
  } catch (_) {
    // No storage: nothing to restore.
  }
  return location.hash !== '' || /[?&]present\b/.test(location.search);
}

function splitInstantiate(module, primary = wasm) {
  split.instance = new WebAssembly.Instance(module, { primary });
  split.readyAt = performance.now();
}

function splitPlaceholder(slot, args) {
  split.placeholderCalls++;
  if (!split.instance) {
    split.syncLoads++;
    const t0 = performance.now();
    // The background download would share the link with the synchronous one: stop it.
    if (!split.module) split.download?.abort();
    try {
      const module = split.module ?? new WebAssembly.Module(splitFetchSync(SPLIT_URL));
      splitInstantiate(module);
    } catch (e) {
      // Nothing can run this call: say so on the page, then let it fail.
      splitFailedNotice();
      throw e;
    }
    split.syncMs = performance.now() - t0; // the page's pause
  }
  return wasm.table.get(slot)(...args);
}

// What the learner sees when the second part of the code cannot be had: the page cannot go
// on; a reload's boot waits for the whole code (and restores what the lab saved).
function splitFailedNotice() {
  if (document.querySelector('[data-testid="split-failed"]')) return;
  const box = document.createElement('div');
  box.className = 'update-notice';
  box.setAttribute('role', 'alert');
  box.dataset.testid = 'split-failed';
  box.textContent = 'kubelab could not finish loading (is the network down?). ';
  const button = document.createElement('button');
  button.textContent = 'Reload';
  button.addEventListener('click', () => location.reload());
  box.append(button);
  document.body.append(box);
}

function splitFetchSync(url) {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false); // synchronous: the only way to wait with wasm on the stack
  xhr.overrideMimeType('text/plain; charset=x-user-defined'); // bytes, not text
  xhr.send();
  if (xhr.status !== 200) throw new Error(`kubelab: the second part of the code did not load (HTTP ${xhr.status})`);
  const text = xhr.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
// ---- end of the split loader; wasm-bindgen's glue follows ----
