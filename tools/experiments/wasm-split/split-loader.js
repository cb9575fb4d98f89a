// ---- EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md) ----
// The split loader, put before wasm-bindgen's glue by tools/experiments/wasm-split/make-dist.mjs.
// The page's wasm is two modules made by binaryen's `wasm-split --profile`: the primary (what
// the boot, the first render and the first seconds of the clock ran) and the secondary (the
// rest). Every function of the secondary is reached from the primary through the primary's
// function table, whose slots hold placeholders (imports "placeholder" "SLOT") until the
// secondary is instantiated: its element segments then write the real functions into those slots.
// - The secondary is fetched and compiled as soon as the primary is instantiated (the link is
//   free by then), and instantiated when it is compiled: from then on no placeholder runs.
// - A placeholder that runs before that (an event the profile did not cover, a boot down another
//   path) cannot wait for a promise: wasm is on the stack. It loads the secondary synchronously
//   (the compiled module if the fetch has finished, else a synchronous XMLHttpRequest and a
//   synchronous compile), then calls the real function from the table. The page pauses while
//   that downloads; it does not die.
const SPLIT_URL = new URL('./SECONDARY_FILE', import.meta.url);
const split = { module: null, instance: null, error: null, syncLoads: 0, readyAt: null, placeholderCalls: 0 };
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

function splitStart() {
  WebAssembly.compileStreaming(fetch(SPLIT_URL))
    .then((module) => {
      split.module = module;
      if (!split.instance) splitInstantiate(module);
    })
    .catch((e) => {
      // Left to the synchronous path: it tries again if a placeholder runs.
      split.error = String(e);
      console.warn('kubelab: the second part of the code did not load yet:', e);
    });
}

function splitInstantiate(module) {
  split.instance = new WebAssembly.Instance(module, { primary: wasm });
  split.readyAt = performance.now();
}

function splitPlaceholder(slot, args) {
  split.placeholderCalls++;
  if (!split.instance) {
    split.syncLoads++;
    const module = split.module ?? new WebAssembly.Module(splitFetchSync(SPLIT_URL));
    splitInstantiate(module);
  }
  return wasm.table.get(slot)(...args);
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
