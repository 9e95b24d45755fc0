/* servicelane's one script. The Content-Security-Policy allows no inline script and no
   inline event handler, so pages say what they want with data-attributes and this file
   binds the behaviour, for the first page and for whatever htmx swaps in later:

   data-autosubmit          on a field: its form is sent when the value changes
   data-confirm="question"  on a form: sent only after the person confirms
   data-copy-target="id"    on a button: copies the field's value; data-copied is the new label
   data-select-on-click     on a field: selects its text on a click
   data-elapsed / data-remaining (seconds)  the bay's clocks, counting up or down;
                            the figure goes into a [data-clock] child or the element itself */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.hasAttribute && field.hasAttribute("data-autosubmit")) {
      field.form.submit();
    }
  });

  // Capture: runs before htmx's listener on the form, so a "no" stops an htmx request too.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (target.hasAttribute("data-select-on-click") && target.select) {
      target.select();
    }
    var button = target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    if (navigator.clipboard) {
      navigator.clipboard.writeText(source.value).catch(function () {});
    }
    if (button.hasAttribute("data-copied")) {
      button.textContent = button.getAttribute("data-copied");
    }
  });

  /* The bay's clocks: time since clock-on counts up, a promise counts down. The server gives
     the seconds at render time, so a tablet whose own clock is wrong still shows the truth. */
  function fmt(total) {
    var s = Math.floor(Math.abs(total));
    var h = Math.floor(s / 3600),
      m = Math.floor((s % 3600) / 60),
      x = s % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (x < 10 ? "0" : "") + x;
  }

  var ticking = false;

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-elapsed],[data-remaining]").forEach(function (el) {
      if (!el.dataset.t0) {
        el.dataset.t0 = String(now);
      }
      var passed = (now - Number(el.dataset.t0)) / 1000,
        value;
      if (el.dataset.elapsed !== undefined) {
        value = Number(el.dataset.elapsed) + passed;
      } else {
        value = Number(el.dataset.remaining) - passed;
        el.classList.toggle("late", value < 0);
      }
      (el.querySelector("[data-clock]") || el).textContent = fmt(value);
    });
  }

  function startClocks() {
    if (ticking || !document.querySelector("[data-elapsed],[data-remaining]")) {
      return;
    }
    ticking = true;
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startClocks);
  } else {
    startClocks();
  }
  // A clock that arrives with an htmx swap starts at once rather than on the next tick.
  document.addEventListener("htmx:afterSettle", function () {
    startClocks();
    if (ticking) {
      tick();
    }
  });
})();
