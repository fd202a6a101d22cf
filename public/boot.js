// Start-up watchdog. Runs before the wasm loader so that a browser that cannot
// start the app (no WebAssembly, a failed download, a panic during start) shows a
// friendly explanation instead of a blank page. It reads no user data.
(function () {
  "use strict";
  var started = false;
  function fail(reason) {
    if (started) return;
    var boot = document.getElementById("boot");
    var failed = document.getElementById("boot-failed");
    if (!failed) return;
    if (boot) boot.hidden = true;
    failed.hidden = false;
    var detail = document.getElementById("boot-failed-detail");
    if (detail && reason) detail.textContent = "Technical detail: " + reason;
  }
  addEventListener("TrunkApplicationStarted", function () {
    started = true;
    var boot = document.getElementById("boot");
    if (boot) boot.remove();
  });
  addEventListener("error", function (e) {
    fail(e && e.message ? String(e.message).slice(0, 200) : "script error");
  });
  addEventListener("unhandledrejection", function (e) {
    var r = e && e.reason;
    fail(r && r.message ? String(r.message).slice(0, 200) : "start-up failed");
  });
  if (typeof WebAssembly !== "object") {
    addEventListener("DOMContentLoaded", function () {
      fail("this browser does not support WebAssembly");
    });
  }
  // A slow tablet may take a while to compile the module; only give up after a minute.
  setTimeout(function () {
    if (!started) fail("the app did not start within 60 seconds");
  }, 60000);
})();
