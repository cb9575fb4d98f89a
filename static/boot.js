// Runs before the wasm loads (a plain script file: the Content-Security-Policy allows no
// inline script). It registers the service worker (tools/sw-worker.js) once the page has
// loaded and started, shows a quiet notice when a new build is ready (the page never reloads by itself),
// and, if a page served by the worker fails to start, drops the worker and its caches and
// loads once from the network. Without service workers (private browsing, an insecure
// origin) or with no room to store the files, the page simply works from the network.
(function () {
  'use strict';
  var sw = navigator.serviceWorker;
  if (!sw || !window.caches) return;
  var RECOVERY = 'kubelab-sw-recovery';

  function started() {
    return !!document.querySelector('body > .app');
  }

  function recover() {
    if (started() || !sw.controller) return;
    try {
      if (sessionStorage.getItem(RECOVERY)) return; // once: never a reload loop
      sessionStorage.setItem(RECOVERY, '1');
    } catch (_) {
      return;
    }
    var unregister = sw.getRegistrations().then(function (regs) {
      return Promise.all(regs.map(function (r) { return r.unregister(); }));
    });
    var clear = caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf('kubelab-') === 0; }).map(function (k) { return caches.delete(k); }));
    });
    Promise.all([unregister, clear]).catch(function () {}).then(function () { location.reload(); });
  }
  addEventListener('error', recover);
  addEventListener('unhandledrejection', recover);
  // A second later: the first touch of sessionStorage costs ~5-10 ms, which the first
  // visit's path to a usable page need not pay (BENCHMARKS.md, session 14).
  addEventListener('TrunkApplicationStarted', function () {
    setTimeout(function () {
      try { sessionStorage.removeItem(RECOVERY); } catch (_) { /* no storage */ }
    }, 1000);
  });

  function showNotice(waiting) {
    if (document.querySelector('.update-notice')) return;
    var box = document.createElement('div');
    box.className = 'update-notice';
    box.setAttribute('role', 'status');
    box.setAttribute('data-testid', 'update-notice');
    box.append('A new version of kubelab is ready. Your lab is saved. ');
    var reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = 'Reload';
    reload.setAttribute('data-testid', 'update-reload');
    reload.addEventListener('click', function () {
      sw.addEventListener('controllerchange', function () { location.reload(); });
      if (waiting.state === 'installed') waiting.postMessage('kubelab-update');
      else location.reload();
    });
    var later = document.createElement('button');
    later.type = 'button';
    later.textContent = 'Later';
    later.setAttribute('data-testid', 'update-later');
    later.addEventListener('click', function () { box.remove(); });
    box.append(reload, ' ', later);
    document.body.append(box);
  }

  // Registered a second after the page has loaded and the app has started: the worker's
  // install downloads every file again, which must not compete with the first visit's own.
  var loaded = document.readyState === 'complete';
  var appStarted = false;
  function register() {
    if (!loaded || !appStarted) return;
    setTimeout(function () {
      sw.register('sw.js').then(function (reg) {
        var notify = function () {
          if (reg.waiting && sw.controller) showNotice(reg.waiting);
        };
        notify();
        reg.addEventListener('updatefound', function () {
          var worker = reg.installing;
          if (worker) worker.addEventListener('statechange', function () { if (worker.state === 'installed') notify(); });
        });
      }).catch(function () { /* no worker: the page works from the network */ });
    }, 1000);
  }
  addEventListener('load', function () { loaded = true; register(); });
  addEventListener('TrunkApplicationStarted', function () { appStarted = true; register(); });
})();
